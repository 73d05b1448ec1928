import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { coveringPrefixes, registryDisagreement, type KubeObject } from '../policy';
import { AdmissionLayer } from './admission/admission-layer';
import { imagesOf } from './admission/scan-gate';
import { AppModel, type IModelLayer } from './app-model';
import { MeshLayer } from './mesh/mesh-layer';
import { DataPlaneMode } from './mesh/namespace-mesh';
import { HardenedInputError } from './errors';
import { writeKyvernoPolicy, writeSigstorePolicy, type ResolvedAuthority, type ResolvedIdentity } from './_signature-policies';
import * as v from './_validate';

/** The admission controller that verifies the signatures. */
export enum SignatureEngine {
  /** Sigstore policy-controller v0.15: `ClusterImagePolicy` (policy.sigstore.dev), enforced in namespaces labelled `policy.sigstore.dev/include: "true"`. */
  SIGSTORE_POLICY_CONTROLLER = 'sigstore-policy-controller',
  /** Kyverno 1.19: `ImageValidatingPolicy` (policies.kyverno.io/v1), matched to the app's namespaces by their managed-by label. */
  KYVERNO = 'kyverno',
}

/** What the engine does with an image whose signature does not verify. */
export enum SignatureAction {
  /** Deny the pod (policy-controller `mode: enforce`, Kyverno `Deny`). */
  ENFORCE = 'enforce',
  /** Admit it with a warning (policy-controller `mode: warn`, Kyverno `Warn` + `Audit`). The first step of a rollout. */
  WARN = 'warn',
}

/**
 * A keyless signer: the OIDC identity in the Fulcio certificate of the signature. The issuer and the
 * subject are each given exactly (`issuer`, `subject`) or as an anchored RE2 expression
 * (`issuerRegExp`, `subjectRegExp`); both are required, so no identity trusts every issuer or
 * every subject of one.
 */
export interface KeylessIdentity {
  /**
   * The OIDC issuer, exactly: an https URL.
   * @default - issuerRegExp must be given
   */
  readonly issuer?: string;
  /**
   * The OIDC issuer as an RE2 expression anchored with ^ and $.
   * @default - issuer must be given
   */
  readonly issuerRegExp?: string;
  /**
   * The certificate subject (a workflow URL, an e-mail address), exactly.
   * @default - subjectRegExp must be given
   */
  readonly subject?: string;
  /**
   * The certificate subject as an RE2 expression anchored with ^ and $.
   * @default - subject must be given
   */
  readonly subjectRegExp?: string;
}

/** Who must have signed an image: keyless identities (Sigstore's public Fulcio and Rekor) or a public key. */
export class SignatureTrust {
  /** Keyless signatures from one of `identities` (certificates from the public Fulcio, https://fulcio.sigstore.dev). */
  public static keyless(...identities: KeylessIdentity[]): SignatureTrust {
    return new SignatureTrust(identities, undefined);
  }

  /** Signatures made with the private half of `pem` (a PEM `PUBLIC KEY`, e.g. cosign.pub). */
  public static publicKey(pem: string): SignatureTrust {
    return new SignatureTrust(undefined, pem);
  }

  private constructor(
    /** The keyless identities, for keyless trust. */
    public readonly identities: readonly KeylessIdentity[] | undefined,
    /** The public key, for key trust. */
    public readonly publicKeyPem: string | undefined,
  ) {}
}

/** One authority: the images it covers and who must have signed them. */
export interface ImageAuthority {
  /** A DNS label naming the authority; the policy is `cdk8s-hardened-<name>`. */
  readonly name: string;
  /** Registry or repository prefixes of the images it covers (`registry.example.com`, `ghcr.io/acme/app`), no wildcards. */
  readonly images: readonly string[];
  /** Who must have signed them. */
  readonly trust: SignatureTrust;
}

/** What synth does with a workload image that no authority covers. */
export class UncoveredImages {
  /** Fail synth (the default). */
  public static readonly FAIL = new UncoveredImages(undefined);

  /** Warn at synth, with the reason; the engine then decides (policy-controller's `no-match-policy` denies by default, Kyverno admits). */
  public static warn(reason: string): UncoveredImages {
    return new UncoveredImages(reason);
  }

  private constructor(
    /** Why an uncovered image is acceptable, when synth only warns. */
    public readonly warnReason: string | undefined,
  ) {}
}

/** Props of {@link ImageSignatures}. */
export interface ImageSignaturesProps {
  /**
   * The authorities; an image covered by two of them must carry both signatures.
   */
  readonly authorities: readonly ImageAuthority[];
  /**
   * The admission controller that verifies the signatures.
   * @default SignatureEngine.SIGSTORE_POLICY_CONTROLLER
   */
  readonly engine?: SignatureEngine;
  /**
   * What the engine does with an image whose signature does not verify.
   * @default SignatureAction.ENFORCE
   */
  readonly action?: SignatureAction;
  /**
   * What synth does with a workload image that no authority covers.
   * @default UncoveredImages.FAIL
   */
  readonly uncoveredImages?: UncoveredImages;
}

