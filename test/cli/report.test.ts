/** `cdk8s-hardened report`: argument handling, exit codes, content and determinism. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import { fakeIo } from '../support/cli-io';
import { parseReportArgs } from '../../src/cli/report';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'cdk8s-hardened.js');

/**
 * Two namespaces: `front` (restricted) with web and a bare debug Pod, `back` (baseline) with api;
 * default deny, web→api:8080. api and debug carry exceptions in the annotation synth writes.
 */
const FRONT = `apiVersion: v1
kind: Namespace
metadata:
  name: front
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.28
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: front}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-api, namespace: front}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: back}}, podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 8080, protocol: TCP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: front}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: registry.example.com/web@sha256:1111111111111111111111111111111111111111111111111111111111111111
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: front
  annotations:
    cdk8s-hardened.io/exceptions: '[{"id":"runAsNonRoot","reason":"The audit copy of this namespace lets the debug shell run as root."}]'
spec:
  containers: [{name: shell, image: busybox}]
`;

const BACK = `apiVersion: v1
kind: Namespace
metadata:
  name: back
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: back}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: back}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: front}}, podSelector: {matchLabels: {app: web}}}]
      ports: [{port: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: back
  annotations:
    cdk8s-hardened.io/exceptions: >-
      [{"id":"HARDENED-1","reason":"The deploy pipeline rewrites the tag to a digest."},
      {"id":"HARDENED-5","reason":"The legacy api writes its cache below the root file system.","path":"spec.template.spec.containers[0]"},
      {"id":"HARDENED-3","reason":"Sidecar resources are set by the mesh injector at admission.","path":"spec.template.spec.containers[1]"},
      {"id":"HARDENED-7","reason":"TODO"}]
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
          ports: [{name: http, containerPort: 8080}]
          securityContext: {runAsUser: 0}
`;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-report-'));
  fs.mkdirSync(path.join(tmp, 'manifests', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'manifests', 'front.yaml'), FRONT);
  fs.writeFileSync(path.join(tmp, 'manifests', 'nested', 'back.yml'), BACK);
  fs.writeFileSync(path.join(tmp, 'manifests', 'README.md'), 'not a manifest\n');
  fs.writeFileSync(path.join(tmp, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nkind: Service\n');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function report(argv: string[], stdin?: string) {
  const io = fakeIo(tmp, stdin);
  const code = await main(['report', ...argv], io);
  return { code, stdout: io.out, stderr: io.err };
}

function runBin(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The warnings the manifests give: a poor reason, and an exception that covers no finding. */
const WARNINGS =
  'cdk8s-hardened report: warning: back/Deployment/api: annotation cdk8s-hardened.io/exceptions[3]: reason "TODO" is shorter than 10 characters; entry ignored\n' +
  'cdk8s-hardened report: warning: back/Deployment/api: exception HARDENED-3 at spec.template.spec.containers[1] in cdk8s-hardened.io/exceptions covers no finding\n';

jest.setTimeout(60_000);

describe('arguments', () => {
  test('flags in both forms; -- ends options; - is stdin', () => {
    expect(parseReportArgs(['a', '--out', 'r.md', '--no-mermaid', 'b'])).toEqual({ paths: ['a', 'b'], out: 'r.md', mermaid: false, format: 'markdown', help: false });
    expect(parseReportArgs(['--out=r.md', '-', '--format=json'])).toEqual({ paths: ['-'], out: 'r.md', mermaid: true, format: 'json', help: false });
    expect(parseReportArgs(['--', '--odd.yaml']).paths).toEqual(['--odd.yaml']);
    expect(parseReportArgs(['--help']).help).toBe(true);
  });

  test.each([
    [['x', '--bogus'], /unknown option "--bogus"/],
    [['x', '--out'], /option --out needs a value/],
    [['x', '--out='], /option --out needs a value/],
    [['--no-mermaid'], /no PATH given/],
  ])('usage error for %j', (argv, message) => {
    expect(() => parseReportArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseReportArgs(argv as string[])).toThrow(message as RegExp);
  });
});

describe('exit codes', () => {
  test('0 when the report is produced, findings or not; input warnings on stderr', async () => {
    const r = await report(['manifests']);
    expect(r.stderr).toBe(WARNINGS);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('# Security report\n')).toBe(true);
  });

  test('0 for --help, listed in the top-level help', async () => {
    const help = await report(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cdk8s-hardened report PATH... [--format markdown|json] [--out FILE] [--no-mermaid]');
    const io = fakeIo(tmp);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/^  report +print the Markdown security report/m);
  });

  test('2 with file:line:col on unparsable input, and nothing on stdout', async () => {
    const r = await report(['manifests', 'bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cdk8s-hardened report: bad\.yaml:4:1: Map keys must be unique/);
  });

  test('2 on a missing path, and on a directory without YAML', async () => {
    fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
    expect(await report(['nope'])).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened report: nope: no such file or directory\n' });
    expect(await report(['empty'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cdk8s-hardened report: empty: directory contains no *.yaml or *.yml files\n',
    });
  });

  test('2 with the usage on a usage error', async () => {
    const r = await report(['manifests', '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cdk8s-hardened report: --format must be markdown or json, not "yaml"');
    expect(r.stderr).toContain('Usage: cdk8s-hardened report PATH...');
    expect((await report([])).code).toBe(2);
  });

  test('2 when --out cannot be written', async () => {
    const r = await report(['manifests', '--out', path.join('no-such-dir', 'r.md')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(WARNINGS)).toBe(true);
    expect(r.stderr.slice(WARNINGS.length)).toMatch(/^cdk8s-hardened report: no-such-dir\/r\.md: cannot write: .*\n$/);
  });

  test('the real binary: 0 with the report, 2 on bad input', () => {
    const ok = runBin(['report', 'manifests']);
    expect(ok.stderr).toBe(WARNINGS);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('# Security report');
    const bad = runBin(['report', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cdk8s-hardened report: bad\.yaml:4:1: Map keys must be unique/);
  });
});

describe('content', () => {
  let md: string;
  beforeAll(async () => {
    md = (await report(['manifests'])).stdout;
  });

  test('the matrix row of web: 8080/TCP to back/api (the named port resolved), nothing else', () => {
    expect(md).toContain('| from \\ to | back/api | front/debug | front/web |');
    expect(md).toContain('| **front/web** | 8080/TCP | — | — |');
    expect(md).toContain('| **back/api** | — | — | — |');
  });

  test('the Mermaid edge web→api', () => {
    expect(md).toContain('```mermaid\nflowchart LR\n');
    expect(md).toContain('  wl_front__web -->|"8080/TCP"| wl_back__api\n');
    expect(md).toContain('  subgraph ns_back["back"]\n    wl_back__api["api (Deployment)"]\n  end\n');
  });

  /** The findings table rows as [status, object, rule]. */
  function findingRows(): string[][] {
    const section = md.slice(md.indexOf('## Findings'), md.indexOf('### Exceptions'));
    return section
      .split('\n')
      .filter((l) => /^\| (open|excepted) \|/.test(l))
      .map((l) => l.split(' | ').slice(0, 3).map((c) => c.replace(/^\| /, '')));
  }

  test('PSS findings at the level each Namespace enforces', () => {
    expect(md).toContain('Pod Security Standards: enforce `restricted` (`v1.28`)');
    // front is restricted: the bare debug Pod has findings, web has none
    expect(md).toMatch(/^\| open \| `front\/Pod\/debug` \| `runAsNonRoot` \| .*\(spec\.securityContext\.runAsNonRoot\) \|$/m);
    const pssRules = (object: string) => findingRows().filter((r) => r[1] === object && !r[2].startsWith('`HARDENED-')).map((r) => r[2]);
    expect(pssRules('`front/Pod/debug`')).toEqual(['`allowPrivilegeEscalation`', '`capabilities_restricted`', '`runAsNonRoot`', '`seccompProfile_restricted`']);
    expect(pssRules('`front/Deployment/web`')).toEqual([]);
    // back is baseline: running as root is allowed there
    expect(pssRules('`back/Deployment/api`')).toEqual([]);
    expect(md).toContain('| Deployment/api | 2 | baseline | none | default | `registry.example.com/api:1.0` ⚠️ no digest |');
  });

  test('hardened rule findings, excepted where the annotation covers them (path-aware)', () => {
    const api = findingRows().filter((r) => r[1] === '`back/Deployment/api`');
    expect(api).toEqual([
      ['excepted', '`back/Deployment/api`', '`HARDENED-1`'],
      ['open', '`back/Deployment/api`', '`HARDENED-10`'],
      ['open', '`back/Deployment/api`', '`HARDENED-3`'], // the exception is for another container
      ['open', '`back/Deployment/api`', '`HARDENED-4`'],
      ['excepted', '`back/Deployment/api`', '`HARDENED-5 at spec.template.spec.containers[0]`'],
      ['open', '`back/Deployment/api`', '`HARDENED-6`'],
      ['open', '`back/Deployment/api`', '`HARDENED-7`'], // its entry has no real reason
    ]);
    expect(md).toContain(
      [
        '### Exceptions',
        '',
        '- `back/Deployment/api` — `HARDENED-1`: The deploy pipeline rewrites the tag to a digest.',
        '- `back/Deployment/api` — `HARDENED-3 at spec.template.spec.containers[1]`: Sidecar resources are set by the mesh injector at admission.',
        '- `back/Deployment/api` — `HARDENED-5 at spec.template.spec.containers[0]`: The legacy api writes its cache below the root file system.',
        '- `front/Pod/debug` — `runAsNonRoot (warn/audit)`: The audit copy of this namespace lets the debug shell run as root.',
        '',
      ].join('\n'),
    );
    // a Pod Security exception never excepts the enforced level
    expect(findingRows()).toContainEqual(['open', '`front/Pod/debug`', '`runAsNonRoot`']);
    expect(md).toMatch(/^\*\*Summary:\*\* 2 namespaces, 3 workloads, 4 NetworkPolicies, 1 allowed workload-to-workload flow, 0 flows to or from outside the inputs, 23 findings, 4 exceptions\.$/m);
  });

  test('findings of a namespace\'s stricter warn/audit level are listed as `check (warn/audit)`, excepted by a Pod Security entry', async () => {
    const legacy = `apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/audit: restricted
---
apiVersion: v1
kind: Pod
metadata:
  name: old
  namespace: legacy
  annotations:
    cdk8s-hardened.io/exceptions: '[{"id":"runAsNonRoot","reason":"The vendor image runs as root until its next major release."}]'
spec:
  containers: [{name: app, image: registry.example.com/old@sha256:2222222222222222222222222222222222222222222222222222222222222222}]
`;
    const r = await report(['-', '--no-mermaid'], legacy);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| open | `legacy/Pod/old` | `') || l.startsWith('| excepted | `legacy/Pod/old` | `'));
    const pss = rows.filter((l) => !l.includes('`HARDENED-')).map((l) => l.split(' | ').slice(0, 3).join(' | '));
    expect(pss).toEqual([
      '| open | `legacy/Pod/old` | `allowPrivilegeEscalation (warn/audit)`',
      '| open | `legacy/Pod/old` | `capabilities_restricted (warn/audit)`',
      '| excepted | `legacy/Pod/old` | `runAsNonRoot (warn/audit)`',
      '| open | `legacy/Pod/old` | `seccompProfile_restricted (warn/audit)`',
    ]);
    expect(r.stdout).toContain('- `legacy/Pod/old` — `runAsNonRoot (warn/audit)`: The vendor image runs as root until its next major release.\n');
    expect(r.stderr).toBe('');
  });

  test('--no-mermaid leaves the diagram out and changes nothing else', async () => {
    const plain = (await report(['manifests', '--no-mermaid'])).stdout;
    expect(plain).not.toContain('mermaid');
    expect(plain).toBe(md.replace(/\n### Diagram\n\n```mermaid\n[\s\S]*?\n```\n/, ''));
  });

  test('--out writes exactly what stdout would carry, and prints nothing', async () => {
    const r = await report(['manifests', '--out', 'r.md']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: WARNINGS });
    expect(fs.readFileSync(path.join(tmp, 'r.md'), 'utf8')).toBe(md);
  });

  test('stdin gives the same report as the files; input order does not matter', async () => {
    expect((await report(['-'], `${BACK}---\n${FRONT}`)).stdout).toBe(md);
  });

  test('two runs of the real binary give byte-identical output', () => {
    const a = runBin(['report', 'manifests']);
    const b = runBin(['report', 'manifests']);
    expect(a.code).toBe(0);
    expect(Buffer.from(b.stdout)).toEqual(Buffer.from(a.stdout));
    expect(a.stdout).toBe(md);
  });
});

describe('bad input at the command line (issue 20)', () => {
  const dirWith = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bad-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };

  test.each([['the file itself', ['x.yaml'], 'x.yaml'], ['a file of a directory argument', ['m'], 'm/x.yaml'], ['the file through another spelling', ['x.yaml'], './sub/../x.yaml']])('report refuses --out that is its input (%s) and leaves it as it was', async (_name, inputs, out) => {
    const dir = dirWith({ 'x.yaml': FRONT, 'm/x.yaml': FRONT, 'sub/.keep': '' });
    const io = fakeIo(dir);
    expect(await main(['report', ...inputs, '--out', out], io)).toBe(2);
    expect(io.err).toMatch(new RegExp(`^cdk8s-hardened report: --out ${out.replace(/[.]/g, '\\.')}: is the input .*x\\.yaml; writing the report there would destroy it\\. Fix: write the report to another file`));
    expect(fs.readFileSync(path.join(dir, 'x.yaml'), 'utf8')).toBe(FRONT);
    expect(fs.readFileSync(path.join(dir, 'm', 'x.yaml'), 'utf8')).toBe(FRONT);
  });

  test('deeply nested YAML is a clear input error (was a raw "Maximum call stack size exceeded"), in check and report', async () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nextra: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const block = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nextra:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}k:\n`).join('')}${'  '.repeat(3001)}v\n`;
    const parsedButDeep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nextra: ${'['.repeat(600)}${']'.repeat(600)}\n`;
    const dir = dirWith({ 'flow.yaml': flow, 'block.yaml': block, 'deep.yaml': parsedButDeep });
    for (const command of ['check', 'report']) {
      for (const [file, message] of [['flow.yaml', /nests mappings or sequences too deep to read/], ['block.yaml', /nests mappings or sequences too deep to read/], ['deep.yaml', /document nests more than 512 levels/]] as const) {
        const io = fakeIo(dir);
        expect({ command, file, code: await main([command, file], io) }).toEqual({ command, file, code: 2 });
        expect(io.err).toMatch(new RegExp(`^cdk8s-hardened ${command}: ${file.replace('.', '\\.')}:\\d+:\\d+: `));
        expect(io.err).toMatch(message);
        expect(io.err).not.toMatch(/Maximum call stack/);
      }
    }
  });

  test.each(['', '\n\n', '# a comment only\n'])('empty standard input (%j) exits 2 like an empty directory, in check and report', async stdin => {
    const dir = dirWith({ 'empty/.keep': '' });
    for (const command of ['check', 'report']) {
      const io = fakeIo(dir, stdin);
      expect(await main([command, '-'], io)).toBe(2);
      expect(io.err).toMatch(new RegExp(`^cdk8s-hardened ${command}: <stdin>: standard input is empty; pipe manifests into it`));
      const empty = fakeIo(dir);
      expect(await main([command, 'empty'], empty)).toBe(2);
    }
  });
});

test('--format json: the same facts as the Markdown report, as data', async () => {
  const io = fakeIo(path.resolve(__dirname, '..', '..'));
  expect(await main(['report', 'dist', '--format', 'json'], io)).toBe(0);
  const doc = JSON.parse(io.out) as { version: number; verdict: { openFindings: number; risks: { risk: string }[] }; entryPoints: { gatewayRoutes: unknown[] }; apiAccess: { subject: string }[]; outsideHosts: { hosts: string[] }[]; admission: { rule: string }[]; reachability: { edges: unknown[] }; exceptions: unknown[] };
  expect(doc.version).toBe(1);
  expect(doc.verdict.openFindings).toBe(0);
  const md = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'SECURITY-REPORT.md'), 'utf8');
  // every risk row of the Markdown verdict is in the document, and the counts agree
  expect(doc.verdict.risks.length).toBe(md.slice(md.indexOf('## Verdict'), md.indexOf('\n## ', md.indexOf('## Verdict') + 3)).split('\n').filter(l => /^\| [A-Z]/.test(l) && !l.startsWith('| Risk')).length);
  expect(doc.apiAccess.map(a => a.subject)).toEqual(['ServiceAccount backend/thumbnailer']);
  expect(doc.outsideHosts.flatMap(h => h.hosts)).toContain('api.stripe.com');
  expect(doc.admission.length).toBeGreaterThan(20);
  expect(doc.reachability.edges.length).toBeGreaterThan(0);
  expect(doc.exceptions).toHaveLength(1);
});
