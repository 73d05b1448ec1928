import type { IPeer } from '../connectivity';

/**
 * A peer whose pods are Istio proxies themselves (a gateway Istio deploys: `istio-proxy` as its
 * only container, `sidecar.istio.io/inject: "false"`, `istio.io/dataplane-mode: none`). They hold
 * a mesh identity and speak mTLS whatever their namespace's labels, so the mesh layer admits them
 * into STRICT namespaces by their ServiceAccount principal.
 */
export interface IMeshProxyPeer extends IPeer {
  /** Marks the peer. @internal */
  readonly _meshProxy: true;
}

/** True when `peer` is an Istio proxy in its own right (see {@link IMeshProxyPeer}). */
export function isMeshProxyPeer(peer: IPeer): peer is IMeshProxyPeer {
  return (peer as Partial<IMeshProxyPeer>)._meshProxy === true;
}
