/**
 * dist/: when the committed blueprint carries the admission layer, its own policies (read from
 * the YAML, evaluated by the CEL engine) admit every pod-bearing object of dist/ and the objects
 * their controllers create, and every admission object is schema-valid. Runs once dist/ has
 * admission objects (src/main.ts with `admission: {}`), and is skipped before.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { podTemplateOf } from '../../policy';
import type { KubeObject } from '../../policy/kube-object';
import { validateAgainstKubernetesSchema } from '../support/schema';
import { validateGatekeeperObject } from './_gatekeeper-schema';
import { AdmissionSimulator, controllerCreated } from './_simulate';

const DIST = process.env.ADMISSION_DIST_DIR ?? path.resolve(__dirname, '..', '..', 'dist');
const objects: KubeObject[] = fs.readdirSync(DIST).filter(f => f.endsWith('.yaml')).sort()
  .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(DIST, f), 'utf8')).map(d => d.toJS() as KubeObject).filter(Boolean));
const admission = objects.filter(o => o.metadata?.labels?.['cdk8s-hardened.io/rule'] !== undefined);
const run = admission.length > 0 ? test : test.skip;

run('dist/: the blueprint\'s own workloads (and what their controllers create) are admitted by its own policies', () => {
  const sim = new AdmissionSimulator(admission);
  expect(sim.size.policies + sim.size.constraints).toBeGreaterThan(0);
  const denied = objects.filter(o => podTemplateOf(o) !== undefined).flatMap(w => [w, ...controllerCreated(w)])
    .flatMap(o => sim.review(o).filter(v => v.denials.length > 0).map(v => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}: ${v.engine} ${v.rule}: ${v.denials.join('; ')}`));
  expect(denied).toEqual([]);
});

run('dist/: every admission object is schema-valid', () => {
  for (const o of admission) {
    if (o.kind.startsWith('ValidatingAdmissionPolicy')) validateAgainstKubernetesSchema({ ...o, apiVersion: 'admissionregistration.k8s.io/v1' });
    else validateGatekeeperObject(o, admission);
  }
});
