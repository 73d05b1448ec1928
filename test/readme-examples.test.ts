/**
 * The README's TypeScript examples run: each block that imports from 'cdk8s-hardened' is compiled
 * (esbuild) with the import pointing at this repository's package root, run with its outdir in a
 * temporary directory, and its output checked like any synth.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import * as YAML from 'yaml';
import type { KubeObject } from '../policy/kube-object';
import { checkPodSecurity } from '../policy/pss';

const ROOT = path.resolve(__dirname, '..');
const blocks = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
  .map(m => m[1])
  .filter(code => code.includes("from 'cdk8s-hardened'"));

test('the README has runnable examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
});

test.each(blocks.map((code, i) => [i, code]))('README example %i synthesizes a restricted blueprint', (_, code) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
  try {
    const source = String(code).replace(/outdir: 'dist'/g, `outdir: ${JSON.stringify(path.join(outdir, 'dist'))}`)
      .replace(/(from ['"])cdk8s-hardened(['"])/g, `$1${path.join(ROOT, 'src', 'index')}$2`);
    const js = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
    const mod = { exports: {} };
    new Function('require', 'module', 'exports', js)(require, mod, mod.exports);
    const files = fs.readdirSync(path.join(outdir, 'dist')).filter(f => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(1);
    const objects = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, 'dist', f), 'utf8')).map(d => d.toJS() as KubeObject));
    for (const o of objects) expect(checkPodSecurity(o, 'restricted', 'v1.28')).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
