import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as v from '../_validate';
import { AppModel } from '../app-model';
import { HardenedInputError } from '../errors';
import { IPeer, isPolicyHost, Peer } from '../connectivity';
import { ContainerImage } from '../container-image';
import { RESTRICTED_DEFAULTS } from '../restricted-defaults';
import { KUBERNETES_FEATURES } from '../kubernetes-version';
import { IMeshInstallation, MeshLayer } from './mesh-layer';
import { DataPlaneMode } from './namespace-mesh';
import { strictPeerAuthentication } from './peer-authentication';

/** An IP family of the cluster's pod network, as Kubernetes names it (`Service.spec.ipFamilies`). */
export enum IpFamily {
  /** IPv4. */
  IPV4 = 'IPv4',
  /** IPv6. */
  IPV6 = 'IPv6',
}

/** Props of {@link IstioMesh}. */
export interface IstioMeshProps {
  /**
   * The mesh root namespace (`meshConfig.rootNamespace` of the install): the mesh-wide STRICT
   * PeerAuthentication is written there.
   * @default "istio-system" (RESTRICTED_DEFAULTS.mesh.rootNamespace)
   */
  readonly rootNamespace?: string;
  /**
   * The trust domain of the mesh's SPIFFE identities (`meshConfig.trustDomain`): principals are
   * `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`.
   * @default "cluster.local" (RESTRICTED_DEFAULTS.mesh.trustDomain)
   */
  readonly trustDomain?: string;
  /**
   * The istiod pods that sidecars reach on 15012 for configuration and certificates.
   * @default - `app: istiod` pods in `istio-system`
   */
  readonly controlPlane?: IPeer;
  /**
   * The Prometheus (or other scraper) allowed to read the sidecars' merged metrics on 15020.
   * Nothing may, unless declared.
   * @default - no scraper: port 15020 stays closed
   */
  readonly monitoring?: IPeer;
  /**
   * The proxy image the sidecar injector adds to every pod of a sidecar-mode namespace: your
   * mirror of the installed Istio's `proxyv2`, pinned by digest (`ContainerImage.fromDigest`).
   * The install values set it as `global.proxy.image` (a reference with a `/` is used as is by
   * Istio's injection template), and `ImageSignatures` requires an authority that covers it.
   * @default - Istio's own hub and tag (not pinned; an app with ImageSignatures and sidecar namespaces fails synth)
   */
  readonly proxyImage?: ContainerImage;
  /**
   * The IP families of the cluster's pods. Istio CNI source-NATs kubelet probes of ambient pods
   * to 169.254.7.127 (IPv4) and fd16:9254:7127:1337:ffff:ffff:ffff:ffff (IPv6): the probe hole
   * opens the address of each family listed, on the probe ports only.
   * @default "IPv4" (RESTRICTED_DEFAULTS.mesh.ipFamilies, IpFamily.IPV4 only)
   */
  readonly ipFamilies?: readonly IpFamily[];
}

