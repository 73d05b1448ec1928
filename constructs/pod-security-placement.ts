import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkPodSecurity } from '../policy/pss';
import { KubeObject } from '../policy/kube-object';
import { HardenedNamespace } from './hardened-namespace';
import { PodSecurityLevel, PodSecurityTarget } from './pod-security';

/**
 * The level and version assumed for a namespace this app does not define: what a cluster
 * with the restricted level as its admission default enforces.
 */
export const CLUSTER_DEFAULT_POD_SECURITY: PodSecurityTarget = { level: PodSecurityLevel.RESTRICTED, version: 'latest' };

/**
 * The placement proof: at synth, the workload's final object (after every patch and escape
 * hatch) is checked against the Pod Security Standards level its namespace enforces. A
 * violation fails synth naming the construct path, the check, the field and the fix.
 */
export function addPlacementProof(workload: IConstruct, apiObject: ApiObject, namespace: string): void {
  workload.node.addValidation({
    validate: () => {
      const ns = HardenedNamespace.find(workload, namespace);
      const target = ns?.enforced ?? CLUSTER_DEFAULT_POD_SECURITY;
      const where = ns ? `namespace "${namespace}" (${ns.node.path})` : `namespace "${namespace}" (not in this app; cluster default)`;
      const findings = checkPodSecurity(apiObject.toJson() as KubeObject, target.level, target.version);
      return findings.map(f =>
        `${f.path}: violates Pod Security Standards ${target.level} ${target.version} check "${f.check}" enforced by ${where}: ${f.message}. Fix: ${f.fix}`);
    },
  });
}
