import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { apiGroup, asRecord } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule } from '../types';

type Direction = 'Ingress' | 'Egress';

function selectsAllPods(podSelector: unknown): boolean {
  const sel = asRecord(podSelector);
  if (!sel) return false;
  const labels = asRecord(sel.matchLabels);
  const expressions = sel.matchExpressions;
  return (labels === undefined || Object.keys(labels).length === 0)
    && (expressions === undefined || expressions === null || (Array.isArray(expressions) && expressions.length === 0));
}

/** Whether `policy` denies every connection of `direction` to/from every pod of its namespace. */
function deniesAll(policy: KubeObject, direction: Direction): boolean {
  const spec = asRecord(policy.spec);
  if (!spec || !selectsAllPods(spec.podSelector)) return false;
  const field = direction === 'Ingress' ? 'ingress' : 'egress';
  const types = spec.policyTypes;
  const applies = Array.isArray(types)
    ? types.includes(direction)
    // upstream defaulting: Ingress always, Egress only when egress rules are present
    : direction === 'Ingress' || spec.egress !== undefined;
  if (!applies) return false;
  const rules = spec[field];
  return rules === undefined || rules === null || (Array.isArray(rules) && rules.length === 0);
}

/**
 * HARDENED-9: every Namespace of the input has a default-deny NetworkPolicy for ingress and for
 * egress in the input: a policy with an empty `podSelector` (all pods), the direction in
 * `policyTypes`, and no rules for it (one policy for both directions, or one per direction).
 * Allowed flows are then added by narrower policies.
 *
 * Implements: CIS Kubernetes Benchmark 5.3.2 "Ensure that all Namespaces have NetworkPolicies
 * defined"; NSA/CISA "Network separation and hardening / Network policies" (a default policy that
 * denies all ingress and egress).
 */
export const namespaceDefaultDeny: Rule = {
  id: 'HARDENED-9',
  severity: 'error',
  name: 'namespace-default-deny',
  summary: 'Every Namespace has a default-deny NetworkPolicy for ingress and egress.',
  explanation: 'Without a NetworkPolicy selecting them, pods accept connections from anywhere in the cluster and can reach anything, including the cloud metadata endpoint and other tenants: one compromised pod can move laterally and exfiltrate freely. Default deny makes every allowed flow an explicit, reviewable decision.',
  fix: 'add a NetworkPolicy in the namespace with `podSelector: {}`, `policyTypes: [Ingress, Egress]` and no rules (HardenedNamespace does this), then allow the flows you need',
  appliesTo: 'Namespace objects',
  references: [
    cis('5.3.2', 'Ensure that all Namespaces have NetworkPolicies defined'),
    nsa('Network separation and hardening / Network policies'),
  ],
  evaluate(object: KubeObject, context) {
    if (object.kind !== 'Namespace' || apiGroup(object.apiVersion) !== '') return NOT_APPLICABLE;
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') return NOT_APPLICABLE;
    const policies = context.objectsOf('NetworkPolicy', name).filter(p => apiGroup(p.apiVersion) === 'networking.k8s.io');
    const missing = (['Ingress', 'Egress'] as const).filter(d => !policies.some(p => deniesAll(p, d)));
    if (missing.length === 0) return judge([]);
    return judge([{
      message: `has no default-deny NetworkPolicy for ${missing.map(d => d.toLowerCase()).join(' or ')} (podSelector {}, the direction in policyTypes, no rules)`,
      path: 'metadata.name',
    }]);
  },
};
