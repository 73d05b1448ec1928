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

/** `cdk8s synth` (the real CLI) in `dir`, with extra environment (NODE_OPTIONS reaches the app it spawns). */
function cdk8sSynth(dir = clone, extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.CDK8S_OUTDIR;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], {
    cwd: dir, env, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const clones: string[] = [];
/** A copy of the files git tracks (or would) that synth reads, and the committed dist/. */
function freshClone(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-fresh-clone-'));
  clones.push(dir);
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked.filter(f => /^(cdk8s\.yaml|package\.json|tsconfig\.json|src\/|constructs\/|policy\/|analysis\/|dist\/)/.test(f))) {
    if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

beforeAll(() => {
  clone = freshClone();
});

afterAll(() => {
  for (const dir of clones) {
    spawnSync('chmod', ['-R', 'u+w', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

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

describe('dist/ under faults, through the real cdk8s synth in a fresh clone', () => {
  const siblings = (dir: string) => fs.readdirSync(dir).filter(n => n.startsWith('.dist.')).sort();
  const modeOf = (p: string) => fs.statSync(p).mode & 0o777;
  const breakBlueprint = (dir: string) => {
    const file = path.join(dir, 'src', 'blueprint.ts');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.replace('replicas: 3,', 'replicas: 0,'));
    return () => fs.writeFileSync(file, good);
  };
  /** A require hook that SIGKILLs the app right after the first rename of the swap (dist -> .dist.old-*). */
  const killBetweenRenames = (dir: string): NodeJS.ProcessEnv => {
    const hook = path.join(dir, '..', `${path.basename(dir)}-kill-hook.js`);
    fs.writeFileSync(hook, [
      "const fs = require('fs');",
      'const rename = fs.renameSync;',
      "fs.renameSync = function (from, to) { rename.apply(this, arguments); if (String(to).includes('/.dist.old-')) process.kill(process.pid, 'SIGKILL'); };",
    ].join('\n'));
    clones.push(hook);
    return { NODE_OPTIONS: `--require ${hook}` };
  };

  test('a synth killed between the two renames of the swap is recovered by the next synth, failing or not', () => {
    const dir = freshClone();
    const committed = tree(path.join(dir, 'dist'));
    const killed = cdk8sSynth(dir, killBetweenRenames(dir));
    expect(killed.status).not.toBe(0);
    // the fault really happened: no dist/, the old one and the new one beside it
    expect({ dist: fs.existsSync(path.join(dir, 'dist')), siblings: siblings(dir).map(n => n.replace(/-\d+-.*$/, '')) }).toEqual({ dist: false, siblings: ['.dist.old', '.dist.tmp'] });

    const restore = breakBlueprint(dir);
    const failing = cdk8sSynth(dir);
    restore();
    expect(failing.status).not.toBe(0);
    expect(failing.output).toMatch(/outdir: .*dist was missing .*restored the previous output from \.dist\.old-/);
    expect(tree(path.join(dir, 'dist'))).toEqual(committed);
    expect(siblings(dir)).toEqual([]);

    expect(cdk8sSynth(dir, killBetweenRenames(dir)).status).not.toBe(0);
    const ok = cdk8sSynth(dir);
    expect({ status: ok.status, restored: /restored the previous output/.test(ok.output) }).toEqual({ status: 0, restored: true });
    expect(tree(path.join(dir, 'dist'))).toEqual(committed);
    expect(siblings(dir)).toEqual([]);
  }, 180_000);

  test('dist/ keeps its mode; a new dist/ gets the mode mkdir gives (not 0700)', () => {
    const dir = freshClone();
    fs.chmodSync(path.join(dir, 'dist'), 0o750);
    expect(cdk8sSynth(dir).status).toBe(0);
    expect(modeOf(path.join(dir, 'dist')).toString(8)).toBe('750');
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'probe'));
    const plain = modeOf(path.join(dir, 'probe'));
    expect(cdk8sSynth(dir).status).toBe(0);
    expect(modeOf(path.join(dir, 'dist')).toString(8)).toBe(plain.toString(8));
    expect(plain).not.toBe(0o700);
  }, 120_000);

  test('a read-only dist/ is refused before anything is replaced, by a failing and by a succeeding synth', () => {
    const dir = freshClone();
    const committed = tree(path.join(dir, 'dist'));
    execFileSync('chmod', ['-R', 'a-w', path.join(dir, 'dist')]);
    const restore = breakBlueprint(dir);
    expect(cdk8sSynth(dir).status).not.toBe(0);
    restore();
    const ok = cdk8sSynth(dir);
    expect(ok.status).not.toBe(0);
    expect(ok.output).toMatch(/\[HardenedApp\] outdir: ".*dist" holds the read-only directory .*dist \(mode 555\).*Fix: make it writable \(chmod -R u\+w /);
    expect(tree(path.join(dir, 'dist'))).toEqual(committed);
    expect(modeOf(path.join(dir, 'dist')).toString(8)).toBe('555');
    expect(siblings(dir)).toEqual([]);
  }, 120_000);

  test('a plain file named dist, or a symlink dist to a file, is refused and left as it was', () => {
    const dir = freshClone();
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist'), 'my notes\n');
    const asFile = cdk8sSynth(dir);
    expect(asFile.status).not.toBe(0);
    expect(asFile.output).toMatch(/\[HardenedApp\] outdir: "dist" is a file, not an output directory.*Fix: move .*dist away/);
    expect(fs.readFileSync(path.join(dir, 'dist'), 'utf8')).toBe('my notes\n');

    fs.rmSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes\n');
    fs.symlinkSync('notes.txt', path.join(dir, 'dist'));
    const asLink = cdk8sSynth(dir);
    expect(asLink.status).not.toBe(0);
    expect(asLink.output).toMatch(/\[HardenedApp\] outdir: "dist" is a symlink to .*notes\.txt, a file, not an output directory/);
    expect({ link: fs.readlinkSync(path.join(dir, 'dist')), notes: fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8') }).toEqual({ link: 'notes.txt', notes: 'my notes\n' });
    expect(siblings(dir)).toEqual([]);
  }, 120_000);

  // a full disk: the clone on a tmpfs filled to the last byte, in a private mount namespace (unshare -rm: nothing is mounted for anyone else)
  const canUnshare = spawnSync('unshare', ['-rm', 'true']).status === 0;
  (canUnshare ? test : test.skip)('a full disk is reported with outdir, ENOSPC and a fix, and dist/ stays byte for byte', () => {
    const dir = freshClone();
    const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-full-disk-'));
    clones.push(mount);
    const cli = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const script = [
      'set -e',
      `mount -t tmpfs -o size=16m tmpfs ${mount}`,
      `cp -a ${dir}/. ${mount}/`,
      `dd if=/dev/zero of=${mount}/filler bs=4k 2>/dev/null || true`,
      `cd ${mount}`,
      'before=$(find dist -type f | sort | xargs sha256sum | sha256sum)',
      `set +e; env -u CDK8S_OUTDIR ${process.execPath} ${cli} synth --no-check-upgrade > ${mount}/../full-disk-out.txt 2>&1; rc=$?; set -e`,
      'rm -f filler',
      'after=$(find dist -type f | sort | xargs sha256sum | sha256sum)',
      'echo "rc=$rc same=$([ "$before" = "$after" ] && echo yes || echo no) siblings=$(ls -a | grep -c "^\\.dist\\." || true)"',
      `cat ${mount}/../full-disk-out.txt`,
    ].join('\n');
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8', timeout: 120_000 });
    const output = `${r.stdout}${r.stderr}`;
    expect(output).toMatch(/rc=[1-9]\d* same=yes siblings=0/);
    expect(output).toMatch(/\[HardenedApp\] outdir: ".*dist" could not be written: no space is left on the device \(ENOSPC at .*\); the previous output is unchanged\. Fix: free space/);
  }, 180_000);
});
