/**
 * The cdk8s validation plugin, against the real cdk8s-cli ValidationContext/ValidationReport
 * classes, and end to end through `cdk8s synth` (runs offline: the app is a tiny node script).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// Types from the file (tsc's classic node resolution ignores package "exports"); the value through
// the public "cdk8s-cli/plugins" export, as jest resolves exports.
import type * as CdkValidation from 'cdk8s-cli/lib/plugins/validation';
import { HARDENED_PACK } from '../../policy';
import { PodSecurityValidation } from '../../src/cli/validation-plugin';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as typeof CdkValidation;
type Validation = CdkValidation.Validation;

const REPO = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(REPO, 'src', 'cli', 'validation-plugin-entry.js');

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: nginx
          securityContext: {privileged: true}
        - name: sidecar
          image: busybox
          securityContext: {privileged: true}
`;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-plugin-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('implements the cdk8s Validation interface', () => {
  const plugin: Validation = new PodSecurityValidation();
  expect(typeof plugin.validate).toBe('function');
});

test('reports violations grouped by rule and submits failure', async () => {
  const manifest = path.join(tmp, 'app.k8s.yaml');
  fs.writeFileSync(manifest, MANIFEST);
  const context = new ValidationContext([manifest], 'cdk8s-hardened', '0.1.0', { web: { path: 'App/Chart/web' } });
  await new PodSecurityValidation().validate(context);
  expect(context.report.success).toBe(false);
  const json = context.report.toJson();
  expect(json.summary).toEqual(expect.objectContaining({ status: 'failure', metadata: expect.objectContaining({ objects: '2', findings: '3' }) }));
  expect(json.violations.map((v) => v.ruleName)).toEqual(['hostNamespaces', 'privileged']);
  const privileged = json.violations[1];
  expect(privileged.recommendation).toBe('Privileged containers are forbidden. (Pod Security Standards, baseline)');
  expect(privileged.fix).toBe('Remove securityContext.privileged from container "web" or set it to false. Remove securityContext.privileged from container "sidecar" or set it to false.');
  expect(privileged.violatingConstructs).toEqual([
    {
      resourceName: 'web',
      constructPath: 'App/Chart/web',
      manifestPath: manifest,
      locations: ['spec.template.spec.containers[0].securityContext.privileged', 'spec.template.spec.containers[1].securityContext.privileged'],
    },
  ]);
});

test('properties override the namespace labels; clean manifests succeed', async () => {
  const manifest = path.join(tmp, 'app.k8s.yaml');
  fs.writeFileSync(manifest, MANIFEST);
  const context = new ValidationContext([manifest], 'cdk8s-hardened', '0.1.0');
  await new PodSecurityValidation({ level: 'privileged' }).validate(context);
  expect(context.report.success).toBe(true);
  expect(context.report.toJson().violations).toEqual([]);
  expect(() => new PodSecurityValidation({ level: 'strict' })).toThrow(/invalid level "strict"/);
  expect(() => new PodSecurityValidation({ version: 'v2' })).toThrow(/invalid Pod Security version/);
});

test('warn/audit findings are logged, not violations; rule packs (the engine\'s) add violations', async () => {
  const manifest = path.join(tmp, 'warned.k8s.yaml');
  fs.writeFileSync(
    manifest,
    MANIFEST.replace('pod-security.kubernetes.io/enforce: baseline', 'pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted')
      .replace(/ {6}hostNetwork: true\n/, '')
      .replace(/securityContext: \{privileged: true\}/g, 'securityContext: {}'),
  );
  const context = new ValidationContext([manifest], 'cdk8s-hardened', '0.1.0');
  const logged: string[] = [];
  jest.spyOn(context.logger, 'log').mockImplementation((m: string) => void logged.push(m));
  await new PodSecurityValidation().validate(context);
  expect(context.report.success).toBe(true);
  expect(context.report.toJson().violations).toEqual([]);
  expect(logged).toContain(`cdk8s-hardened: warning: ${manifest}: Deployment web: [runAsNonRoot] runAsNonRoot != true (pod or containers "web", "sidecar" must set securityContext.runAsNonRoot=true) (spec.template.spec.securityContext.runAsNonRoot)`);

  const withRules = new ValidationContext([manifest], 'cdk8s-hardened', '0.1.0');
  jest.spyOn(withRules.logger, 'log').mockImplementation(() => undefined);
  await new PodSecurityValidation({ rulePacks: [HARDENED_PACK] }).validate(withRules);
  expect(withRules.report.success).toBe(false);
  const violations = withRules.report.toJson().violations;
  expect(violations.map((v) => v.ruleName)).toContain('HARDENED-10');
  expect(violations.every((v) => v.ruleName.startsWith('HARDENED-'))).toBe(true);
  expect(violations.find((v) => v.ruleName === 'HARDENED-10')?.recommendation).toBe(HARDENED_PACK.rules.find((r) => r.id === 'HARDENED-10')?.explanation);
});

test('unparsable manifests fail the report with the position', async () => {
  const manifest = path.join(tmp, 'broken.k8s.yaml');
  fs.writeFileSync(manifest, 'apiVersion: v1\nkind: [\n');
  const context = new ValidationContext([manifest], 'cdk8s-hardened', '0.1.0');
  const logged: string[] = [];
  jest.spyOn(context.logger, 'log').mockImplementation((m: string) => void logged.push(m));
  await new PodSecurityValidation().validate(context);
  expect(context.report.success).toBe(false);
  expect(logged[0]).toMatch(/broken\.k8s\.yaml:\d+:\d+: /);
});

test('end to end: cdk8s synth runs the plugin from cdk8s.yaml and fails on violations', () => {
  const dir = path.join(tmp, 'e2e');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'app.js'),
    `const fs = require('fs');\nfs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });\nfs.writeFileSync(require('path').join(process.env.CDK8S_OUTDIR, 'app.k8s.yaml'), ${JSON.stringify(MANIFEST)});\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'cdk8s.yaml'),
    `language: typescript\napp: node app.js\nvalidations:\n  - package: ${ENTRY}\n    version: 0.1.0\n    class: PodSecurityValidation\n`,
  );
  const cdk8s = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const r = spawnSync(process.execPath, [cdk8s, 'synth', '--no-check-upgrade', '--validation-reports-output-file', 'report.json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('Validation failed');
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { reports: { violations: { ruleName: string }[] }[] };
  expect(report.reports[0].violations.map((v) => v.ruleName)).toEqual(['hostNamespaces', 'privileged']);
}, 120_000);
