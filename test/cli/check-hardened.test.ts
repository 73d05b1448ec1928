/** `check --hardened` and the exceptions annotation: one policy pass over all input objects (policy/evaluate-policy). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HardenedApp } from '../../constructs';
import { buildDefaultBlueprint } from '../../src/blueprint';
import { parseCheckArgs, runCheck } from '../../src/cli/check';
import type { CheckRun } from '../../src/cli/check-result';
import { main, type CliIo } from '../../src/cli/main';
import { EXCEPTIONS_ANNOTATION } from '../../policy/rules';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-check-rules-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return rel;
}

function hardenedFindings(run: CheckRun): string[] {
  return run.results.flatMap(r => r.findings.filter(f => f.level === 'hardened').map(f => `${r.kind}/${r.name} ${f.rule} ${f.path}`));
}

const DEPLOYMENT = (annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop${annotations}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: nginx:1.27
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

describe('check --hardened', () => {
  test('the flag parses (and is absent otherwise, so existing callers see the same shape)', () => {
    expect(parseCheckArgs(['a', '--hardened']).hardened).toBe(true);
    expect('hardened' in parseCheckArgs(['a'])).toBe(false);
  });

  test('without the flag, only Pod Security findings; with it, the HARDENED-n findings after them', () => {
    const file = write('plain/web.yaml', DEPLOYMENT());
    expect(runCheck({ paths: [file], cwd: tmp }).exitCode).toBe(0);
    const run = runCheck({ paths: [file], cwd: tmp, hardened: true });
    expect(run.exitCode).toBe(1);
    expect(hardenedFindings(run)).toEqual([
      'Deployment/web HARDENED-1 spec.template.spec.containers[0].image',
      'Deployment/web HARDENED-3 spec.template.spec.containers[0].resources',
      'Deployment/web HARDENED-4 spec.template.spec.containers[0].readinessProbe',
      'Deployment/web HARDENED-5 spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
      'Deployment/web HARDENED-6 spec.template.spec.automountServiceAccountToken',
      'Deployment/web HARDENED-7 spec.template.spec.serviceAccountName',
      'Deployment/web HARDENED-10 spec.replicas',
    ]);
  });

  test('exceptions in the annotation apply to HARDENED-n findings; bad and stale entries warn; Pod Security ids are left to synth', () => {
    const entries = JSON.stringify([
      { id: 'HARDENED-10', reason: 'Stateful singleton; the operator handles failover.' },
      { id: 'HARDENED-2', reason: 'Nothing to except here, this one is stale.' },
      { id: 'HARDENED-3', reason: 'n/a' },
      { id: 'runAsNonRoot', reason: 'Only relevant for the warn level at synth time.' },
    ]);
    const file = write('excepted/web.yaml', DEPLOYMENT(`, annotations: {${EXCEPTIONS_ANNOTATION}: '${entries}'}`));
    const run = runCheck({ paths: [file], cwd: tmp, hardened: true });
    expect(hardenedFindings(run).map(f => f.split(' ')[1])).toEqual(['HARDENED-1', 'HARDENED-3', 'HARDENED-4', 'HARDENED-5', 'HARDENED-6', 'HARDENED-7']);
    expect(run.warnings).toEqual([
      `excepted/web.yaml:1: Deployment shop/web: annotation ${EXCEPTIONS_ANNOTATION}[2]: reason "n/a" is shorter than 10 characters; entry ignored`,
      `excepted/web.yaml:1: Deployment shop/web: exception HARDENED-2 in ${EXCEPTIONS_ANNOTATION} covers no finding; remove it`,
    ]);
  });

  test('a Pod Security id in the annotation excepts the warn/audit finding, never the enforced one', () => {
    const ns = (enforce: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: ${enforce}\n    pod-security.kubernetes.io/warn: restricted\n---\n`;
    const entries = JSON.stringify([{ id: 'runAsNonRoot', reason: 'The image runs as root until the vendor ships a fix.' }]);
    const rootDeployment = DEPLOYMENT(`, annotations: {${EXCEPTIONS_ANNOTATION}: '${entries}'}`).replace('runAsNonRoot: true, ', '');
    // baseline enforced, restricted warned: the runAsNonRoot warning is excepted, nothing is left
    const warned = runCheck({ paths: [write('pss-exception/baseline.yaml', ns('baseline') + rootDeployment)], cwd: tmp });
    expect({ exitCode: warned.exitCode, warnings: warned.warnings, findings: warned.results.flatMap(r => r.findings) }).toEqual({ exitCode: 0, warnings: [], findings: [] });
    const finding = warned.policy?.findings.find(f => f.rule === 'runAsNonRoot');
    expect(finding).toMatchObject({ source: 'pod-security-warn', severity: 'warning', exceptedBy: [{ id: 'runAsNonRoot' }] });
    // restricted enforced: the same entry cannot except it; the finding fails the check
    const enforced = runCheck({ paths: [write('pss-exception/restricted.yaml', ns('restricted') + rootDeployment)], cwd: tmp });
    expect(enforced.exitCode).toBe(1);
    expect(enforced.results[1].findings.map(f => [f.rule, f.severity])).toEqual([['runAsNonRoot', 'error']]);
    expect(enforced.warnings).toEqual([]);
  });

  test('the synthesized default blueprint passes: the same verdict as synth', () => {
    const app = new HardenedApp({ outdir: path.join(tmp, 'never-written') });
    buildDefaultBlueprint(app);
    const files = app.synthFiles();
    for (const [name, text] of Object.entries(files)) write(path.join('dist', name), text);
    const run = runCheck({ paths: ['dist'], cwd: tmp, hardened: true });
    expect({ exitCode: run.exitCode, warnings: run.warnings, findings: run.results.flatMap(r => r.findings) }).toEqual({ exitCode: 0, warnings: [], findings: [] });
  });

  test('the command line', async () => {
    const file = write('cli/web.yaml', DEPLOYMENT());
    const io = { out: '', err: '', cwd: tmp, stdout: (t: string) => { io.out += t; }, stderr: (t: string) => { io.err += t; }, readStdin: () => '' };
    expect(await main(['check', '--hardened', file], io as CliIo)).toBe(1);
    expect(io.out).toContain('cli/web.yaml:1: Deployment shop/web: [HARDENED-10] runs 1 replica (spec.replicas)\n  fix: ');
    expect(io.out).toContain('  help: docs/rules.md#hardened-10-replicas-and-disruption-budget\n');
  });
});
