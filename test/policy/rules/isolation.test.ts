import type { KubeObject } from '../../../policy/kube-object';
import { defaultNamespace } from '../../../policy/rules/isolation/default-namespace';
import { namespaceDefaultDeny } from '../../../policy/rules/isolation/namespace-default-deny';
import { evaluate, goodDeployment, variant, violations } from './_fixtures';

describe('HARDENED-8 no-default-namespace', () => {
  test('compliant: a named namespace other than default', () => {
    expect(evaluate(defaultNamespace, goodDeployment())).toEqual({ status: 'compliant' });
  });

  test('non-compliant: default, or unset', () => {
    expect(violations(evaluate(defaultNamespace, variant(goodDeployment(), d => { d.metadata.namespace = 'default'; })))).toEqual([
      { message: 'runs in the "default" namespace', path: 'metadata.namespace' },
    ]);
    expect(violations(evaluate(defaultNamespace, variant(goodDeployment(), d => { delete d.metadata.namespace; }))).map(v => v.path)).toEqual(['metadata.namespace']);
  });

  test('not applicable to objects that run no pods', () => {
    expect(evaluate(defaultNamespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } })).toEqual({ status: 'not-applicable' });
  });
});

describe('HARDENED-9 namespace-default-deny', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
  const policy = (name: string, spec: Record<string, unknown>, namespace = 'shop'): KubeObject =>
    ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

  test('compliant: one policy for both directions, or one per direction (policyTypes defaulted upstream-style)', () => {
    expect(evaluate(namespaceDefaultDeny, ns, [policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })])).toEqual({ status: 'compliant' });
    expect(evaluate(namespaceDefaultDeny, ns, [
      policy('deny-in', { podSelector: {} }), // no policyTypes: Ingress only
      policy('deny-out', { podSelector: { matchLabels: {} }, policyTypes: ['Egress'], egress: [] }),
    ])).toEqual({ status: 'compliant' });
  });

  test('non-compliant: no policy, a policy that selects some pods, allows traffic, or sits in another namespace', () => {
    const expectMissing = (others: KubeObject[], missing: string) => expect(violations(evaluate(namespaceDefaultDeny, ns, others))).toEqual([
      { message: `has no default-deny NetworkPolicy for ${missing} (podSelector {}, the direction in policyTypes, no rules)`, path: 'metadata.name' },
    ]);
    expectMissing([], 'ingress or egress');
    expectMissing([policy('deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] })], 'ingress or egress');
    expectMissing([policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] })], 'egress');
    expectMissing([policy('deny', { podSelector: {} })], 'egress');
    expectMissing([policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'other')], 'ingress or egress');
  });

  test('not applicable to other kinds', () => {
    expect(evaluate(namespaceDefaultDeny, goodDeployment())).toEqual({ status: 'not-applicable' });
  });
});
