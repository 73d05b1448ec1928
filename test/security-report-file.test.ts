/**
 * dist/SECURITY-REPORT.md: written by synth from the synthesized objects and the synthesis's own
 * policy result, and byte for byte what `cdk8s-hardened report <outdir>` prints (one function
 * renders both; the command line evaluates the policy once, synth not a second time).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { HardenedApp, HardenedNamespace, PodSecurityLevel, PolicyException, type Reporter, type Synthesis } from '../constructs';
import { HARDENED_PACK, NOT_APPLICABLE, podTemplateOf, type KubeObject, type RulePack } from '../policy';
import * as pssEvaluate from '../policy/pss/evaluate';
import { buildDefaultBlueprint } from '../src/blueprint';
import { main, type CliIo } from '../src/cli/main';
import { buildSecurityReport, SECURITY_REPORT_FILE, securityReportReporter, synthesizedManifestObjects } from '../src/security-report-file';
import { loadManifests } from '../src/yaml-input';

// checkPodSecurity, counted: the real one behind a jest.fn (an ES module export cannot be spied on in place)
jest.mock('../policy/pss/evaluate', () => {
  const actual = jest.requireActual<typeof import('../policy/pss/evaluate')>('../policy/pss/evaluate');
  return { ...actual, checkPodSecurity: jest.fn(actual.checkPodSecurity) };
});
const checkPodSecurity = pssEvaluate.checkPodSecurity as jest.MockedFunction<typeof pssEvaluate.checkPodSecurity>;

const REPO = path.resolve(__dirname, '..');
const temps: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'security-report-file-test-'));
  temps.push(dir);
  return dir;
}

afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The default blueprint in a HardenedApp that writes the report, synthesized into a fresh outdir. */
function synthDefaultBlueprint(): string {
  const outdir = path.join(tempDir(), 'dist');
  const app = new HardenedApp({ outdir, reporters: [securityReportReporter()] });
  buildDefaultBlueprint(app);
  app.synth();
  return outdir;
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) out[name] = fs.readFileSync(path.join(dir, name), 'utf8');
  return out;
}

async function cliReport(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    cwd,
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
  };
  const code = await main(['report', ...argv], io);
  return { code, stdout: io.out, stderr: io.err };
}

jest.setTimeout(60_000);