/**
 * The Istio mesh of an app: its trust domain, root namespace and control plane, and mesh-wide
 * STRICT mTLS (a PeerAuthentication without selector in the root namespace). Namespaces join
 * with the HardenedNamespace `mesh` option; at synth the mesh layer writes, for every meshed
 * namespace, STRICT mTLS, a deny-by-default AuthorizationPolicy and one identity-based ALLOW rule
 * per declared flow, derived from the same connectivity graph as the NetworkPolicies.
 *
 * One per app. The Istio version comes from the app (`HardenedAppProps.istioVersion`).
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class IstioMesh extends Construct implements IMeshInstallation {
  /** The mesh root namespace. */
  public readonly rootNamespace: string;
  /** The trust domain of the principals. */
  public readonly trustDomain: string;
  /** The istiod pods. */
  public readonly controlPlane: IPeer;
  /** The declared metrics scraper, if any. */
  public readonly monitoring?: IPeer;
  /** The IP families of the cluster's pods. */
  public readonly ipFamilies: readonly IpFamily[];
  /** The injected sidecar's image reference, when declared. */
  public readonly proxyImage?: string;
  private peerAuthentication?: ApiObject;

  constructor(scope: Construct, id: string, props: IstioMeshProps = {}) {
    super(scope, id);
    const defaults = RESTRICTED_DEFAULTS.mesh;
    for (const [field, peer] of [['monitoring', props.monitoring], ['controlPlane', props.controlPlane]] as const) {
      if (peer !== undefined && isPolicyHost(peer) && peer.node.root !== this.node.root) {
        throw new HardenedInputError(this, field, peer.node.path, 'is a workload of another app, so its side of the flows is never synthesized and the holes of this mesh would point at nothing it controls',
          `create it in this app, or describe its pods as a Peer, e.g. Peer.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' })`);
      }
    }
    this.rootNamespace = v.dnsLabel(this, 'rootNamespace', props.rootNamespace ?? defaults.rootNamespace);
    this.trustDomain = v.dnsSubdomain(this, 'trustDomain', props.trustDomain ?? defaults.trustDomain);
    this.controlPlane = props.controlPlane ?? Peer.pods(defaults.controlPlane.namespace, defaults.controlPlane.podLabels);
    this.monitoring = props.monitoring;
    if (props.proxyImage !== undefined) {
      if (!(props.proxyImage instanceof ContainerImage) || !props.proxyImage.pinned) {
        throw new HardenedInputError(this, 'proxyImage', (props.proxyImage as { reference?: string } | undefined)?.reference, 'is not an image pinned by digest: every injected pod would run the proxy by tag',
          'pass ContainerImage.fromDigest("<your mirror>/proxyv2@sha256:<digest>") of the installed Istio version');
      }
      this.proxyImage = props.proxyImage.reference;
    }
    const families = props.ipFamilies ?? (defaults.ipFamilies as readonly IpFamily[]);
    const known = Object.values(IpFamily) as string[];
    if (families.length === 0 || families.length > 2 || new Set(families).size !== families.length || families.some(f => !known.includes(f))) {
      throw new HardenedInputError(this, 'ipFamilies', families, 'must list IPv4, IPv6 or both, each once', 'give [IpFamily.IPV4], [IpFamily.IPV6] or both (a dual-stack cluster)');
    }
    this.ipFamilies = [...families];
    MeshLayer.of(AppModel.of(this))._setMesh(this);
  }

  /** The SPIFFE principal of a ServiceAccount, as AuthorizationPolicy `principals` name it. */
  public principal(namespace: string, serviceAccount: string): string {
    return `${this.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
  }

  /**
   * The install values (istiod Helm chart) this blueprint relies on, for the app's Istio version:
   * the Istio CNI plugin instead of the privileged `istio-init` container, the trust domain and
   * root namespace, `outboundTrafficPolicy: REGISTRY_ONLY` (sidecars reach Services and the
   * ServiceEntries the mesh layer writes for declared outside flows, nothing else), from Istio 1.28 `global.proxy.seccompProfile: RuntimeDefault` for the
   * injected containers (older lines inherit the pod-level profile our pods always set), and with
   * sidecars on Kubernetes 1.29+ `ENABLE_NATIVE_SIDECARS` (the proxy as a native sidecar: Jobs
   * complete, init containers and app start wait for it).
   */
  public installValues(): Record<string, unknown> {
    const model = AppModel.of(this);
    const istio = model.istio;
    const ambient = model.namespaces.some(ns => ns.mesh?.mode === DataPlaneMode.AMBIENT);
    const nativeSidecars = model.kubernetesMinor >= KUBERNETES_FEATURES.nativeSidecars && model.namespaces.some(ns => ns.mesh?.mode === DataPlaneMode.SIDECAR);
    return {
      ...(ambient ? { profile: 'ambient' } : {}),
      // sidecars reach only what the registry holds: Services, and the ServiceEntries of declared outside flows
      meshConfig: { rootNamespace: this.rootNamespace, trustDomain: this.trustDomain, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
      pilot: { cni: { enabled: true }, ...(nativeSidecars ? { env: { ENABLE_NATIVE_SIDECARS: 'true' } } : {}) },
      ...(istio.proxySeccompProfileValue || this.proxyImage !== undefined ? {
        global: {
          proxy: {
            ...(this.proxyImage !== undefined ? { image: this.proxyImage } : {}),
            ...(istio.proxySeccompProfileValue ? { seccompProfile: { type: 'RuntimeDefault' } } : {}),
          },
        },
      } : {}),
    };
  }

  /** Writes the mesh-wide STRICT PeerAuthentication; the mesh layer calls it once at synth. @internal */
  public _write(): void {
    if (this.peerAuthentication) return;
    this.peerAuthentication = strictPeerAuthentication(this, 'PeerAuthentication', this.rootNamespace);
  }
}
