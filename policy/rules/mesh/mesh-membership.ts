import type { KubeObject } from '../../kube-object';
import { nsa } from '../_references';
import { asRecord, labelsOf, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';
import { meshModeOfObject } from './_mesh';

/**
 * HARDENED-14: a pod in a meshed namespace does not opt out of the mesh: no
 * `sidecar.istio.io/inject: "false"` (label or annotation) in sidecar mode, no
 * `istio.io/dataplane-mode: none` label in ambient mode. An intended opt-out is a
 * PolicyException with its reason.
 *
 * Implements: NSA/CISA "Network separation and hardening / Network policies" (in part: the mesh's
 * identity-based authorization is the layer the opt-out removes).
 */
export const meshMembership: Rule = {
  id: 'HARDENED-14',
  severity: 'error',
  name: 'mesh-membership',
  summary: 'Pods in a meshed namespace stay in the mesh (no sidecar.istio.io/inject "false", no istio.io/dataplane-mode "none") unless excepted.',
  explanation: 'A pod that opts out of the mesh sends and receives plaintext and is not covered by the namespace\'s STRICT mTLS and identity-based AuthorizationPolicies: it cannot reach meshed peers, and whatever can reach it at L4 is no longer checked for identity. One annotation silently removes a security layer, so it must be a reviewed, justified decision.',
  fix: 'remove the opt-out, or, if the pod must run outside the mesh, add PolicyException.add(<workload>, { id: \'HARDENED-14\', reason: \'<why>\' })',
  appliesTo: 'pod templates in namespaces labelled for the Istio mesh',
  references: [nsa('Network separation and hardening / Network policies', true)],
  evaluate(object: KubeObject, context) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const mode = meshModeOfObject(context, object);
    if (!mode) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    const labels = labelsOf(asRecord(pod.metadata));
    const annotations = asRecord(pod.metadata?.annotations) ?? {};
    const key = 'sidecar.istio.io/inject';
    if (mode === 'sidecar') {
      if (labels[key] === 'false') violations.push({ message: `opts out of sidecar injection in the meshed namespace (label ${key}: "false")`, path: `${pod.metadataPath}.labels[${JSON.stringify(key)}]` });
      if (annotations[key] === 'false') violations.push({ message: `opts out of sidecar injection in the meshed namespace (annotation ${key}: "false")`, path: `${pod.metadataPath}.annotations[${JSON.stringify(key)}]` });
    } else if (labels['istio.io/dataplane-mode'] === 'none') {
      violations.push({ message: 'opts out of the ambient mesh (label istio.io/dataplane-mode: "none")', path: `${pod.metadataPath}.labels["istio.io/dataplane-mode"]` });
    }
    return judge(violations);
  },
};