describe('the default blueprint', () => {
  let outdir: string;
  let report: string;
  beforeAll(() => {
    outdir = synthDefaultBlueprint();
    report = fs.readFileSync(path.join(outdir, SECURITY_REPORT_FILE), 'utf8');
  });

  test('synth writes the report next to the manifests', () => {
    expect(Object.keys(readTree(outdir))).toEqual([SECURITY_REPORT_FILE, 'backend.yaml', 'cluster.yaml', 'data.yaml', 'edge.yaml', 'istio-system.yaml', 'storefront.yaml']);
    expect(report.startsWith('# Security report\n\n**Summary:** 5 namespaces, 6 workloads, ')).toBe(true);
  });

  test('flows web→api 8080/TCP, api→thumbnailer 8081/TCP, api, migrate and export→postgres 5432/TCP, and nothing else between workloads', () => {
    expect(report).toContain(
      [
        '| from \\ to | backend/api | backend/migrate | backend/thumbnailer | data/export | data/postgres | storefront/web |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| **backend/api** | — | — | 8081/TCP | — | 5432/TCP | — |',
        '| **backend/migrate** | — | — | — | — | 5432/TCP | — |',
        '| **backend/thumbnailer** | — | — | — | — | — | — |',
        '| **data/export** | — | — | — | — | 5432/TCP | — |',
        '| **data/postgres** | — | — | — | — | — | — |',
        '| **storefront/web** | 8080/TCP | — | — | — | — | — |',
      ].join('\n'),
    );
    expect(report).toContain('| storefront/web | ingress | pods matching {gateway.networking.k8s.io/gateway-name=public} in namespace edge (not among the inputs) | 8080/TCP |');
    expect(report).toContain('  wl_storefront__web -->|"8080/TCP"| wl_backend__api\n');
    expect(report).toContain('  wl_backend__api -->|"8081/TCP"| wl_backend__thumbnailer\n');
    expect(report).toContain('  wl_backend__api -->|"5432/TCP"| wl_data__postgres\n');
  });

  test('egress api→203.0.113.0/24 443/TCP', () => {
    expect(report).toContain('| backend/api | egress | 203.0.113.0/24 | 443/TCP |');
    expect(report).toMatch(/^ {2}wl_backend__api -->\|"443\/TCP"\| ext_cidr_203_2e0_2e113_2e0_2f24$/m);
    expect(report).toContain('  ext_cidr_203_2e0_2e113_2e0_2f24(["203.0.113.0/24"])\n');
  });

  test('thumbnailer runs with the gVisor runtime class, the others with the default', () => {
    const row = (name: string) => report.split('\n').find((l) => new RegExp(`^\\| \\w+/${name} \\|`).test(l))?.split(' | ');
    expect(row('thumbnailer')?.slice(2, 6)).toEqual(['restricted', 'ambient', 'STRICT (namespace)', 'gvisor']);
    for (const name of ['web', 'api', 'migrate', 'postgres', 'export']) expect(row(name)?.[5]).toBe('default');
    // and `gvisor` is the RuntimeClass of gVisor's runsc handler
    const cluster = loadManifests(['cluster.yaml'], { cwd: outdir }).map((m) => m.object);
    expect(cluster.find((o) => o.kind === 'RuntimeClass' && o.metadata?.name === 'gvisor')?.handler).toBe('runsc');
  });

  test('findings: none open; postgres\'s single replica excepted with the PolicyException\'s reason', () => {
    const section = report.slice(report.indexOf('## Findings'), report.indexOf('## Reachability'));
    expect(section).toBe(
      [
        '## Findings',
        '',
        '| Status | Object | Rule | Message |',
        '| --- | --- | --- | --- |',
        '| excepted | `data/StatefulSet/postgres` | `HARDENED-10` | runs 1 replica (spec.replicas) |',
        '',
        '### Exceptions',
        '',
        '- `data/StatefulSet/postgres` — `HARDENED-10`: Single-primary PostgreSQL: a second replica of this StatefulSet would be a second primary with its own data; high availability needs a replication operator, not more replicas.',
        '',
        '',
      ].join('\n'),
    );
    expect(report).toMatch(/^Pod Security Standards: enforce `restricted`/m);
  });

  test('equals what `cdk8s-hardened report <outdir>` prints, byte for byte', async () => {
    const fromDir = await cliReport([outdir], REPO);
    expect(fromDir.stderr).toBe('');
    expect(fromDir.code).toBe(0);
    expect(fromDir.stdout).toBe(report);
    // the real binary, with the relative path a user would type
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'cdk8s-hardened.js'), 'report', 'dist'], {
      cwd: path.dirname(outdir),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Buffer.from(r.stdout)).toEqual(Buffer.from(report));
  });

  test('the reporter sees the objects, files and lines that the CLI reads back from the outdir', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'unused') });
    buildDefaultBlueprint(app);
    const items = synthesizedManifestObjects(app.synthObjects());
    const read = loadManifests(['.'], { cwd: outdir });
    const key = (m: { file: string; line: number }) => `${path.normalize(m.file)}:${m.line}`;
    expect(items.map(key).sort()).toEqual(read.map(key).sort());
    const byKey = new Map(read.map((m) => [key(m), m.object]));
    for (const item of items) expect(item.object).toEqual(byKey.get(key(item)));
  });

  test('synth twice gives byte-identical output', () => {
    expect(readTree(synthDefaultBlueprint())).toEqual(readTree(outdir));
  });
});

