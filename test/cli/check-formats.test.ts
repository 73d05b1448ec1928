/**
 * `check --format sarif|junit`, judged by tools we did not write: Microsoft's SARIF Multitool
 * (`validate` with the SARIF rules and the GitHub Advanced Security ingestion rules, `Ghas`) and
 * fast-xml-parser's validator; and the facts each format must carry (file, line, rule id,
 * message, fix, help link; excepted findings as suppressions with their reason).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { main } from '../../src/cli/main';
import { fakeIo } from '../support/cli-io';

const REPO = path.resolve(__dirname, '..', '..');
const FAIL_FIXTURES = path.join('test', 'fixtures', 'pod-security', 'restricted', 'v1.28', 'fail');
// the platform package's binary, as @microsoft/sarif-multitool's own bin.js finds it
const MULTITOOL = require('@microsoft/sarif-multitool') as string; // eslint-disable-line @typescript-eslint/no-require-imports

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-formats-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function check(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(REPO);
  const code = await main(['check', ...args], io);
  return { code, out: io.out, err: io.err };
}

interface Diagnostic { readonly ruleId: string; readonly level: string; readonly text: string }

/** The Multitool's verdict on a SARIF file: its error and warning results (notes are advice). */
function multitool(sarif: string): Diagnostic[] {
  const input = path.join(tmp, `in-${Math.random().toString(36).slice(2)}.sarif`);
  const output = `${input}.validation.sarif`;
  fs.writeFileSync(input, sarif);
  const r = spawnSync(MULTITOOL, ['validate', input, '--output', output, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Ghas', '--level', 'Error;Warning'], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  const log = JSON.parse(fs.readFileSync(output, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { text?: string } }[] }[] };
  return (log.runs[0].results ?? []).map(x => ({ ruleId: x.ruleId, level: x.level ?? 'warning', text: x.message.text ?? '' }));
}

interface SarifResult {
  ruleId: string; ruleIndex: number; level: string; message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  suppressions?: { kind: string; status: string; justification: string }[];
}
interface SarifLog { version: string; runs: { tool: { driver: { name: string; version: string; rules: { id: string; helpUri?: string; shortDescription: { text: string } }[] } }; results: SarifResult[] }[] }

describe('SARIF', () => {
  test('the default blueprint and the upstream fail fixtures: valid SARIF 2.1.0 for GitHub code scanning, per the Multitool', async () => {
    const dist = await check(['dist', '--hardened', '--format', 'sarif']);
    const fixtures = await check([FAIL_FIXTURES, '--pod-security-version', 'v1.28', '--hardened', '--format', 'sarif']);
    expect([dist.code, fixtures.code]).toEqual([0, 1]);
    for (const out of [dist.out, fixtures.out]) {
      const verdict = multitool(out);
      expect(verdict.filter(d => d.level === 'error')).toEqual([]);
      // the one warning: no informationUri, since the project has no published home page (docs/decisions.md)
      expect(verdict.map(d => d.ruleId)).toEqual(['SARIF2005']);
    }
  });

  test('negative control: the Multitool refuses what GitHub would refuse (a result without locations, a rule without a description)', async () => {
    const log = JSON.parse((await check([FAIL_FIXTURES, '--pod-security-version', 'v1.28', '--format', 'sarif'])).out) as SarifLog;
    delete (log.runs[0].results[0] as Partial<SarifResult>).locations;
    delete (log.runs[0].tool.driver.rules[0] as Partial<SarifLog['runs'][0]['tool']['driver']['rules'][0]>).shortDescription;
    const errors = multitool(JSON.stringify(log)).filter(d => d.level === 'error').map(d => d.ruleId);
    expect(errors).toEqual(expect.arrayContaining(['GH1015', 'GH2012']));
  });

  test('each finding is a result with its file, line, rule, message and fix; an excepted finding is an accepted suppression with the reason', async () => {
    const log = JSON.parse((await check(['dist', '--hardened', '--format', 'sarif'])).out) as SarifLog;
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('cdk8s-hardened');
    const postgres = run.results.find(r => r.ruleId === 'HARDENED-10');
    expect(postgres).toBeDefined();
    expect(postgres!.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: expect.stringMatching(/^Single-primary PostgreSQL/) }]);
    const { uri } = postgres!.locations[0].physicalLocation.artifactLocation;
    expect(uri).toBe('dist/data.yaml');
    // the line is where the object starts in that file
    const lines = fs.readFileSync(path.join(REPO, uri), 'utf8').split('\n');
    const at = postgres!.locations[0].physicalLocation.region.startLine;
    expect(lines[at - 1]).toBe('apiVersion: apps/v1');
    expect(lines.slice(at - 1).join('\n')).toMatch(/^apiVersion: apps\/v1\nkind: StatefulSet\nmetadata:\n(  .*\n)*?  name: postgres\n/);
    expect(run.tool.driver.rules[postgres!.ruleIndex].id).toBe('HARDENED-10');

    const fixtures = JSON.parse((await check([FAIL_FIXTURES, '--pod-security-version', 'v1.28', '--format', 'sarif'])).out) as SarifLog;
    const results = fixtures.runs[0].results;
    expect(results.length).toBeGreaterThanOrEqual(69);
    for (const r of results) {
      expect(r.level).toBe('error');
      expect(r.message.text).toMatch(/^Pod \S+: .+ \((spec|metadata)\.\S+\)\. Fix: .+[^.]\.$/);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^test\/fixtures\/pod-security\/restricted\/v1\.28\/fail\/[a-z0-9_]+\.yaml$/);
      expect(r.locations[0].physicalLocation.region.startLine).toBe(1);
    }
    for (const rule of fixtures.runs[0].tool.driver.rules) expect(rule.helpUri).toBe('https://kubernetes.io/docs/concepts/security/pod-security-standards/');
  });
});

