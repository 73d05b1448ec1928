/**
 * The layers depend one way: policy/ (pure engine) <- constructs/ (cdk8s constructs) <- src/
 * (blueprint, report, CLI, package root). Read from the import statements of every source file.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const NODE_BUILTINS = new Set(['fs', 'os', 'path', 'crypto', 'net', 'worker_threads', 'child_process', 'module', 'util']);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'imports' ? [] : sources(rel);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Every module a file imports or requires, as `layer:<top folder>` for relative ones, else the package name. */
function importsOf(file: string): string[] {
  // comments may show commands that require modules; they are not imports
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)|import\(['"]([^'"]+)['"]\)/g)]
    .map(m => m[1] ?? m[2] ?? m[3]);
  return specs.map(spec => {
    if (!spec.startsWith('.')) return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec));
    return `layer:${target.split(path.sep)[0]}`;
  });
}

function outsideOf(dir: string, allowed: (dep: string) => boolean): string[] {
  return sources(dir).flatMap(f => importsOf(f).filter(d => !allowed(d)).map(d => `${f} imports ${d}`));
}

test('policy/ is pure: it imports only itself (no cdk8s, no constructs, no node I/O)', () => {
  expect(sources('policy').length).toBeGreaterThan(30);
  expect(outsideOf('policy', d => d === 'layer:policy')).toEqual([]);
});

test('constructs/ imports only itself, the policy engine, cdk8s, cdk8s-plus-28, constructs, js-yaml and node built-ins', () => {
  expect(outsideOf('constructs', d => ['layer:constructs', 'layer:policy', 'cdk8s', 'cdk8s-plus-28', 'constructs', 'js-yaml'].includes(d) || NODE_BUILTINS.has(d))).toEqual([]);
});

test('nothing below src/ is imported by policy/ or constructs/, and src/ reaches policy/ and constructs/ only downward', () => {
  expect(outsideOf('src', d => !d.startsWith('layer:') || ['layer:src', 'layer:policy', 'layer:constructs'].includes(d))).toEqual([]);
});
