/**
 * `cdk8s-hardened diff`: end to end on two copies of the committed dist/ (the default blueprint),
 * one with an added NetworkPolicy flow and a lowered Pod Security level; exit codes; JSON; --git.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../src/cli/args';
import { parseDiffArgs } from '../../src/cli/diff';
import { main } from '../../src/cli/main';
import { fakeIo } from '../support/cli-io';
import { loadManifests } from '../../src/yaml-input';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'cdk8s-hardened.js');

/** A NetworkPolicy pair that lets storefront/web reach data/postgres on 5432/TCP (postgres is ambient: HBONE arrives on 15008). */
const WEB_TO_POSTGRES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-postgres, namespace: storefront}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: web}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}, podSelector: {matchLabels: {app.kubernetes.io/name: postgres}}}]
      ports: [{port: 5432, protocol: TCP}, {port: 15008, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres-from-web, namespace: data}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: postgres}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: storefront}}, podSelector: {matchLabels: {app.kubernetes.io/name: web}}}]
      ports: [{port: 5432, protocol: TCP}, {port: 15008, protocol: TCP}]
`;

/** The same flow for Istio: web's identity may call postgres on 5432. */
const WEB_TO_POSTGRES_AUTHZ = `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: postgres-from-web, namespace: data}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: postgres}}
  action: ALLOW
  rules:
    - from: [{source: {principals: [cluster.local/ns/storefront/sa/web]}}]
      to: [{operation: {ports: ['5432']}}]