/** The name of the layer {@link ImageSignatures} registers; one per app. */
export const IMAGE_SIGNATURES_LAYER = 'image-signatures';

/** The namespace label policy-controller enforces its policies in. */
export const SIGSTORE_INCLUDE_LABEL = 'policy.sigstore.dev/include';

/**
 * Signed images only: from declared trust per image prefix, one `ClusterImagePolicy` (Sigstore
 * policy-controller) or `ImageValidatingPolicy` (Kyverno) per authority, cluster-scoped. At synth,
 * every image of every pod-bearing object of the app must be under an authority's prefix, and
 * the admission layer's `allowedRegistries`, when set, must name the same registries. With the
 * Sigstore engine every namespace of the app gets `policy.sigstore.dev/include: "true"`. Signatures
 * themselves are verified by the engine at admission, not at synth. See docs/admission.md.
 */
export class ImageSignatures extends Construct implements IModelLayer {
  public readonly name = IMAGE_SIGNATURES_LAYER;
  /** The engine the policies are written for. */
  public readonly engine: SignatureEngine;
  /** Every declared image prefix, in declaration order. */
  public readonly prefixes: readonly string[];
  private readonly uncovered: UncoveredImages;

  constructor(scope: Construct, id: string, props: ImageSignaturesProps) {
    super(scope, id);
    const model = AppModel.of(this);
    if (model.layerNamed(IMAGE_SIGNATURES_LAYER) !== undefined) {
      throw new HardenedInputError(this, 'ImageSignatures', id, 'is a second ImageSignatures in this app', 'declare every authority in one ImageSignatures');
    }
    const namespace = Chart.of(this).namespace;
    if (namespace !== undefined) {
      throw new HardenedInputError(this, 'scope', namespace, 'is a chart with a namespace; the signature policies are cluster-scoped', 'create ImageSignatures in a chart without a namespace (the cluster chart)');
    }
    this.engine = props.engine ?? SignatureEngine.SIGSTORE_POLICY_CONTROLLER;
    if (!Object.values(SignatureEngine).includes(this.engine)) {
      throw new HardenedInputError(this, 'engine', this.engine, 'is not a SignatureEngine', `use one of ${Object.values(SignatureEngine).join(', ')}`);
    }
    const action = props.action ?? SignatureAction.ENFORCE;
    if (!Object.values(SignatureAction).includes(action)) {
      throw new HardenedInputError(this, 'action', action, 'is not a SignatureAction', `use one of ${Object.values(SignatureAction).join(', ')}`);
    }
    this.uncovered = props.uncoveredImages ?? UncoveredImages.FAIL;
    if (this.uncovered.warnReason !== undefined) v.reason(this, 'uncoveredImages.reason', this.uncovered.warnReason);
    const authorities = this.resolve(props.authorities);
    this.prefixes = authorities.flatMap(a => a.images);
    for (const authority of authorities) {
      if (this.engine === SignatureEngine.SIGSTORE_POLICY_CONTROLLER) writeSigstorePolicy(this, authority, action);
      else writeKyvernoPolicy(this, authority, action);
    }
    model.addLayer(this);
  }

  /** Labels the app's namespaces for policy-controller; checks that the registry allow-list agrees. */
  public prepare(model: AppModel): void {
    const admission = model.layerNamed('admission');
    const allowed = admission instanceof AdmissionLayer ? admission.allowedRegistries : undefined;
    if (allowed !== undefined) {
      const { unsignedRegistries, unlistedPrefixes } = registryDisagreement(allowed, this.prefixes);
      if (unsignedRegistries.length > 0) {
        throw new HardenedInputError('HardenedApp', 'admission.allowedRegistries', unsignedRegistries,
          `admits images that no authority of ${this.node.path} covers (its prefixes: ${this.prefixes.join(', ')})`,
          'narrow allowedRegistries to the signed prefixes, or declare an authority for these registries');
      }
      if (unlistedPrefixes.length > 0) {
        throw new HardenedInputError(this, 'authorities[].images', unlistedPrefixes,
          `are outside admission.allowedRegistries (${allowed.join(', ')}), which denies their images anyway`,
          'add the registries to admission.allowedRegistries, or drop the prefixes');
      }
    }
    if (this.engine !== SignatureEngine.SIGSTORE_POLICY_CONTROLLER) return;
    for (const namespace of model.namespaces) {
      const metadata = ApiObject.of(namespace).metadata;
      const given = metadata.getLabel(SIGSTORE_INCLUDE_LABEL);
      if (given !== undefined && given !== 'true') {
        throw new HardenedInputError(namespace, `labels["${SIGSTORE_INCLUDE_LABEL}"]`, given, 'turns off signature enforcement in this namespace', `drop the label; ${this.node.path} sets it to "true" in every namespace of the app`);
      }
      metadata.addLabel(SIGSTORE_INCLUDE_LABEL, 'true');
    }
  }

