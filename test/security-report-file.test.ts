/**
 * dist/SECURITY-REPORT.md: written by synth from the synthesized objects, and byte for byte what
 * `cdk8s-hardened report <outdir>` prints (one function renders both).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HardenedApp } from '../constructs';
import { buildDefaultBlueprint } from '../src/blueprint';
import { main, type CliIo } from '../src/cli/main';
import { SECURITY_REPORT_FILE, securityReportReporter, synthesizedManifestObjects } from '../src/security-report-file';
import { loadManifests } from '../src/yaml-input';

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
  const app = new HardenedApp({ outdir, keepLastSynth: false, reporters: [securityReportReporter()] });
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
    expect(Object.keys(readTree(outdir))).toEqual([SECURITY_REPORT_FILE, 'backend.yaml', 'cluster.yaml', 'data.yaml', 'storefront.yaml']);
    expect(report.startsWith('# Security report\n\n**Summary:** 3 namespaces, 4 workloads, ')).toBe(true);
  });

  test('flows web→api 8080/TCP, api→thumbnailer 8081/TCP, api→postgres 5432/TCP, and nothing else between workloads', () => {
    expect(report).toContain(
      [
        '| from \\ to | backend/api | backend/thumbnailer | data/postgres | storefront/web |',
        '| --- | --- | --- | --- | --- |',
        '| **backend/api** | — | 8081/TCP | 5432/TCP | — |',
        '| **backend/thumbnailer** | — | — | — | — |',
        '| **data/postgres** | — | — | — | — |',
        '| **storefront/web** | 8080/TCP | — | — | — |',
      ].join('\n'),
    );
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
    const row = (name: string) => report.split('\n').find((l) => l.startsWith(`| Deployment/${name} |`))?.split(' | ');
    expect(row('thumbnailer')?.slice(2, 5)).toEqual(['restricted', 'none', 'gvisor']);
    for (const name of ['web', 'api', 'postgres']) expect(row(name)?.[4]).toBe('default');
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
        '| excepted | `data/Deployment/postgres` | `HARDENED-10` | runs 1 replica (spec.replicas) |',
        '',
        '### Exceptions',
        '',
        '- `data/Deployment/postgres` — `HARDENED-10`: Single-primary PostgreSQL: a second replica of this Deployment would be a second primary with its own data; high availability needs a replication operator, not more replicas.',
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
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'unused'), keepLastSynth: false });
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
