import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { namespaceOf, podOf } from '../_pod';
import { COMPLIANT, NOT_APPLICABLE, judge, type Rule } from '../types';

/**
 * HARDENED-6: the pod does not mount a ServiceAccount token: `automountServiceAccountToken:
 * false` on the pod spec, or, when the pod does not set it, on its ServiceAccount (the pod's
 * value wins when both are set). A ServiceAccount that is not in the input cannot vouch for the
 * pod, so the pod must then say `false` itself.
 *
 * Implements: CIS Kubernetes Benchmark 5.1.6 "Ensure that Service Account Tokens are only mounted
 * where necessary"; NSA/CISA "Kubernetes Pod security / Protecting Pod service account tokens".
 */
export const serviceAccountToken: Rule = {
  id: 'HARDENED-6',
  severity: 'error',
  name: 'no-service-account-token',
  summary: 'Pods do not mount a ServiceAccount token (automountServiceAccountToken: false on the pod or its ServiceAccount).',
  explanation: 'A mounted token is a credential for the Kubernetes API in every process of the pod: code execution in the container becomes API access with all the rights bound to the ServiceAccount, the first step of most cluster takeovers. Most applications never call the API.',
  fix: 'set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount); a pod that needs the API should mount a projected token with a short expiry and an audience',
  appliesTo: 'pod-bearing objects',
  references: [
    cis('5.1.6', 'Ensure that Service Account Tokens are only mounted where necessary'),
    nsa('Kubernetes Pod security / Protecting Pod service account tokens'),
  ],
  evaluate(object: KubeObject, context) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const path = `${pod.specPath}.automountServiceAccountToken`;
    const own = pod.spec.automountServiceAccountToken;
    if (own === false) return COMPLIANT;
    if (own === true) return judge([{ message: 'the pod sets automountServiceAccountToken: true', path }]);
    const saName = typeof pod.spec.serviceAccountName === 'string' && pod.spec.serviceAccountName !== '' ? pod.spec.serviceAccountName
      : typeof pod.spec.serviceAccount === 'string' && pod.spec.serviceAccount !== '' ? pod.spec.serviceAccount : 'default';
    const sa = context.find('ServiceAccount', namespaceOf(object), saName);
    if (sa?.automountServiceAccountToken === false) return COMPLIANT;
    return judge([{
      message: sa
        ? `the pod does not set automountServiceAccountToken and its ServiceAccount ${JSON.stringify(saName)} does not set it to false, so a token is mounted`
        : `the pod does not set automountServiceAccountToken and its ServiceAccount ${JSON.stringify(saName)} is not in the input, so a token is mounted unless that account says otherwise`,
      path,
    }]);
  },
};