describe('JUnit', () => {
  test('well-formed XML: one suite per file, a failure per error finding with fix and help, warnings and suppressions skipped', async () => {
    const r = await check(['dist', FAIL_FIXTURES, '--pod-security-version', 'v1.28', '--hardened', '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.out)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: name => name === 'testsuite' || name === 'testcase' }).parse(r.out) as {
      testsuites: { tests: string; failures: string; skipped: string; testsuite: { name: string; tests: string; failures: string; testcase: { name: string; file: string; line: string; failure?: { type: string; '#text': string }; skipped?: { message: string } }[] }[] };
    };
    const json = JSON.parse((await check(['dist', FAIL_FIXTURES, '--pod-security-version', 'v1.28', '--hardened', '--format', 'json'])).out) as { file: string; findings: { severity: string }[]; suppressed: unknown[] }[];
    const errors = json.reduce((n, e) => n + e.findings.filter(f => f.severity === 'error').length, 0);
    const suppressed = json.reduce((n, e) => n + e.suppressed.length, 0);
    expect(Number(doc.testsuites.failures)).toBe(errors);
    expect(Number(doc.testsuites.skipped)).toBe(suppressed + json.reduce((n, e) => n + e.findings.filter(f => f.severity === 'warning').length, 0));
    expect(doc.testsuites.testsuite.map(s => s.name)).toEqual([...new Set(json.map(e => e.file))]);
    const cases = doc.testsuites.testsuite.flatMap(s => s.testcase);
    expect(cases).toHaveLength(Number(doc.testsuites.tests));
    const failures = cases.filter(c => c.failure !== undefined);
    expect(failures).toHaveLength(errors);
    for (const c of failures) {
      expect(c.name).toMatch(/^\[[\w-]+\] Pod \S+ (spec|metadata)\.\S+$/);
      expect(Number(c.line)).toBeGreaterThanOrEqual(1);
      expect(c.failure!['#text']).toMatch(/:\d+: .+\nfix: .+\nhelp: (https:\/\/kubernetes\.io\/|docs\/rules\.md#hardened-\d+-)/);
    }
    expect(cases.find(c => c.name.startsWith('[HARDENED-10] StatefulSet data/postgres'))?.skipped?.message).toMatch(/^suppressed: Single-primary PostgreSQL/);
  });

  test('names and messages with XML metacharacters stay well-formed', async () => {
    const file = path.join(tmp, 'odd <&> "name".yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: "a<b>&\'c", image: x}]\n');
    const r = await check([file, '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.out)).toBe(true);
    expect(r.out).toContain('odd &lt;&amp;&gt; &quot;name&quot;.yaml');
  });
});

test('--fail-on warning fails on a namespace\'s warn-level finding that passes by default', async () => {
  const file = path.join(tmp, 'warn.yaml');
  fs.writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: restricted}\n---\n'
    + 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  containers: [{name: a, image: x}]\n');
  expect((await check([file])).code).toBe(0);
  const strict = await check([file, '--fail-on', 'warning', '--format', 'sarif']);
  expect(strict.code).toBe(1);
  expect((JSON.parse(strict.out) as SarifLog).runs[0].results.every(x => x.level === 'error')).toBe(true);
});

test('SARIF locations: relative to the working directory inside it, a file:// URL outside it', async () => {
  const inside = JSON.parse((await check([path.join(REPO, FAIL_FIXTURES, 'privileged0.yaml'), '--format', 'sarif'])).out) as SarifLog;
  expect(inside.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(`${FAIL_FIXTURES}/privileged0.yaml`);
  const file = path.join(tmp, 'outside.yaml');
  fs.writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n');
  const outside = JSON.parse((await check([file, '--format', 'sarif'])).out) as SarifLog;
  expect(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(`file://${file}`);
});
