/**
 * The committed dist/ survives a failing `cdk8s synth` in a fresh clone: the real cdk8s CLI, the
 * repository's own cdk8s.yaml and src/main.ts, in a copy that holds exactly the files git tracks (or would)
 * (no earlier synth output, no backup beside dist/).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
let clone: string;

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[path.relative(dir, path.join(e.parentPath, e.name))] = fs.readFileSync(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

function cdk8sSynth(): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CDK8S_OUTDIR;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], {
    cwd: clone, env, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  clone = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-fresh-clone-'));
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked.filter(f => /^(cdk8s\.yaml|package\.json|tsconfig\.json|src\/|constructs\/|policy\/|analysis\/|dist\/)/.test(f))) {
    if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
});

afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

test('a bad input fails cdk8s synth with the construct path, the field and the fix, and dist/ stays byte for byte', () => {
  const committed = tree(path.join(clone, 'dist'));
  expect(Object.keys(committed)).toContain('SECURITY-REPORT.md');
  expect(fs.readdirSync(clone).filter(f => f.startsWith('.'))).toEqual([]); // nothing beside dist/ to restore from

  const blueprint = path.join(clone, 'src', 'blueprint.ts');
  const good = fs.readFileSync(blueprint, 'utf8');
  expect(good).toContain('replicas: 3,');
  fs.writeFileSync(blueprint, good.replace('replicas: 3,', 'replicas: 0,'));
  const failed = cdk8sSynth();
  expect(failed.status).not.toBe(0);
  expect(failed.output).toMatch(/\[backend-workloads\/api\] replicas: 0 .*Fix: /);
  expect(tree(path.join(clone, 'dist'))).toEqual(committed);

  fs.writeFileSync(blueprint, good);
  const ok = cdk8sSynth();
  expect({ status: ok.status, output: ok.output }).toEqual({ status: 0, output: expect.stringContaining('cdk8s.out/backend.yaml') });
  expect(tree(path.join(clone, 'dist'))).toEqual(committed); // the committed dist/ is what the code synthesizes
}, 120_000);
