import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { apiGroup, asRecord } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule } from '../types';

/**
 * HARDENED-12: the manifests hold no `Secret` objects. Secret values in YAML end up in git, in
 * CI logs and artifacts, and in every copy of the output; they are base64, not encrypted.
 *
 * Implements: CIS Kubernetes Benchmark 5.4.2 "Consider external secret storage"; NSA/CISA
 * "Network separation and hardening / Secrets", in part (that section also asks for encryption
 * at rest, which is cluster configuration).
 */
export const noPlainSecrets: Rule = {
  id: 'HARDENED-12',
  severity: 'error',
  name: 'no-plain-secrets',
  summary: 'No Secret objects in the manifests.',
  explanation: 'A Secret in plain YAML is only base64-encoded: whoever can read the repository, a CI log or a copy of the output has the credential, forever (git history keeps it after deletion), and it cannot be rotated without a commit.',
  fix: 'keep the value in an external secret store and let the cluster fetch it (External Secrets Operator, Secrets Store CSI driver), or commit only an encrypted form (Sealed Secrets, SOPS)',
  appliesTo: 'Secret objects (v1)',
  references: [
    cis('5.4.2', 'Consider external secret storage'),
    nsa('Network separation and hardening / Secrets', true),
  ],
  evaluate(object: KubeObject) {
    if (object.kind !== 'Secret' || apiGroup(object.apiVersion) !== '') return NOT_APPLICABLE;
    const keys = [...Object.keys(asRecord(object.data) ?? {}), ...Object.keys(asRecord(object.stringData) ?? {})].sort();
    const path = asRecord(object.stringData) && !asRecord(object.data) ? 'stringData' : 'data';
    return judge([{
      message: `is a Secret in the manifests${keys.length > 0 ? `, with the values of ${keys.map(k => JSON.stringify(k)).join(', ')}` : ''}`,
      path,
    }]);
  },
};
