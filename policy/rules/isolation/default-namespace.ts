import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule } from '../types';

/**
 * HARDENED-8: no workload runs in the `default` namespace, and none leaves its namespace unset
 * (an unset namespace lands in the current namespace of whoever applies the manifest, usually
 * `default`). Workloads are the pod-bearing kinds.
 *
 * Implements: CIS Kubernetes Benchmark 5.6.4 "The default namespace should not be used" and, in
 * part, 5.6.1 "Create administrative boundaries between resources using namespaces"; in part,
 * NSA/CISA "Network separation and hardening / Namespaces".
 */
export const defaultNamespace: Rule = {
  id: 'HARDENED-8',
  severity: 'error',
  name: 'no-default-namespace',
  summary: 'Workloads name their namespace, and it is not "default".',
  explanation: 'The default namespace is where everything without a home ends up: it usually has no Pod Security labels, no quota, no default-deny NetworkPolicy and broad RBAC, so a workload there gets none of the boundaries a namespace is for.',
  fix: 'set metadata.namespace to a namespace of the application (with Pod Security labels, a quota and a default-deny NetworkPolicy)',
  appliesTo: 'pod-bearing objects',
  references: [
    cis('5.6.4', 'The default namespace should not be used'),
    cis('5.6.1', 'Create administrative boundaries between resources using namespaces', true),
    nsa('Network separation and hardening / Namespaces', true),
  ],
  admission: {
    cel: "has(object.metadata.namespace) && !(object.metadata.namespace in ['', 'default'])",
  },
  evaluate(object: KubeObject) {
    if (!podOf(object)) return NOT_APPLICABLE;
    const ns = object.metadata?.namespace;
    if (ns === undefined || ns === null || ns === '') {
      return judge([{ message: 'sets no namespace, so it lands in the current namespace of whoever applies it (usually "default")', path: 'metadata.namespace' }]);
    }
    if (ns === 'default') return judge([{ message: 'runs in the "default" namespace', path: 'metadata.namespace' }]);
    return judge([]);
  },
};
