import type { KubeObject } from '../../kube-object';
import { cis } from '../_references';
import { podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule } from '../types';

/**
 * HARDENED-7: the pod runs as a ServiceAccount of its own, not the namespace's `default` one
 * (which is what an unset `serviceAccountName` means).
 *
 * Implements: CIS Kubernetes Benchmark 5.1.5 "Ensure that default service accounts are not
 * actively used".
 */
export const defaultServiceAccount: Rule = {
  id: 'HARDENED-7',
  severity: 'error',
  name: 'no-default-service-account',
  summary: 'Pods run as a dedicated ServiceAccount, not "default".',
  explanation: 'Every pod that names no ServiceAccount shares the namespace\'s "default" one: any right granted to it (by a chart, an operator, a hurried RoleBinding) is granted to all of them, and audit logs cannot tell the workloads apart.',
  fix: 'create a ServiceAccount for the workload (automountServiceAccountToken: false) and set spec.serviceAccountName to it',
  appliesTo: 'pod-bearing objects',
  references: [cis('5.1.5', 'Ensure that default service accounts are not actively used')],
  admission: {
    cel: "!((has(variables.podSpec.serviceAccountName) ? variables.podSpec.serviceAccountName : has(variables.podSpec.serviceAccount) ? variables.podSpec.serviceAccount : '') in ['', 'default'])",
  },
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    const path = `${pod.specPath}.serviceAccountName`;
    if (name === undefined || name === null || name === '') {
      return judge([{ message: 'the pod sets no serviceAccountName, so it runs as the namespace\'s "default" ServiceAccount', path }]);
    }
    if (name === 'default') return judge([{ message: 'the pod runs as the "default" ServiceAccount', path }]);
    return judge([]);
  },
};
