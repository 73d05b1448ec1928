/**
 * The `hardened` rule pack: best practices beyond the Pod Security Standards, each mapped to the
 * CIS Kubernetes Benchmark or the NSA/CISA Kubernetes Hardening Guidance (see docs/rules.md).
 * Ids are stable: a rule that is retired keeps its id unused.
 */
import { imageDigest } from './images/image-digest';
import { imageTag } from './images/image-tag';
import { requestsAndLimits } from './resources/requests-and-limits';
import { probes } from './availability/probes';
import { readOnlyRootFilesystem } from './containers/read-only-root-filesystem';
import { serviceAccountToken } from './identity/service-account-token';
import { defaultServiceAccount } from './identity/default-service-account';
import { defaultNamespace } from './isolation/default-namespace';
import { namespaceDefaultDeny } from './isolation/namespace-default-deny';
import { replicasAndDisruptionBudget } from './availability/replicas-and-disruption-budget';
import { singleMainContainer } from './containers/single-main-container';
import { noPlainSecrets } from './secrets/no-plain-secrets';
import { meshProxyCompatible } from './mesh/mesh-proxy-compatible';
import { meshMembership } from './mesh/mesh-membership';
import { ambientL4Authorization } from './mesh/ambient-l4-authorization';
import { noCredentialEnv } from './secrets/no-credential-env';
import { rbacLeastPrivilege } from './identity/rbac-least-privilege';
import type { RulePack } from './types';

/** The `hardened` pack, in id order. */
export const HARDENED_PACK: RulePack = {
  name: 'hardened',
  rules: [
    imageDigest, // HARDENED-1
    imageTag, // HARDENED-2
    requestsAndLimits, // HARDENED-3
    probes, // HARDENED-4
    readOnlyRootFilesystem, // HARDENED-5
    serviceAccountToken, // HARDENED-6
    defaultServiceAccount, // HARDENED-7
    defaultNamespace, // HARDENED-8
    namespaceDefaultDeny, // HARDENED-9
    replicasAndDisruptionBudget, // HARDENED-10
    singleMainContainer, // HARDENED-11
    noPlainSecrets, // HARDENED-12
    meshProxyCompatible, // HARDENED-13
    meshMembership, // HARDENED-14
    ambientL4Authorization, // HARDENED-15
    noCredentialEnv, // HARDENED-16 (13-15: the mesh rules)
    rbacLeastPrivilege, // HARDENED-17
  ],
};
