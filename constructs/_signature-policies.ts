import { Construct } from 'constructs';
import { ImageValidatingPolicy, ImageValidatingPolicySpecFailurePolicy, ImageValidatingPolicySpecValidationActions } from './imports/kyverno/policies.kyverno.io';
import { ClusterImagePolicy } from './imports/sigstore/policy.sigstore.dev';
import { MANAGED_BY, MANAGED_BY_LABEL } from './restricted-defaults';

// Private module: one authority of ImageSignatures as the engine's policy object.

/** A keyless identity after validation: exactly one issuer form and one subject form. */
export interface ResolvedIdentity {
  readonly issuer?: string;
  readonly issuerRegExp?: string;
  readonly subject?: string;
  readonly subjectRegExp?: string;
}

/** An authority after validation. */
export interface ResolvedAuthority {
  readonly name: string;
  readonly images: readonly string[];
  readonly identities?: readonly ResolvedIdentity[];
  readonly publicKeyPem?: string;
}

/** The public-good Sigstore certificate authority that issues keyless signing certificates. */
export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';

/** The name of the one authority (policy-controller) or attestor (Kyverno) in each policy. */
const SIGNER = 'signer';

function policyName(authority: ResolvedAuthority): string {
  return `cdk8s-hardened-${authority.name}`;
}

function labels(authority: ResolvedAuthority): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, 'cdk8s-hardened.io/image-authority': authority.name };
}

/**
 * A policy-controller `ClusterImagePolicy` (v1alpha1, the CRD's storage version: v1beta1 is served
 * through the controller's conversion webhook, so an API server without the controller accepts
 * v1alpha1 only). Glob `<prefix>/**`: `**` matches across `/`, so the repository and its digest.
 */
export function writeSigstorePolicy(scope: Construct, authority: ResolvedAuthority, action: 'enforce' | 'warn'): ClusterImagePolicy {
  return new ClusterImagePolicy(scope, authority.name, {
    metadata: { name: policyName(authority), labels: labels(authority) },
    spec: {
      images: authority.images.map(p => ({ glob: `${p}/**` })),
      authorities: [authority.publicKeyPem !== undefined
        ? { name: SIGNER, key: { data: authority.publicKeyPem, hashAlgorithm: 'sha256' } }
        : { name: SIGNER, keyless: { url: PUBLIC_FULCIO_URL, identities: (authority.identities ?? []).map(i => ({ ...i })) } }],
      mode: action,
    },
  });
}

/**
 * The images of a Pod that Kyverno extracts by default (`images.containers`, and the init and
 * ephemeral containers when the Pod has them), each verified against the policy's one attestor.
 */
const VERIFY_ALL = `[images.containers, has(images.initContainers) ? images.initContainers : [], has(images.ephemeralContainers) ? images.ephemeralContainers : []]`
  + `.all(list, list.all(image, verifyImageSignatures(image, [attestors.${SIGNER}]) > 0))`;

/**
 * A Kyverno `ImageValidatingPolicy` (policies.kyverno.io/v1) on Pods of the app's namespaces (by
 * their managed-by label). Glob `<prefix>/*`: Kyverno compiles globs without separators, so `*`
 * matches across `/`.
 */
export function writeKyvernoPolicy(scope: Construct, authority: ResolvedAuthority, action: 'enforce' | 'warn'): ImageValidatingPolicy {
  const actions = action === 'enforce'
    ? [ImageValidatingPolicySpecValidationActions.DENY]
    : [ImageValidatingPolicySpecValidationActions.WARN, ImageValidatingPolicySpecValidationActions.AUDIT];
  return new ImageValidatingPolicy(scope, authority.name, {
    metadata: { name: policyName(authority), labels: labels(authority) },
    spec: {
      validationActions: actions,
      failurePolicy: ImageValidatingPolicySpecFailurePolicy.FAIL,
      matchConstraints: {
        namespaceSelector: { matchLabels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
      },
      matchImageReferences: authority.images.map(p => ({ glob: `${p}/*` })),
      attestors: [authority.publicKeyPem !== undefined
        ? { name: SIGNER, cosign: { key: { data: authority.publicKeyPem, hashAlgorithm: 'sha256' } } }
        : { name: SIGNER, cosign: { keyless: { identities: (authority.identities ?? []).map(i => ({ ...i })) } } }],
      validations: [{
        expression: VERIFY_ALL,
        message: `an image under ${authority.images.join(', ')} has no valid signature of authority ${authority.name}`,
      }],
    },
  });
}
