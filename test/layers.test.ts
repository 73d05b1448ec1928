/**
 * The layers depend one way: policy/ (pure engine) <- constructs/ (cdk8s constructs) <- src/
 * (blueprint, CLI, package root), and policy/ <- analysis/ (the report and the diff, pure) <- src/.
 * Read from the import statements of every source file.
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

test('analysis/ (the report and the diff) is pure: it imports only itself and the policy engine, no cdk8s, constructs or node I/O', () => {
  expect(sources('analysis').length).toBeGreaterThan(20);
  expect(outsideOf('analysis', d => d === 'layer:analysis' || d === 'layer:policy')).toEqual([]);
});

test('nothing below src/ is imported by policy/, constructs/ or analysis/, and src/ reaches them only downward', () => {
  expect(outsideOf('src', d => !d.startsWith('layer:') || ['layer:src', 'layer:policy', 'layer:constructs', 'layer:analysis'].includes(d))).toEqual([]);
});

/** The project files a file imports (relative specifiers, type-only included), resolved to files. */
function fileImportsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)|import\(['"]([^'"]+)['"]\)/g)]
    .map(m => m[1] ?? m[2] ?? m[3]).filter(spec => spec.startsWith('.'));
  return specs.map(spec => {
    const base = path.resolve(ROOT, path.dirname(file), spec);
    const found = [`${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), base].find(f => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!found) throw new Error(`${file}: cannot resolve ${spec}`);
    return path.relative(ROOT, found);
  });
}

/** The import cycles (strongly connected components of more than one file, or a file importing itself). */
function importCycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map(f => [f, fileImportsOf(f)]));
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!indexOf.has(f)) visit(f);
  return cycles;
}

test('no import cycles in any folder (type-only imports count too)', () => {
  const files = ['policy', 'constructs', 'analysis', 'src', 'bench'].flatMap(sources);
  expect(files.length).toBeGreaterThan(150);
  expect(importCycles(files)).toEqual([]);
});

test('the cycle check finds a cycle', () => {
  const dir = fs.mkdtempSync(path.join(ROOT, '.cycle-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = b;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a';\nexport const b = 1 as unknown as typeof a;\n");
    const rel = path.relative(ROOT, dir);
    expect(importCycles([`${rel}/a.ts`, `${rel}/b.ts`])).toEqual([[`${rel}/a.ts`, `${rel}/b.ts`]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
