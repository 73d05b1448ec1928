import { RESTRICTED_DEFAULTS } from './restricted-defaults';

// Peers: how one end of a flow is selected, and the peers this blueprint does not own.

/** What kind of thing a peer selects. */
export enum PeerKind {
  /** The pods of one workload; has a ServiceAccount identity. */
  WORKLOAD = 'workload',
  /** Every pod in one namespace. */
  NAMESPACE = 'namespace',
  /** Pods selected by labels in one namespace, not written by this blueprint. */
  PODS = 'pods',
  /** Addresses outside the cluster, as a CIDR block. */
  IP_BLOCK = 'ipBlock',
  /**
   * A host outside the cluster by its DNS name, for meshed (sidecar) clients: a ServiceEntry
   * makes it known to the client's proxy, which under `REGISTRY_ONLY` reaches declared hosts only.
   */
  HOST = 'host',
}

/**
 * How the pods of a peer join the mesh: the transport a flow uses depends on both ends (HBONE on
 * 15008 when either end is ambient and both are in the mesh; mTLS on the app port between
 * sidecars; plaintext when an end is outside the mesh).
 */
export enum PeerDataPlane {
  /** An injected `istio-proxy` sidecar. */
  SIDECAR = 'sidecar',
  /** Ambient mode: the node's ztunnel carries the pod's traffic over HBONE (port 15008). */
  AMBIENT = 'ambient',
  /** Not in the mesh: plaintext, no mesh identity. */
  NONE = 'none',
}

/**
 * How a peer is selected: the one description from which both NetworkPolicy peers and, for
 * the mesh, AuthorizationPolicy sources are derived.
 */
export interface PeerSelector {
  /** What kind of peer this is. */
  readonly kind: PeerKind;
  /** A stable key, unique per peer, used to merge and order rules deterministically. */
  readonly key: string;
  /**
   * The namespace of the pods.
   * @default - no namespace (IP blocks)
   */
  readonly namespace?: string;
  /**
   * Labels that select the pods within the namespace.
   * @default - every pod of the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * The ServiceAccount the pods run as: their mesh identity.
   * @default - no single identity
   */
  readonly serviceAccount?: string;
  /**
   * The CIDR block of an IP_BLOCK peer.
   * @default - not an IP block
   */
  readonly cidr?: string;
  /**
   * Sub-blocks of `cidr` that are excluded.
   * @default []
   */
  readonly except?: readonly string[];
  /**
   * The DNS name of a HOST peer (`api.stripe.com`, or `*.example.com`).
   * @default - not a host
   */
  readonly host?: string;
  /**
   * How the peer's pods join the mesh, for peers this blueprint does not own (the mode of owned
   * peers is their namespace's `mesh` option).
   * @default - PeerDataPlane.SIDECAR for pods and namespaces, PeerDataPlane.NONE for IP blocks and cluster DNS
   */
  readonly dataPlane?: PeerDataPlane;
}

/** Anything that can be on one end of a declared flow. */
export interface IPeer {
  /** How this peer is selected. */
  toPeerSelector(): PeerSelector;
}

/** Options of {@link Peer.namespace}. */
export interface PeerNamespaceOptions {
  /**
   * How the namespace's pods join the mesh; it decides the transport of every flow with them.
   * @default PeerDataPlane.SIDECAR
   */
  readonly dataPlane?: PeerDataPlane;
}

/** Options of {@link Peer.pods}. */
export interface PeerPodsOptions extends PeerNamespaceOptions {
  /**
   * The ServiceAccount the pods run as: their identity in the mesh.
   * @default - no identity: the pods cannot be authorized into a meshed namespace
   */
  readonly serviceAccount?: string;
}

/** Peers that are not written by this blueprint. */
export class Peer {
  /**
   * Addresses in a CIDR block, e.g. a managed database outside the cluster. Validated when a
   * flow uses it: `10.0.0.0/33` or `300.1.1.1/32` fail synth.
   */
  public static ipBlock(cidr: string, except: readonly string[] = []): IPeer {
    return { toPeerSelector: () => ({ kind: PeerKind.IP_BLOCK, key: `3/${cidr}/${except.join(',')}`, cidr, except, dataPlane: PeerDataPlane.NONE }) };
  }

  /**
   * Every pod of a namespace this blueprint does not own. Declare how its pods join the mesh
   * (`dataPlane`, sidecar unless given): it decides whether flows with them use HBONE.
   */
  public static namespace(name: string, options: PeerNamespaceOptions = {}): IPeer {
    const dataPlane = options.dataPlane ?? PeerDataPlane.SIDECAR;
    return { toPeerSelector: () => ({ kind: PeerKind.NAMESPACE, key: `1/${name}`, namespace: name, dataPlane }) };
  }

  /**
   * Pods, selected by labels, in a namespace this blueprint does not own. Give their
   * ServiceAccount when they call into the mesh (an ingress controller or gateway): the mesh
   * authorizes them by that identity. Declare how they join the mesh (`dataPlane`, sidecar
   * unless given): it decides whether flows with them use HBONE.
   */
  public static pods(namespace: string, podLabels: Readonly<Record<string, string>>, options: PeerPodsOptions = {}): IPeer {
    const sorted = Object.keys(podLabels).sort().map(k => `${k}=${podLabels[k]}`).join(',');
    const serviceAccount = options.serviceAccount;
    const dataPlane = options.dataPlane ?? PeerDataPlane.SIDECAR;
    const key = `2/${namespace}/${sorted}${serviceAccount !== undefined ? `@${serviceAccount}` : ''}`;
    return { toPeerSelector: () => ({ kind: PeerKind.PODS, key, namespace, podLabels, ...(serviceAccount !== undefined ? { serviceAccount } : {}), dataPlane }) };
  }

  /**
   * A host outside the cluster by its DNS name, e.g. `Peer.host('api.stripe.com')`, as the
   * destination of `allowTo` from a workload in a sidecar-mode mesh namespace: the mesh layer
   * writes a ServiceEntry (MESH_EXTERNAL, visible to the client's namespace only), and under
   * the mesh's `outboundTrafficPolicy: REGISTRY_ONLY` the client's sidecar reaches declared
   * hosts only. The NetworkPolicy cannot name a host: it opens the flow's ports to every address
   * (see docs/mesh.md, "Egress to named hosts", for what is and is not enforced). A leading
   * `*.` label matches the subdomains (resolved by SNI, not DNS).
   */
  public static host(name: string): IPeer {
    return { toPeerSelector: () => ({ kind: PeerKind.HOST, key: `4/${name}`, host: name, dataPlane: PeerDataPlane.NONE }) };
  }

  /** The cluster DNS pods (`k8s-app: kube-dns` in `kube-system`), which are not in the mesh. */
  public static clusterDns(): IPeer {
    return Peer.pods(RESTRICTED_DEFAULTS.clusterDns.namespace, RESTRICTED_DEFAULTS.clusterDns.podLabels, { dataPlane: PeerDataPlane.NONE });
  }
}