  private resolve(authorities: readonly ImageAuthority[]): ResolvedAuthority[] {
    if (!Array.isArray(authorities) || authorities.length === 0) {
      throw new HardenedInputError(this, 'authorities', authorities, 'is empty', 'declare at least one authority: { name, images, trust }');
    }
    const names = new Set<string>();
    return authorities.map((a: ImageAuthority, i: number) => {
      const at = `authorities[${i}]`;
      const name = v.dnsLabel(this, `${at}.name`, a?.name);
      if (names.has(name)) throw new HardenedInputError(this, `${at}.name`, name, 'is used by another authority', 'give each authority its own name');
      names.add(name);
      if (!Array.isArray(a.images) || a.images.length === 0) {
        throw new HardenedInputError(this, `${at}.images`, a.images, 'is empty', 'list the registry or repository prefixes the authority signs, e.g. ["ghcr.io/acme"]');
      }
      const images = a.images.map((p, j) => v.imagePrefix(this, `${at}.images[${j}]`, p));
      if (!(a.trust instanceof SignatureTrust)) {
        throw new HardenedInputError(this, `${at}.trust`, a.trust, 'is not a SignatureTrust', 'use SignatureTrust.keyless({ issuer, subject }) or SignatureTrust.publicKey(pem)');
      }
      if (a.trust.publicKeyPem !== undefined) {
        return { name, images, publicKeyPem: v.publicKeyPem(this, `${at}.trust.publicKey`, a.trust.publicKeyPem) };
      }
      const identities = a.trust.identities ?? [];
      if (identities.length === 0) {
        throw new HardenedInputError(this, `${at}.trust.keyless`, [], 'has no identity, so no signature could verify', 'give at least one { issuer, subject } (or their RegExp forms)');
      }
      return { name, images, identities: identities.map((id, j) => this.identity(`${at}.trust.keyless[${j}]`, id)) };
    });
  }

  private identity(at: string, id: KeylessIdentity): ResolvedIdentity {
    const one = (exact: 'issuer' | 'subject', pattern: 'issuerRegExp' | 'subjectRegExp'): void => {
      if ((id[exact] === undefined) === (id[pattern] === undefined)) {
        throw new HardenedInputError(this, `${at}.${exact}`, id[exact] ?? id[pattern],
          id[exact] === undefined ? `and ${pattern} are both missing, which would trust every ${exact}` : `and ${pattern} are both given; the engines accept only one`,
          `give exactly one of ${exact} (exact) and ${pattern} (an anchored RE2 expression)`);
      }
    };
    one('issuer', 'issuerRegExp');
    one('subject', 'subjectRegExp');
    return {
      ...(id.issuer !== undefined ? { issuer: v.oidcIssuer(this, `${at}.issuer`, id.issuer) } : { issuerRegExp: v.anchoredRegExp(this, `${at}.issuerRegExp`, id.issuerRegExp) }),
      ...(id.subject !== undefined ? { subject: v.exactSubject(this, `${at}.subject`, id.subject) } : { subjectRegExp: v.anchoredRegExp(this, `${at}.subjectRegExp`, id.subjectRegExp) }),
    };
  }

  /** Every image of a pod-bearing object of the app that no prefix covers: an error, or a warning with the reason. */
  public checkFinal(model: AppModel, objects: readonly { readonly object: KubeObject; readonly path: string }[]): string[] {
    const errors: string[] = [];
    // the injector adds Istio's proxy to every pod of a sidecar-mode namespace: not in the manifests, but in every such pod
    const sidecars = model.namespaces.filter(ns => ns.mesh?.mode === DataPlaneMode.SIDECAR).map(ns => ns.name);
    if (sidecars.length > 0) {
      const proxy = MeshLayer.of(model).installation?.proxyImage;
      const problem = proxy === undefined
        ? `the sidecar-mode namespaces ${sidecars.join(', ')} get Istio's injected proxy image, which the app does not declare, so no authority can cover it`
        : coveringPrefixes(proxy, this.prefixes).length === 0 ? `the injected proxy image ${JSON.stringify(proxy)} (IstioMesh proxyImage) is covered by no authority (prefixes: ${this.prefixes.join(', ')})` : undefined;
      if (problem !== undefined) {
        if (this.uncovered.warnReason !== undefined) model.warn(this, `${problem}; accepted: ${this.uncovered.warnReason}`);
        else errors.push(`[${this.node.path}] authorities: ${problem}, so policy-controller's default no-match-policy would deny every injected pod. Fix: declare IstioMesh proxyImage (your mirror of proxyv2, pinned by digest) and cover its registry with an authority.`);
      }
    }
    for (const { object, path } of objects) {
      for (const image of imagesOf([object])) {
        if (coveringPrefixes(image, this.prefixes).length > 0) continue;
        const problem = `image ${JSON.stringify(image)} of ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name} (${path}) is covered by no authority (prefixes: ${this.prefixes.join(', ')})`;
        if (this.uncovered.warnReason !== undefined) {
          model.warn(this, `${problem}; accepted: ${this.uncovered.warnReason}`);
        } else {
          errors.push(`[${this.node.path}] authorities: ${problem}, so no policy checks its signature (policy-controller's default no-match-policy denies it; Kyverno admits it unchecked). Fix: add its registry or repository to an authority's images, or set uncoveredImages: UncoveredImages.warn(reason).`);
        }
      }
    }
    return errors;
  }
}
