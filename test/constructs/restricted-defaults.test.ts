import { DEFAULT_KUBERNETES_VERSION, RESTRICTED_DEFAULTS } from '../../constructs';
import * as fs from 'fs';
import * as path from 'path';

describe('RESTRICTED_DEFAULTS', () => {
  test('pins the documented defaults', () => {
    expect(RESTRICTED_DEFAULTS.runAsUser).toBe(65532);
    expect(RESTRICTED_DEFAULTS.runAsGroup).toBe(65532);
    expect(RESTRICTED_DEFAULTS.fsGroup).toBe(65532);
    expect(RESTRICTED_DEFAULTS.replicas).toBe(2);
    expect(RESTRICTED_DEFAULTS.podSecurityLevel).toBe('restricted');
    expect(DEFAULT_KUBERNETES_VERSION).toBe('1.36');
    expect(RESTRICTED_DEFAULTS.limitRange.defaultRequest).toEqual({ cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' });
    expect(RESTRICTED_DEFAULTS.limitRange.default).toEqual({ cpu: '500m', memory: '512Mi', ephemeralStorage: '1Gi' });
    expect(RESTRICTED_DEFAULTS.limitRange.max).toEqual({ cpu: '4', memory: '8Gi', ephemeralStorage: '10Gi' });
  });

  test('every @default in the constructs that quotes a number or version matches the constant', () => {
    const dir = path.join(__dirname, '..', '..', 'constructs');
    const text = fs.readdirSync(dir).filter(f => f.endsWith('.ts')).map(f => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const quoted = [...text.matchAll(/@default (\S+) \(RESTRICTED_DEFAULTS\.(\w+)\)/g)];
    expect(quoted.length).toBeGreaterThanOrEqual(5);
    for (const m of quoted) {
      const value = (RESTRICTED_DEFAULTS as unknown as Record<string, unknown>)[m[2]];
      expect({ key: m[2], documented: m[1].replace(/"/g, '') }).toEqual({ key: m[2], documented: String(value) });
    }
  });
});
