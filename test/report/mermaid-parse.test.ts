/**
 * The Mermaid text we emit parses with Mermaid's own parser (the `mermaid` package, not our grammar
 * lint): the security report's diagram for 4, 50 and 200 workloads, the committed report's, and
 * the `diff` diagram of changes in both views. Mermaid's parse also enforces its edge limit
 * (`maxEdges`, 500), and its defaults are the limits the size tests hold the diagrams to.
 *
 * Mermaid 11 is ESM only and its sanitizer (DOMPurify) needs a window, so the parse runs in a child
 * Node process with a jsdom window; the diagrams go there, and the results come back, as JSON files.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffManifests, renderDiffMarkdown } from '../../analysis/diff';
import { renderSecurityReport } from '../../analysis/report';
import type { KubeObject } from '../../policy/kube-object';
import { scaleBlueprint } from './_scale';

const ROOT = path.join(__dirname, '..', '..');
const mermaidOf = (markdown: string): string => {
  const text = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
  if (text === undefined) throw new Error(`no mermaid block in:\n${markdown.slice(0, 500)}`);
  return text;
};

/** The change of test/diff/render.test.ts: DNS policies gone, the chain moved from 8080 to 9090. */
const changed = (objects: KubeObject[]): KubeObject[] =>
  objects.map((o) => JSON.parse(JSON.stringify(o).replace(/"port":8080/g, '"port":9090'))).filter((o) => o.metadata?.name !== 'dns');

/** Runs in the child: parses each diagram with Mermaid, records its default limits. */
const CHILD = `
import * as fs from 'node:fs';
import { JSDOM } from 'jsdom';
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
const diagrams = JSON.parse(fs.readFileSync(process.env.MERMAID_IN, 'utf8'));
const results = {};
for (const [name, text] of Object.entries(diagrams)) {
  try {
    const r = await mermaid.parse(text);
    results[name] = { ok: Boolean(r), diagramType: r && r.diagramType };
  } catch (e) {
    results[name] = { ok: false, error: String(e && e.message ? e.message : e) };
  }
}
const config = mermaid.mermaidAPI.getConfig();
const pkg = JSON.parse(fs.readFileSync(new URL(import.meta.resolve('mermaid/package.json')), 'utf8'));
fs.writeFileSync(process.env.MERMAID_OUT, JSON.stringify({ version: pkg.version, maxTextSize: config.maxTextSize, maxEdges: config.flowchart.maxEdges ?? config.maxEdges, results }));
`;

interface ParseResult {
  readonly ok: boolean;
  readonly diagramType?: string;
  readonly error?: string;
}
interface ChildOutput {
  readonly version: string;
  readonly maxTextSize: number;
  readonly maxEdges: number;
  readonly results: Record<string, ParseResult>;
}

