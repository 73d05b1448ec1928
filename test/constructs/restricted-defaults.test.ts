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
    expect(RESTRICTED_DEFAULTS.autoscalingCpuUtilizationPercent).toBe(70);
    expect(RESTRICTED_DEFAULTS.terminationGracePeriodSeconds).toBe(30);
    expect(RESTRICTED_DEFAULTS.job).toEqual({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(RESTRICTED_DEFAULTS.cronJobStartingDeadlineSeconds).toBe(300);
    expect(RESTRICTED_DEFAULTS.serviceAccountTokenExpirationSeconds).toBe(3600);
    expect(RESTRICTED_DEFAULTS.limitRange.defaultRequest).toEqual({ cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' });
    expect(RESTRICTED_DEFAULTS.limitRange.default).toEqual({ cpu: '500m', memory: '512Mi', ephemeralStorage: '1Gi' });
    expect(RESTRICTED_DEFAULTS.limitRange.max).toEqual({ cpu: '4', memory: '8Gi', ephemeralStorage: '10Gi' });
  });

  /** Every .ts file below constructs/ (the generated imports/ aside). */
  const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === 'imports' ? [] : sources(p)) : e.name.endsWith('.ts') ? [p] : [];
  });
  const text = sources(path.join(__dirname, '..', '..', 'constructs')).map(f => fs.readFileSync(f, 'utf8')).join('\n');

  test('every @default that quotes RESTRICTED_DEFAULTS, in all of constructs/, matches the constant', () => {
    const quoted = [...text.matchAll(/@default (\S+) \(RESTRICTED_DEFAULTS\.([\w.]+)\)/g)];
    expect(quoted.length).toBeGreaterThanOrEqual(12);
    for (const m of quoted) {
      const value = m[2].split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], RESTRICTED_DEFAULTS);
      expect({ key: m[2], documented: m[1].replace(/"/g, '') }).toEqual({ key: m[2], documented: String(value) });
    }
  });

  test('no numeric default is a literal in the code: every `?? <number>` default reads RESTRICTED_DEFAULTS', () => {
    // `?? 0` (an empty sum) and `?? 1` (one pod of a Job) are arithmetic, not defaults of a prop
    const literals = [...text.matchAll(/props\.\w+(?:\.\w+)* \?\? (\d+)\b|options\.\w+ \?\? (\d+)\b|autoscaling\.\w+ \?\? (\d+)\b/g)].map(m => m[0]);
    expect(literals).toEqual([]);
  });
});
