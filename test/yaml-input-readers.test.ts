/**
 * The command line reads plain manifest streams with js-yaml (ten times faster) and everything
 * else with the `yaml` package's document model. The two readers must agree on every object and
 * every line: on each manifest of this repository (our dist/, the upstream Pod Security fixtures,
 * the Istio, Gatekeeper and Gateway API CRDs) and on random streams of YAML 1.1 scalars, comments
 * and document markers. The oracle is the `yaml` package (YAML 1.1, as the API machinery reads).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parsePlainManifestText, parseManifestTextWithPositions, type ManifestObject } from '../src/manifest-text';

const ROOT = path.resolve(__dirname, '..');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

/** Objects as comparable JSON (Dates as ISO strings, -0 as 0: what JSON consumers see). */
function comparable(objects: readonly ManifestObject[]): string {
  return JSON.stringify(objects);
}

test('both readers agree on every manifest of the repository, and the fast one reads the plain ones', () => {
  const files = [...yamlFiles(path.join(ROOT, 'dist')), ...yamlFiles(path.join(ROOT, 'test', 'fixtures'))];
  let fast = 0;
  let objects = 0;
  const disagreements: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const exact = parseManifestTextWithPositions(text, file);
    const plain = parsePlainManifestText(text, file);
    objects += exact.length;
    if (plain === undefined) continue;
    fast++;
    if (comparable(plain) !== comparable(exact)) disagreements.push(path.relative(ROOT, file));
  }
  expect(disagreements).toEqual([]);
  expect(files.length).toBeGreaterThan(250);
  // every file of dist/ is plain; the CRDs with anchors or tags, if any, take the exact reader
  for (const file of yamlFiles(path.join(ROOT, 'dist'))) expect(parsePlainManifestText(fs.readFileSync(file, 'utf8'), file)).toBeDefined();
  expect(fast).toBeGreaterThan(files.length * 0.9);
  expect(objects).toBeGreaterThan(400);
});

// plain scalars whose YAML 1.1 type is a trap: booleans, octal, sexagesimal, timestamps, nulls
const SCALARS = ['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', '~', 'null', '', '0777', '0o17', '0x1F', '0b101', '1_000',
  '190:20:30', '1:30.5', '12:30', '1.5', '.5', '1e3', '-1.5e-3', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14 21:59:43.10 -5',
  '+12', '-0', '08', '1.2.3', 'v1', 'nginx:1.27', '"quoted: yes"', "'single'", 'a b c', '80/TCP', '100m', '1Gi', '0.5'];

const key = fc.constantFrom('name', 'value', 'port', 'enabled', 'replicas', 'x-y', 'z');
const scalar = fc.constantFrom(...SCALARS);
const mapping: fc.Arbitrary<[string, unknown][]> = fc.array(fc.tuple(key, fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }))), { maxLength: 5 })
  .map(entries => [...new Map(entries)].map(([k, v]) => [k, v] as [string, unknown]));

function render(entries: readonly [string, unknown][], indent: string): string[] {
  return entries.flatMap(([k, v]) => Array.isArray(v) ? [`${indent}${k}:`, ...v.map(x => `${indent}  - ${x}`)] : [`${indent}${k}: ${v}`]);
}

const document = fc.record({
  before: fc.constantFrom('', '# a comment\n', '\n', '  \n# two\n'),
  marker: fc.constantFrom('---\n', '--- # note\n', '', '...\n---\n'),
  top: mapping,
  spec: mapping,
  after: fc.constantFrom('', '# trailing\n', '...\n'),
}).map(d => `${d.marker}${d.before}apiVersion: v1\nkind: ConfigMap\n${render(d.top, '').join('\n')}${d.top.length > 0 ? '\n' : ''}data:\n${render(d.spec, '  ').join('\n')}\n${d.after}`);

test('property: on random streams of YAML 1.1 scalars, comments and markers, both readers give the same objects and lines', () => {
  let compared = 0;
  fc.assert(fc.property(fc.array(document, { minLength: 1, maxLength: 4 }), docs => {
    const text = docs.join('');
    let exact: ManifestObject[];
    try {
      exact = parseManifestTextWithPositions(text, 'r.yaml');
    } catch {
      // the exact reader refuses it (e.g. a duplicate key): the fast one must not accept it
      expect(parsePlainManifestText(text, 'r.yaml')).toBeUndefined();
      return;
    }
    const plain = parsePlainManifestText(text, 'r.yaml');
    expect(plain).toBeDefined();
    compared++;
    expect(comparable(plain!)).toBe(comparable(exact));
  }), { numRuns: 600, seed: 20261204 });
  expect(compared).toBeGreaterThan(300);
});

test('aliases of mappings take the reader that limits their expansion; a billion laughs is refused with its position', () => {
  const laughs = ['apiVersion: v1', 'kind: ConfigMap', 'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
  expect(parsePlainManifestText(laughs, 'l.yaml')).toBeUndefined();
  expect(() => parseManifestTextWithPositions(laughs, 'l.yaml')).toThrow(/^l\.yaml:\d+:\d+: .*alias/i);
  // an alias of a scalar is harmless and stays on the fast path
  expect(parsePlainManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n cfg}\ndata: {copy: *n}\n', 'ok.yaml')?.[0].object).toEqual(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { copy: 'cfg' } });
});

test('Lists in any style (JSON as kubectl -o json writes it, flow, quoted) take the exact reader, which expands their items', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] } };
  const styles = [
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod] }, null, 2),
    `{apiVersion: v1, kind: List, items: [${JSON.stringify(pod)}]}`,
    `apiVersion: v1\n"kind": "List"\nitems:\n  - ${JSON.stringify(pod)}\n`,
    `---\n  apiVersion: v1\n  kind: PodList\n  items: [${JSON.stringify(pod)}]\n`,
  ];
  for (const text of styles) {
    expect(parsePlainManifestText(text, 'l.yaml')).toBeUndefined();
    const exact = parseManifestTextWithPositions(text, 'l.yaml');
    expect(exact.map(o => o.object.kind)).toEqual(text.includes('PodList') ? ['PodList'] : ['Pod']);
  }
});

test('a key YAML 1.1 reads as null takes the exact reader (the two readers name it differently)', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {null: x}\n';
  expect(parsePlainManifestText(text, 'n.yaml')).toBeUndefined();
  expect(parseManifestTextWithPositions(text, 'n.yaml')).toHaveLength(1);
});
