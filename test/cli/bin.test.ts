/** Spawns the real binary (bin/cdk8s-hardened.js, no build step) to check exit codes and output. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'cdk8s-hardened.js');
const FIXTURES = path.join('test', 'fixtures', 'pod-security', 'restricted', 'v1.28');

function run(args: string[], cwd = REPO, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

jest.setTimeout(60_000);

test('exit 0 on the upstream pass fixtures', () => {
  const r = run(['check', path.join(FIXTURES, 'pass')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('No findings: 17 objects in 17 files checked.\n');
});

test('exit 1 and one JSON array on the upstream fail fixtures', () => {
  const r = run(['check', path.join(FIXTURES, 'fail'), '--pod-security-version', 'v1.28', '--format', 'json']);
  expect(r.code).toBe(1);
  const entries = JSON.parse(r.stdout) as { file: string; kind: string; namespace: string | null; name: string; findings: { rule: string; level: string; message: string; path: string; severity: string }[] }[];
  expect(entries).toHaveLength(69);
  for (const e of entries) {
    expect(Object.keys(e)).toEqual(['file', 'line', 'kind', 'namespace', 'name', 'findings', 'suppressed']);
    expect(e.kind).toBe('Pod');
    expect(e.namespace).toBeNull();
    expect(e.file).toBe(path.join(FIXTURES, 'fail', `${e.name}.yaml`));
    expect(e.findings.length).toBeGreaterThan(0);
    for (const f of e.findings) {
      expect(Object.keys(f)).toEqual(['rule', 'level', 'message', 'path', 'severity', 'explanation', 'fix', 'help']);
      expect(f.severity).toBe('error');
    }
  }
  const byName = new Map(entries.map((e) => [e.name, e.findings.map((f) => f.rule)]));
  expect(byName.get('allowprivilegeescalation0')).toContain('allowPrivilegeEscalation');
  expect(byName.get('hostpathvolumes0')).toEqual(['restrictedVolumes']);
});

test('exit 2 with file:line:col on unparsable input, and with usage on an unknown flag', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-bin-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unterminated\n');
    const bad = run(['check', 'bad.yaml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^cdk8s-hardened check: bad\.yaml:\d+:\d+: /);

    const flag = run(['check', '--strict', 'bad.yaml'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option "--strict"');
    expect(flag.stderr).toContain('Usage: cdk8s-hardened check');

    const stdin = run(['check', '-', '--level', 'baseline'], dir, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n');
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toContain('<stdin>:1: Pod p: [hostNamespaces] host namespaces (hostPID=true) (spec.hostPID)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