describe('one policy pass per synth', () => {
  test('with the security reporter, each rule runs once per object and Pod Security once per pod-bearing object', () => {
    const evaluated: KubeObject[] = [];
    const counting: RulePack = {
      name: 'counting',
      rules: [{
        id: 'COUNT-1', severity: 'error', name: 'count', summary: 'counts evaluations', explanation: '-', fix: '-', appliesTo: 'every object', references: [],
        evaluate: (object) => {
          evaluated.push(object);
          return NOT_APPLICABLE;
        },
      }],
    };
    let synthesis: Synthesis | undefined;
    const capture: Reporter = (_objects, s) => {
      synthesis = s;
      return {};
    };
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'counted'), rulePacks: [HARDENED_PACK, counting], reporters: [securityReportReporter(), capture] });
    buildDefaultBlueprint(app);
    const hardened1 = HARDENED_PACK.rules.find((r) => r.id === 'HARDENED-1')!;
    const hardened1Runs = jest.spyOn(hardened1, 'evaluate');
    checkPodSecurity.mockClear();
    let files: Record<string, string>;
    let hardened1Calls: number;
    try {
      files = app.synthFiles(); // the whole synth in memory: policy pass, YAML, reporters
      hardened1Calls = hardened1Runs.mock.calls.length;
    } finally {
      hardened1Runs.mockRestore();
    }
    expect(files[SECURITY_REPORT_FILE]).toContain('# Security report');

    const objects = synthesis!.objects.map((o) => o.object);
    expect(objects.length).toBeGreaterThan(30);
    expect(evaluated).toHaveLength(objects.length);
    expect(new Set(evaluated).size).toBe(objects.length);
    expect(hardened1Calls).toBe(objects.length); // was twice that: the reporter ran the pack again
    // every namespace warns and audits at its enforced level: one level per pod-bearing object
    const podBearing = objects.filter((o) => podTemplateOf(o) !== undefined);
    expect(podBearing).toHaveLength(6); // 3 Deployments, a StatefulSet, a Job, a CronJob
    expect(checkPodSecurity).toHaveBeenCalledTimes(podBearing.length);
    expect(checkPodSecurity.mock.calls.map((c) => c[0]).sort()).toEqual(podBearing.sort());
    expect(new Set(checkPodSecurity.mock.calls.map((c) => `${c[1]} ${c[2]}`))).toEqual(new Set(['restricted v1.36']));
  });

  test('a namespace that warns at a stricter level: Pod Security once per distinct level, and the report reads the excepted warning from the result', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'legacy'), rulePacks: [], reporters: [securityReportReporter({ mermaid: false })] });
    const chart = new Chart(app, 'legacy');
    new HardenedNamespace(chart, 'legacy', { enforce: PodSecurityLevel.BASELINE, enforceReason: 'Legacy images still run as root; tracked in the migration plan.', warn: PodSecurityLevel.RESTRICTED, audit: PodSecurityLevel.RESTRICTED });
    const pod = new ApiObject(chart, 'old', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'old', namespace: 'legacy' },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/old:1.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }], securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
    });
    PolicyException.add(pod, { id: 'runAsNonRoot', reason: 'The vendor image runs as root until its next major release.' });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // synth warns about the open warn/audit findings
    checkPodSecurity.mockClear();
    const synthesis = app.synthObjects();
    const report = app.synthFiles()[SECURITY_REPORT_FILE];
    warn.mockRestore();
    // two synths; in each, one pod-bearing object at two distinct levels (baseline enforced; restricted warned and audited), and nothing for the report
    expect(checkPodSecurity.mock.calls.map((c) => `${c[1]} ${c[2]}`)).toEqual(['baseline v1.36', 'restricted v1.36', 'baseline v1.36', 'restricted v1.36']);
    expect(report).toContain('| excepted | `legacy/Pod/old` | `runAsNonRoot (warn/audit)` | ');
    expect(report).toContain('- `legacy/Pod/old` — `runAsNonRoot (warn/audit)`: The vendor image runs as root until its next major release.\n');
    // the same report as the one evaluated from the annotation synth wrote, but for the hardened rules synth did not run
    const fromAnnotation = buildSecurityReport(synthesizedManifestObjects(synthesis), { mermaid: false });
    // (the verdict counts the open findings, so its line differs too)
    const withoutHardened = (md: string) => md.split('\n').filter((l) => !l.includes('`HARDENED-') && !l.includes('[HARDENED-') && !l.startsWith('**Verdict:')).join('\n').replace(/\*\*Summary:\*\*.*\n/, '');
    expect(withoutHardened(fromAnnotation.markdown)).toBe(withoutHardened(report));
  });
});

describe('buildSecurityReport on the default blueprint', () => {
  test('with the synthesis\'s policy result, without it (evaluated from the annotation), and the committed dist/SECURITY-REPORT.md: the same bytes', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'unused'), admission: {} }); // as src/main.ts
    buildDefaultBlueprint(app);
    const synthesis = app.synthObjects();
    const items = synthesizedManifestObjects(synthesis);
    checkPodSecurity.mockClear();
    const given = buildSecurityReport(items, { policy: synthesis.policy });
    expect(checkPodSecurity).not.toHaveBeenCalled();
    const evaluated = buildSecurityReport(items);
    expect(checkPodSecurity).toHaveBeenCalledTimes(6);
    expect(given.warnings).toEqual([]);
    expect(evaluated.warnings).toEqual([]);
    expect(given.markdown).toBe(evaluated.markdown);
    expect(given.exceptions).toEqual(evaluated.exceptions);
    expect(Buffer.from(given.markdown)).toEqual(fs.readFileSync(path.join(REPO, 'dist', SECURITY_REPORT_FILE)));
  });
});