`;

let tmp: string;

/** Lowers the `enforce` level of namespace `data` in cluster.yaml from restricted to baseline. */
function lowerDataEnforce(dir: string): void {
  const file = path.join(dir, 'cluster.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const docs = text.split('\n---\n');
  const i = docs.findIndex((d) => /\n {2}name: data(\n|$)/.test(d) && d.includes('kind: Namespace'));
  expect(i).toBeGreaterThanOrEqual(0);
  expect(docs[i]).toContain('pod-security.kubernetes.io/enforce: restricted\n');
  docs[i] = docs[i].replace('pod-security.kubernetes.io/enforce: restricted\n', 'pod-security.kubernetes.io/enforce: baseline\n');
  fs.writeFileSync(file, docs.join('\n---\n'));
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-diff-'));
  fs.cpSync(path.join(REPO, 'dist'), path.join(tmp, 'base'), { recursive: true });
  fs.cpSync(path.join(REPO, 'dist'), path.join(tmp, 'change'), { recursive: true });
  // when the blueprint authorizes postgres's callers with Istio, the new flow needs its ALLOW too
  const meshAuthorized = fs.readdirSync(path.join(REPO, 'dist')).some((f) => /^(data|istio-system)\.yaml$/.test(f) && fs.readFileSync(path.join(REPO, 'dist', f), 'utf8').includes('kind: AuthorizationPolicy'));
  fs.writeFileSync(path.join(tmp, 'change', 'web-to-postgres.yaml'), WEB_TO_POSTGRES + (meshAuthorized ? WEB_TO_POSTGRES_AUTHZ : ''));
  lowerDataEnforce(path.join(tmp, 'change'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function diff(argv: string[], cwd?: string) {
  const io = fakeIo(cwd ?? tmp);
  const out = { text: '', err: '' };
  io.stdout = (t: string) => void (out.text += t);
  io.stderr = (t: string) => void (out.err += t);
  const code = await main(['diff', ...argv], io);
  return { code, stdout: out.text, stderr: out.err };
}

/** The expected Markdown, with the kinds the blueprint gives web and postgres (they may change with it). */
const expectedMarkdown = (): string => EXPECTED_MARKDOWN.replace('postgres (Deployment)', `postgres (${kindOf('data', 'postgres')})`).replace('web (Deployment)', `web (${kindOf('storefront', 'web')})`);

/** The kind of a workload of the committed blueprint. */
function kindOf(ns: string, name: string): string {
  const objects = loadManifests([path.join(tmp, 'base')]).map((m) => m.object);
  const found = objects.find((o) => o.metadata?.namespace === ns && o.metadata?.name === name && ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));
  expect(found).toBeDefined();
  return found!.kind;
}

const EXPECTED_MARKDOWN = `**Security review: 2 changes open or relax, 0 tighten, 0 neutral — needs a security approval** (\`base\` → \`change\`).

### Opens or relaxes (2)

_reachability 1 · posture 1_

| Area | Where | Change |
| --- | --- | --- |
| reachability | \`storefront/web → data/postgres\` | new flow on 5432/TCP — NetworkPolicy storefront/web-to-postgres, NetworkPolicy data/postgres-from-web, AuthorizationPolicy data/postgres-from-web |
| posture | \`namespace data\` | Pod Security enforce level lowered: restricted → baseline |

### Changed flows

Solid: newly allowed; dashed: no longer allowed (\`+\`/\`−\`: ports added to or removed from a flow).

\`\`\`mermaid
flowchart LR
  subgraph ns_data["data"]
    wl_data__postgres["postgres (Deployment)"]
  end
  subgraph ns_storefront["storefront"]
    wl_storefront__web["web (Deployment)"]
  end
  wl_storefront__web -->|"5432/TCP"| wl_data__postgres
\`\`\`
`;

describe('cdk8s-hardened diff, end to end on the default blueprint', () => {
  it('bin: one added flow and one lowered Pod Security level, exactly, classified; exit 1', () => {
    const r = spawnSync(process.execPath, [BIN, 'diff', 'base', 'change'], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expectedMarkdown());
    expect(r.status).toBe(1);
  });

  it('JSON: the same two items', async () => {
    const r = await diff(['base', 'change', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ opens: 2, tightens: 0, neutral: 0 });
    expect(doc.verdict).toBe('opens');
    expect(doc.items.map((i: { category: string; effect: string; change: string; subject: string }) => [i.category, i.effect, i.change, i.subject])).toEqual([
      ['reachability', 'opens', 'flow-added', 'storefront/web → data/postgres'],
      ['posture', 'opens', 'pss-level', 'namespace data'],
    ]);
    expect(doc.items[0].flow).toEqual({
      from: { type: 'workload', workload: { kind: kindOf('storefront', 'web'), namespace: 'storefront', name: 'web' } },
      to: { type: 'workload', workload: { kind: kindOf('data', 'postgres'), namespace: 'data', name: 'postgres' } },
      external: false,
      before: [],
      after: [{ protocol: 'TCP', port: 5432 }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  it('swapped: the same two items tighten; exit 0', async () => {
    const r = await diff(['change', 'base', '--no-mermaid']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('**Security review: 0 changes open or relax, 2 tighten, 0 neutral — nothing opens or relaxes** (`change` → `base`).');
    expect(r.stdout).toContain('| reachability | `storefront/web → data/postgres` | flow removed (was 5432/TCP) — NetworkPolicy storefront/web-to-postgres, NetworkPolicy data/postgres-from-web, AuthorizationPolicy data/postgres-from-web |');
    expect(r.stdout).toContain('| posture | `namespace data` | Pod Security enforce level raised: baseline → restricted |');
    expect(r.stdout).not.toContain('mermaid');
  });

  it('no change: exit 0 and one summary line; --out writes the file', async () => {
    const r = await diff(['base', path.join(REPO, 'dist'), '--out', 'review.md']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(tmp, 'review.md'), 'utf8')).toBe(`**Security review: no security-relevant change** (\`base\` → \`${path.join(REPO, 'dist')}\`).\n`);
  });
});

describe('exit 2 on bad input', () => {
  it('usage errors', async () => {
    expect((await diff(['base'])).code).toBe(2);
    expect((await diff(['base', 'change', 'x'])).stderr).toContain('expected OLD and NEW, got 3 paths');
    expect((await diff(['base', 'change', '--format', 'yaml'])).stderr).toContain('--format must be markdown or json');
    expect((await diff(['base', 'change', '--nope'])).code).toBe(2);
    expect(() => parseDiffArgs(['--out'])).toThrow(UsageError);
    const help = await diff(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit status: 0 nothing opens or relaxes, 1 something does, 2 usage or input error.');
  });

  it('missing or unparsable input', async () => {
    const missing = await diff(['base', 'nowhere']);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-hardened diff: nowhere: no such file or directory\n' });
    fs.writeFileSync(path.join(tmp, 'bad.yaml'), 'kind: [\n');
    const bad = await diff(['base', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cdk8s-hardened diff: bad\.yaml:\d+:\d+: /);
    expect(bad.stdout).toBe('');
  });
});

describe('--git REV:PATH REV:PATH', () => {
  it('reads both sides from git revisions of a path', async () => {
    const repo = path.join(tmp, 'repo');
    fs.cpSync(path.join(tmp, 'base'), path.join(repo, 'dist'), { recursive: true });
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    fs.cpSync(path.join(tmp, 'change'), path.join(repo, 'dist'), { recursive: true });
    git('add', '.');
    git('commit', '-q', '-m', 'change');
    const r = await diff(['--git', 'HEAD~1:dist', 'HEAD:dist/'], repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(expectedMarkdown().replace('(`base` → `change`)', '(`HEAD~1:dist` → `HEAD:dist/`)'));
    // from a subdirectory, PATH is relative to it, as for git show REV:./PATH
    const sub = await diff(['--git', 'HEAD~1:.', 'HEAD:.', '--format', 'json'], path.join(repo, 'dist'));
    expect(JSON.parse(sub.stdout).summary).toEqual({ opens: 2, tightens: 0, neutral: 0 });
    const bad = await diff(['--git', 'nope:dist', 'HEAD:dist'], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cdk8s-hardened diff: nope:dist: git');
    expect((await diff(['--git', ':dist', 'HEAD:dist'], repo)).stderr).toBe('cdk8s-hardened diff: :dist: expected REV:PATH\n');
    // a side without REV: is read from disk: the committed base against the working tree
    fs.rmSync(path.join(repo, 'dist', 'web-to-postgres.yaml'));
    const mixed = await diff(['--git', 'HEAD:dist', 'dist', '--format', 'json'], repo);
    expect(JSON.parse(mixed.stdout).items.map((i: { change: string; effect: string }) => `${i.effect} ${i.change}`)).toEqual(['tightens flow-removed']);
    expect(mixed.code).toBe(0);
  });
});
