/**
 * Property (issue "Admission that never wedges"): for random valid apps with random admission
 * parameters, synth succeeds, and the app's own pod-bearing objects and what their controllers
 * create are admitted by its own policies, in both engines (the policies' CEL evaluated by a real
 * CEL engine). The real API server runs the default blueprint, storefront and 50 random apps per
 * minor under the same policies (test/cluster).
 */
import * as fc from 'fast-check';
import { AdmissionAction, PodSecurityLevel, type AdmissionProps } from '../../constructs';
import { podTemplateOf } from '../../policy';
import type { KubeObject } from '../../policy/kube-object';
import { withoutWarnings } from '../support/manifests';
import { build, plans } from '../support/random-apps';
import { AdmissionSimulator, controllerCreated } from './_simulate';

const admissionProps: fc.Arbitrary<AdmissionProps> = fc.record({
  action: fc.constantFrom(AdmissionAction.DENY, AdmissionAction.WARN, AdmissionAction.AUDIT),
  podSecurityLevel: fc.constantFrom(PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE),
  allowedRegistries: fc.constantFrom(undefined, ['registry.example.com'], ['registry.example.com/team', 'ghcr.io/acme'], ['registry.example.com:443', 'registry.example.com']),
  allowedCapabilities: fc.constantFrom(undefined, ['NET_BIND_SERVICE'], ['NET_BIND_SERVICE', 'CHOWN', 'SETUID']),
  allowedHostPaths: fc.constantFrom(undefined, [], [{ pathPrefix: '/var/log', readOnly: true }]),
  excludedNamespaces: fc.constantFrom(undefined, ['kube-system'], ['kube-system', 'istio-system', 'monitoring']),
}, { requiredKeys: ['action'] });

test('random apps with random admission parameters: synth succeeds and the app\'s own objects, and what their controllers create, are admitted by its own policies', () => {
  let judged = 0;
  fc.assert(fc.property(plans, admissionProps, (plan, admission) => {
    const { app } = build(plan, plan.kubernetesVersion, '', undefined, admission);
    const objects: KubeObject[] = withoutWarnings(() => app.synthObjects().objects.map(o => o.object));
    const policies = objects.filter(o => o.kind.startsWith('ValidatingAdmissionPolicy') || o.kind === 'ConstraintTemplate' || o.apiVersion === 'constraints.gatekeeper.sh/v1beta1');
    const sim = new AdmissionSimulator(policies);
    for (const o of objects.filter(x => podTemplateOf(x) !== undefined)) {
      const labels = { 'kubernetes.io/metadata.name': String(o.metadata?.namespace) };
      for (const candidate of [o, ...controllerCreated(o)]) {
        judged++;
        const denied = sim.review(candidate, labels).filter(v => v.denials.length > 0).map(v => `${v.engine} ${v.rule}: ${v.denials.join('; ')}`);
        expect({ object: `${candidate.kind} ${candidate.metadata?.namespace}/${candidate.metadata?.name}`, denied }).toEqual({ object: `${candidate.kind} ${candidate.metadata?.namespace}/${candidate.metadata?.name}`, denied: [] });
      }
    }
  }), { numRuns: Number(process.env.RANDOM_ADMISSION_RUNS ?? 30) });
  expect(judged).toBeGreaterThan(50);
}, 180_000);