function parseWithMermaid(diagrams: Record<string, string>): ChildOutput {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mermaid-parse-'));
  try {
    const input = path.join(dir, 'in.json');
    const output = path.join(dir, 'out.json');
    fs.writeFileSync(input, JSON.stringify(diagrams));
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, MERMAID_IN: input, MERMAID_OUT: output },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (child.status !== 0 || !fs.existsSync(output)) {
      throw new Error(`mermaid child failed (status ${child.status}, signal ${child.signal}):\n${child.stderr}\n${child.stdout}`);
    }
    return JSON.parse(fs.readFileSync(output, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const workloads4 = mermaidOf(renderSecurityReport(scaleBlueprint(4, 1)));
/** A label with a raw `"` in it: the escaping bug the negative control stands for. */
const rawQuote = workloads4.replace('["svc-0 (Deployment)"]', '["svc-0 "web" (Deployment)"]');
/** `count` edges between two nodes. */
const edges = (count: number): string => ['flowchart LR', '  a["a"]', '  b["b"]', ...Array.from({ length: count }, (_, i) => `  a -->|"${i}/TCP"| b`)].join('\n');

const diagrams: Record<string, string> = {
  'report, 4 workloads': workloads4,
  'report, 50 workloads': mermaidOf(renderSecurityReport(scaleBlueprint(5, 10))),
  'report, 200 workloads': mermaidOf(renderSecurityReport(scaleBlueprint(20, 10))),
  'report, 2 × 2 workloads (full peer labels)': mermaidOf(renderSecurityReport(scaleBlueprint(2, 2))),
  'report, committed dist/SECURITY-REPORT.md': mermaidOf(fs.readFileSync(path.join(ROOT, 'dist', 'SECURITY-REPORT.md'), 'utf8')),
  'diff, 36 workloads, DNS removed and 8080 → 9090': mermaidOf(renderDiffMarkdown(diffManifests(scaleBlueprint(6, 6), changed(scaleBlueprint(6, 6))))),
  'diff, 200 workloads, every namespace changed': mermaidOf(renderDiffMarkdown(diffManifests(scaleBlueprint(20, 10), changed(scaleBlueprint(20, 10))))),
  'diff, 9 workloads, DNS removed and 8080 → 9090': mermaidOf(renderDiffMarkdown(diffManifests(scaleBlueprint(3, 3), changed(scaleBlueprint(3, 3))))),
  'diff, 200 workloads, one namespace loses DNS': mermaidOf(
    renderDiffMarkdown(diffManifests(scaleBlueprint(20, 10), scaleBlueprint(20, 10).filter((o) => !(o.metadata?.name === 'dns' && o.metadata.namespace === 'team-7')))),
  ),
};
/** At Mermaid's default edge limit: still parses. */
const atLimit = { 'limit: 500 edges': edges(500) };
const broken: Record<string, string> = {
  'broken: raw quote in a label': rawQuote,
  'broken: unclosed label': workloads4.replace(/\["svc-0 \(Deployment\)"\]/, '["svc-0 (Deployment)"'),
  'broken: 501 edges': edges(501),
};

describe("Mermaid's own parser", () => {
  let out: ChildOutput;
  beforeAll(() => {
    out = parseWithMermaid({ ...diagrams, ...atLimit, ...broken });
  }, 60_000);

  it('the diagrams are the ones meant: the report in both views, the diff in both views', () => {
    expect(diagrams['report, 4 workloads']).toContain('wl_team_2d0__svc_2d0["svc-0 (Deployment)"]');
    expect(diagrams['report, 200 workloads']).toContain('ns_team_2d3["team-3 · 10 workloads"]');
    expect(diagrams['diff, 200 workloads, every namespace changed']).toContain('ns_team_2d3 -.->|"−9 flows: 8080/TCP"| ns_team_2d3');
    expect(diagrams['diff, 9 workloads, DNS removed and 8080 → 9090']).toContain('subgraph ns_team_2d0["team-0"]');
    expect(diagrams['diff, 200 workloads, one namespace loses DNS']).toContain('subgraph ns_team_2d7["team-7"]');
    expect(rawQuote).not.toBe(workloads4);
    expect(broken['broken: unclosed label']).not.toBe(workloads4);
  });

  it("Mermaid 11's default limits are the ones the size tests use: 50,000 characters, 500 edges", () => {
    expect(out.version).toMatch(/^11\./);
    expect(out.maxTextSize).toBe(50_000);
    expect(out.maxEdges).toBe(500);
  });

  it.each(Object.keys(diagrams))('%s: parses as a flowchart', (name) => {
    expect(out.results[name]).toEqual({ ok: true, diagramType: 'flowchart-v2' });
    expect(diagrams[name].length).toBeLessThanOrEqual(out.maxTextSize);
  });

  it('500 edges parse: the limit is inclusive', () => {
    expect(out.results['limit: 500 edges']).toEqual({ ok: true, diagramType: 'flowchart-v2' });
  });

  it('negative controls: a raw quote in a label and an unclosed label are parse errors; 501 edges exceed the limit', () => {
    expect(out.results['broken: raw quote in a label']).toEqual({ ok: false, error: expect.stringMatching(/^Parse error on line \d+/) });
    expect(out.results['broken: unclosed label']).toEqual({ ok: false, error: expect.stringMatching(/^Parse error on line \d+/) });
    expect(out.results['broken: 501 edges']).toEqual({ ok: false, error: expect.stringMatching(/^Edge limit exceeded\. \d+ edges found, but the limit is 500\./) });
  });
});
