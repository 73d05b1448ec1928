/**
 * Every TypeScript example of docs/*.md (README.md has its own test, readme-examples.test.ts, and
 * is type-checked here too) is a complete program: it imports what it uses from 'cdk8s-hardened'
 * (the package root, as a user's app does), type-checks under the project's strict compiler
 * options, and runs in a temporary directory, where what it synthesizes passes Pod Security
 * restricted. Illustrations that are not programs are fenced as `text`, not `ts`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import type { KubeObject } from '../policy/kube-object';
import { checkPodSecurity } from '../policy/pss';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE_ROOT = path.join(ROOT, 'src', 'index.ts');

interface Example { readonly doc: string; readonly index: number; readonly code: string }

function examplesOf(file: string): Example[] {
  const doc = path.relative(ROOT, file);
  return [...fs.readFileSync(file, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m, index) => ({ doc, index, code: m[1] }));
}

const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => path.join(ROOT, 'docs', f));
const examples = docs.flatMap(examplesOf);
const readme = examplesOf(path.join(ROOT, 'README.md')).filter(e => e.code.includes("from 'cdk8s-hardened'"));

test('the docs have TypeScript examples, and each is a program importing the package by its name', () => {
  expect(examples.length).toBeGreaterThanOrEqual(7);
  expect(examples.filter(e => !e.code.includes("from 'cdk8s-hardened'")).map(e => `${e.doc} #${e.index}`)).toEqual([]);
});

test('every example of docs/ and README.md type-checks (strict, the package root as the user sees it)', () => {
  // inside the repository, so that the examples resolve cdk8s and cdk8s-plus-28 from its node_modules
  const dir = fs.mkdtempSync(path.join(ROOT, '.docs-typecheck-'));
  try {
    const files = [...examples, ...readme].map(e => {
      const file = path.join(dir, `${e.doc.replace(/[^A-Za-z0-9]/g, '_')}_${e.index}.ts`);
      fs.writeFileSync(file, `${e.code}\nexport {};\n`);
      return { file, example: e };
    });
    const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram(files.map(f => f.file), {
      ...parsed.options, noEmit: true, baseUrl: ROOT, paths: { 'cdk8s-hardened': [PACKAGE_ROOT] }, noUnusedLocals: false,
    });
    const ours = new Set(files.map(f => f.file));
    const problems = ts.getPreEmitDiagnostics(program).filter(d => d.file !== undefined && ours.has(d.file.fileName)).map(d => {
      const where = files.find(f => f.file === d.file!.fileName)!.example;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${where.doc} example #${where.index}, line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

test.each(examples.map(e => [`${e.doc} #${e.index}`, e]))('%s runs; what it synthesizes is restricted', (_, example) => {
  const { code } = example as Example;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-example-'));
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    const source = code.replace(/(from ['"])cdk8s-hardened(['"])/g, `$1${PACKAGE_ROOT.replace(/\.ts$/, '')}$2`);
    const js = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
    const mod = { exports: {} };
    new Function('require', 'module', 'exports', js)(require, mod, mod.exports);
    const dist = path.join(dir, 'dist');
    const files = fs.existsSync(dist) ? fs.readdirSync(dist).filter(f => f.endsWith('.yaml')) : [];
    const objects = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map(d => d.toJS() as KubeObject));
    for (const o of objects) expect(checkPodSecurity(o, 'restricted', 'latest')).toEqual([]);
    if (code.includes('app.synth()')) expect(files.length).toBeGreaterThan(0);
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
