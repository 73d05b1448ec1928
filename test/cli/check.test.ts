import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../src/cli/args';
import { parseCheckArgs, runCheck } from '../../src/cli/check';
import { formatJson } from '../../src/cli/check-output/json';
import { formatText } from '../../src/cli/check-output/text';
import type { CheckRun } from '../../src/cli/check-result';
import { main } from '../../src/cli/main';
import { fakeIo } from '../support/cli-io';
import { NOT_APPLICABLE, type Rule, type RulePack } from '../../policy';
import { loadManifests, ManifestInputError, parseManifestText } from '../../src/yaml-input';

const REPO = path.resolve(__dirname, '..', '..');
const FIXTURES_REL = path.join('test', 'fixtures', 'pod-security');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-check-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const SAFE_POD = `apiVersion: v1
kind: Pod
metadata: {name: safe, namespace: apps}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: app
      image: x
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

const PLAIN_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
`;

function rules(run: CheckRun): string[][] {
  return run.results.map((r) => r.findings.map((f) => f.rule));
}

describe('yaml input', () => {
  test('multi-document streams, null/empty documents and kind: List', () => {
    const objs = parseManifestText(
      `---\n# nothing\n---\nnull\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n  - null\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: c}\n`,
      'in.yaml',
    );
    expect(objs.map((o) => [o.object.kind, o.object.metadata?.name, o.line])).toEqual([
      ['ConfigMap', 'a', 6],
      ['ConfigMap', 'b', 13],
      ['Secret', 'c', 17],
    ]);
  });

  test('YAML syntax errors carry file:line:col', () => {
    expect(() => parseManifestText('apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: /);
    try {
      parseManifestText('a: 1\na: 2\n', 'dup.yaml');
      throw new Error('not thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestInputError);
      expect((e as ManifestInputError).message).toMatch(/^dup\.yaml:2:1: Map keys must be unique/);
    }
  });

  test.each([
    ['a scalar', 'hello\n', /bad\.yaml:1:1: document is a string/],
    ['a sequence', '- a\n- b\n', /bad\.yaml:1:1: document is a sequence/],
    ['no kind', 'apiVersion: v1\nmetadata: {}\n', /bad\.yaml:1:1: document is a mapping without string apiVersion and kind/],
    ['a bad List item', 'apiVersion: v1\nkind: List\nitems:\n  - 42\n', /bad\.yaml:4:5: List item 0 is a scalar/],
  ])('a document that is %s is an input error', (_what, text, message) => {
    expect(() => parseManifestText(text as string, 'bad.yaml')).toThrow(message as RegExp);
  });

  test('YAML 1.1 booleans are booleans, as in the Kubernetes API machinery', () => {
    const [pod] = parseManifestText('apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: yes\n', 'p.yaml');
    expect((pod.object.spec as Record<string, unknown>).hostNetwork).toBe(true);
  });

  test('directories are walked recursively in sorted order, *.yaml and *.yml only', () => {
    write('tree/b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    write('tree/a/z.yml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: az}\n');
    write('tree/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    write('tree/notes.txt', 'not yaml');
    write('tree/.hidden/x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hidden}\n');
    write('tree/node_modules/x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nm}\n');
    const objs = loadManifests(['tree'], { cwd: tmp });
    expect(objs.map((o) => [o.file, o.object.metadata?.name])).toEqual([
      [path.join('tree', 'a', 'z.yml'), 'az'],
      [path.join('tree', 'a.yaml'), 'a'],
      [path.join('tree', 'b.yaml'), 'b'],
    ]);
  });

  test('missing paths and directories without YAML are input errors', () => {
    fs.mkdirSync(path.join(tmp, 'empty-dir'), { recursive: true });
    expect(() => loadManifests(['nope.yaml'], { cwd: tmp })).toThrow('nope.yaml: no such file or directory');
    expect(() => loadManifests(['empty-dir'], { cwd: tmp })).toThrow('empty-dir: directory contains no *.yaml or *.yml files');
  });
});

describe('runCheck', () => {
  test('every object gets an entry; non-pod objects have no findings', () => {
    write('mixed.yaml', `${SAFE_POD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n---\n${PLAIN_DEPLOYMENT}`);
    const run = runCheck({ paths: ['mixed.yaml'], cwd: tmp });
    expect(run.exitCode).toBe(1);
    expect(run.results.map((r) => [r.kind, r.namespace, r.name])).toEqual([
      ['Pod', 'apps', 'safe'],
      ['ConfigMap', null, 'cfg'],
      ['Deployment', 'apps', 'web'],
    ]);
    expect(rules(run)).toEqual([[], [], ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted', 'capabilities_restricted']]);
  });

  test('level and version come from the Namespace labels when the Namespace is in the input', () => {
    write('ns-baseline.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.28\n---\n${PLAIN_DEPLOYMENT}`);
    const run = runCheck({ paths: ['ns-baseline.yaml'], cwd: tmp });
    expect(run.exitCode).toBe(0);
    expect(rules(run)).toEqual([[], []]);
    // the flags override the labels
    expect(rules(runCheck({ paths: ['ns-baseline.yaml'], cwd: tmp, level: 'restricted' }))[1]).toContain('runAsNonRoot');
  });

  test('the Namespace may come from another file, and its version label is honoured', () => {
    write('split/0-ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.28\n');
    write('split/1-pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  securityContext:\n    sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "1"}]\n  containers: [{name: c, image: x}]\n');
    expect(rules(runCheck({ paths: ['split'], cwd: tmp }))).toEqual([[], ['sysctls']]);
    expect(rules(runCheck({ paths: ['split'], cwd: tmp, version: 'latest' }))).toEqual([[], []]);
  });

  test('without a Namespace object the default is restricted:latest; privileged namespaces pass', () => {
    write('alone.yaml', PLAIN_DEPLOYMENT);
    expect(runCheck({ paths: ['alone.yaml'], cwd: tmp }).exitCode).toBe(1);
    write('priv.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {pod-security.kubernetes.io/enforce: privileged}\n---\n${PLAIN_DEPLOYMENT}`);
    expect(runCheck({ paths: ['priv.yaml'], cwd: tmp }).exitCode).toBe(0);
  });

  test('invalid Namespace labels fall back to restricted:latest with a warning', () => {
    write('badlabel.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {pod-security.kubernetes.io/enforce: Baseline}\n---\n${PLAIN_DEPLOYMENT}---\n${PLAIN_DEPLOYMENT.replace('name: web', 'name: web2')}`);
    const run = runCheck({ paths: ['badlabel.yaml'], cwd: tmp });
    expect(run.exitCode).toBe(1);
    expect(run.warnings).toEqual(['Namespace apps: invalid pod-security.kubernetes.io/enforce label "Baseline"; using restricted:latest']);
  });

  test('unparsable input gives exit code 2 and names file and line', () => {
    write('broken.yaml', `${SAFE_POD}---\nkind: [\n`);
    const run = runCheck({ paths: ['broken.yaml'], cwd: tmp });
    expect(run.exitCode).toBe(2);
    expect(run.results).toEqual([]);
    expect(run.errors[0]).toMatch(/^broken\.yaml:1[0-9]:\d+: /);
  });

  /** A rule of the engine's rule API (policy/rules): `image-tag` on every Pod. */
  function imageTagRule(severity: Rule['severity'], onEvaluate: () => void = () => undefined): Rule {
    return {
      id: 'image-tag', severity, name: 'image-tag', summary: 'images carry a tag', explanation: 'an untagged image is mutable',
      fix: 'tag the image', appliesTo: 'Pods', references: [],
      evaluate: (object) => {
        onEvaluate();
        return object.kind === 'Pod' ? { status: 'non-compliant', violations: [{ message: 'image has no tag', path: 'spec.containers[0].image' }] } : NOT_APPLICABLE;
      },
    };
  }

  test('rule packs beyond PSS plug in (the engine\'s RulePack), after Pod Security; the level is the pack name', () => {
    const images: RulePack = { name: 'images', rules: [imageTagRule('error')] };
    write('one.yaml', SAFE_POD);
    const run = runCheck({ paths: ['one.yaml'], cwd: tmp, rulePacks: [images] });
    expect(run.exitCode).toBe(1);
    expect(rules(run)).toEqual([['image-tag']]);
    expect(run.results[0].findings[0]).toMatchObject({ level: 'images', severity: 'error', path: 'spec.containers[0].image', fix: 'tag the image' });
    // Pod Security still runs before the packs
    write('pack-and-pss.yaml', `${PLAIN_DEPLOYMENT}---\n${SAFE_POD}`);
    expect(rules(runCheck({ paths: ['pack-and-pss.yaml'], cwd: tmp, rulePacks: [images] }))).toEqual([
      ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted', 'capabilities_restricted'],
      ['image-tag'],
    ]);
  });

  test('the rule decides its severity: a warning is reported and does not change the exit code', () => {
    write('one.yaml', SAFE_POD);
    const run = runCheck({ paths: ['one.yaml'], cwd: tmp, rulePacks: [{ name: 'images', rules: [imageTagRule('warning')] }] });
    expect(run.exitCode).toBe(0);
    expect(run.results[0].findings.map((f) => [f.rule, f.severity])).toEqual([['image-tag', 'warning']]);
    expect(formatText(run.results)).toBe('one.yaml:1: Pod apps/safe: warning: [image-tag] image has no tag (spec.containers[0].image)\n  fix: tag the image\nNo findings, 1 warning: 1 object in 1 file checked.\n');
    // --fail-on warning: the same finding fails the check
    const strict = runCheck({ paths: ['one.yaml'], cwd: tmp, rulePacks: [{ name: 'images', rules: [imageTagRule('warning')] }], failOn: 'warning' });
    expect(strict.exitCode).toBe(1);
    expect(formatText(strict.results, 'warning')).toBe('one.yaml:1: Pod apps/safe: [image-tag] image has no tag (spec.containers[0].image)\n  fix: tag the image\n1 finding in 1 object (1 object in 1 file checked).\n');
  });

  test('one policy pass: each rule is evaluated once per object', () => {
    let evaluations = 0;
    write('three.yaml', `${SAFE_POD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n---\n${PLAIN_DEPLOYMENT}`);
    const run = runCheck({ paths: ['three.yaml'], cwd: tmp, rulePacks: [{ name: 'count', rules: [imageTagRule('error', () => evaluations++)] }] });
    expect(run.results).toHaveLength(3);
    expect(evaluations).toBe(3);
    expect(run.policy?.findings.filter((f) => f.rule === 'image-tag')).toHaveLength(1);
  });

  test('a namespace\'s warn/audit level is checked too; its findings are warnings and do not fail the check', () => {
    write('warn-ns.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: restricted\n---\n${PLAIN_DEPLOYMENT}`);
    const run = runCheck({ paths: ['warn-ns.yaml'], cwd: tmp });
    expect(run.exitCode).toBe(0);
    expect(run.results[1].findings.map((f) => [f.rule, f.severity, f.level])).toEqual([
      ['allowPrivilegeEscalation', 'warning', 'restricted'],
      ['runAsNonRoot', 'warning', 'restricted'],
      ['seccompProfile_restricted', 'warning', 'restricted'],
      ['capabilities_restricted', 'warning', 'restricted'],
    ]);
    expect(run.results[1].findings[0].podSecurity).toEqual({ level: 'restricted', version: 'latest', modes: ['warn', 'audit'] });
    const text = formatText(run.results).trimEnd().split('\n').filter((l) => !l.startsWith('  '));
    expect(text[0]).toBe('warn-ns.yaml:10: Deployment apps/web: warning: [allowPrivilegeEscalation] allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false) (spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation)');
    expect(text[4]).toBe('No findings, 4 warnings: 2 objects in 1 file checked.');
    expect((JSON.parse(formatJson(run.results)) as { findings: { severity: string }[] }[])[1].findings.map((f) => f.severity)).toEqual(['warning', 'warning', 'warning', 'warning']);
    // an override judges every object at one level only: the enforced one, so errors
    const forced = runCheck({ paths: ['warn-ns.yaml'], cwd: tmp, level: 'restricted' });
    expect(forced.exitCode).toBe(1);
    expect(forced.results[1].findings.every((f) => f.severity === 'error')).toBe(true);
    // errors and warnings together: the summary counts both
    write('warn-and-error.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted\n---\n${PLAIN_DEPLOYMENT.replace('image: nginx', 'image: nginx\n          securityContext: {privileged: true}')}`);
    const both = runCheck({ paths: ['warn-and-error.yaml'], cwd: tmp });
    expect(both.exitCode).toBe(1);
    expect(formatText(both.results).trimEnd().split('\n').pop()).toBe('1 finding in 1 object, 4 warnings (2 objects in 1 file checked).');
  });

  test('all upstream restricted v1.28 fixtures: pass dir exits 0, fail dir exits 1 with a finding per object', () => {
    const pass = runCheck({ paths: [path.join(FIXTURES_REL, 'restricted', 'v1.28', 'pass')], cwd: REPO, version: 'v1.28' });
    expect(pass.exitCode).toBe(0);
    expect(pass.results).toHaveLength(17);
    const fail = runCheck({ paths: [path.join(FIXTURES_REL, 'restricted', 'v1.28', 'fail')], cwd: REPO, version: 'v1.28' });
    expect(fail.exitCode).toBe(1);
    expect(fail.results).toHaveLength(69);
    expect(fail.results.every((r) => r.findings.length > 0)).toBe(true);
  });
});

describe('formatting', () => {
  test('text: one line per finding plus a summary', () => {
    write('fmt.yaml', `${PLAIN_DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n`);
    const run = runCheck({ paths: ['fmt.yaml'], cwd: tmp });
    const lines = formatText(run.results).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'fmt.yaml:1: Deployment apps/web: [allowPrivilegeEscalation] allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false) (spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation)',
    );
    // each finding: its line, the fix and the help link, indented
    expect(lines[1]).toMatch(/^  fix: \S/);
    expect(lines[2]).toBe('  help: https://kubernetes.io/docs/concepts/security/pod-security-standards/');
    expect(lines).toHaveLength(13);
    expect(lines[12]).toBe('4 findings in 1 object (2 objects in 1 file checked).');
    expect(formatText([])).toBe('No findings: 0 objects in 0 files checked.\n');
  });

  test('json: one array, one entry per object, exact keys', () => {
    const run = runCheck({ paths: ['fmt.yaml'], cwd: tmp });
    const parsed = JSON.parse(formatJson(run.results)) as unknown[];
    expect(parsed).toHaveLength(2);
    expect(parsed[1]).toEqual({ file: 'fmt.yaml', line: 13, kind: 'ConfigMap', namespace: null, name: 'cfg', findings: [], suppressed: [] });
    const first = parsed[0] as { findings: Record<string, unknown>[] };
    expect(Object.keys(first)).toEqual(['file', 'line', 'kind', 'namespace', 'name', 'findings', 'suppressed']);
    expect(first.findings[0]).toEqual({
      rule: 'allowPrivilegeEscalation',
      level: 'restricted',
      message: 'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)',
      path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      severity: 'error',
      explanation: expect.stringMatching(/\S/),
      fix: expect.stringMatching(/\S/),
      help: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    });
    expect(Object.keys(first.findings[0])).toEqual(['rule', 'level', 'message', 'path', 'severity', 'explanation', 'fix', 'help']);
  });
});

describe('argument parsing and dispatch', () => {
  test('flags in both forms', () => {
    expect(parseCheckArgs(['a', '--level', 'baseline', '--pod-security-version=1.28', '--format=json', 'b'])).toEqual({
      paths: ['a', 'b'], level: 'baseline', version: '1.28', format: 'json', failOn: 'error', help: false, warnings: [],
    });
    // the former name still works, with a warning
    expect(parseCheckArgs(['a', '--version', 'v1.30', '--fail-on=warning', '--format', 'sarif'])).toEqual({
      paths: ['a'], version: 'v1.30', format: 'sarif', failOn: 'warning', help: false,
      warnings: ['--version is renamed --pod-security-version; the old name will be removed in a later version'],
    });
    expect(parseCheckArgs(['--', '--weird-file.yaml']).paths).toEqual(['--weird-file.yaml']);
    expect(parseCheckArgs(['-']).paths).toEqual(['-']);
  });

  test.each([
    [['x', '--bogus'], /unknown option "--bogus"/],
    [['x', '--level'], /option --level needs a value/],
    [['x', '--level', 'strict'], /invalid Pod Security level "strict"/],
    [['x', '--version', 'v2.1'], /invalid Pod Security version "v2.1"/],
    [['x', '--format', 'yaml'], /--format must be text, json, sarif or junit, not "yaml"/],
    [['x', '--fail-on', 'note'], /--fail-on must be error or warning, not "note"/],
    [['x', '--version', 'v1.30', '--pod-security-version', 'v1.31'], /--version is the former name of --pod-security-version; give one of them/],
    [['x', '--level='], /option --level needs a value/],
    [[], /no PATH given/],
  ])('usage error for %j', (argv, message) => {
    expect(() => parseCheckArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseCheckArgs(argv as string[])).toThrow(message as RegExp);
  });

  test('main dispatches, prints usage on errors, reads stdin for -', async () => {
    let io = fakeIo(tmp);
    expect(await main(['check', '--nope', 'x'], io)).toBe(2);
    expect(io.err).toContain('unknown option "--nope"');
    expect(io.err).toContain('Usage: cdk8s-hardened check PATH...');
    io = fakeIo(tmp);
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toContain('unknown command "frobnicate"');
    io = fakeIo(tmp);
    expect(await main([], io)).toBe(2);
    io = fakeIo(tmp);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/^  check +check manifests against the Pod Security Standards \(text, JSON, SARIF, JUnit\)$/m);
    io = fakeIo(tmp);
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out).toBe(`cdk8s-hardened ${(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    io = fakeIo(tmp, SAFE_POD);
    expect(await main(['check', '-', '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(io.out)).toEqual([{ file: '<stdin>', line: 1, kind: 'Pod', namespace: 'apps', name: 'safe', findings: [], suppressed: [] }]);
  });
});
