/**
 * The Istio data plane as a step of the reachability evaluation: which transport a connection
 * between two ends uses, which ports and sources bypass the proxy, and what PeerAuthentication
 * refuses. Read from the manifests alone (pod and Namespace labels, PeerAuthentications).
 *
 * Semantics, each from upstream sources:
 * - Transport (ztunnel `src/proxy/outbound.rs`: HBONE to port 15008 of a destination that speaks
 *   it, plain TCP to the app port otherwise; istio.io "Ambient and Kubernetes NetworkPolicy"): a
 *   TCP connection between two meshed ends of which one is ambient travels as HBONE to 15008 of the
 *   server's pod, so the NetworkPolicies see 15008, not the app port, and the app port is reached
 *   inside the pod; between two sidecars it is mTLS on the app port; with an end outside the mesh,
 *   plaintext on the app port. UDP and SCTP are never proxied.
 * - Bypass: a sidecar does not capture 15020, 15021 and 15090 (the injector's
 *   `istio-iptables -d 15090,15021,<status port 15020>`), so AuthorizationPolicies and mTLS do not
 *   guard them; ambient pods accept the kubelet's probes, which Istio CNI source-NATs to
 *   169.254.7.127 and fd16:9254:7127:1337:ffff:ffff:ffff:ffff (`cni/pkg/nodeagent/options.go`),
 *   without ztunnel. Such ports are reachable without mTLS and shown so, never hidden.
 * - PeerAuthentication (Istio's precedence, `resolveMtls`): a STRICT server refuses plaintext on
 *   the proxied ports; a client outside the mesh, or an IP block, sends plaintext.
 * - Peers outside the inputs have an unknown data plane: both transports are assumed possible
 *   (a port is open when some transport lets it through), so nothing is hidden.
 */
import type { KubeObject } from '../../policy/kube-object';
import { AllowedPorts, intersectPorts, isEmptyPorts, MAX_PORT, normalizePorts, NO_PORTS, PortSpec, subtractPorts, unionPorts } from './ports';
import { DEFAULT_ISTIO_ROOT_NAMESPACE, resolveMtls } from './posture';
import { asDict, path, stringMap } from './read';
import type { ExternalPeer, FlowEndpoint, LayerFlow, ReachabilityLayer } from './reachability-layer';
import { extractNamespaces, flattenObjects, WorkloadInfo } from './workloads';

/** How a workload's pods join the mesh. */
export type DataPlaneMode = 'sidecar' | 'ambient' | 'none';

/** The HBONE port of ambient mode. */
export const HBONE_PORT = 15008;
/** Ports a sidecar does not capture (pilot-agent status 15020, Envoy health 15021, Envoy metrics 15090). */
export const SIDECAR_UNCAPTURED_PORTS: readonly number[] = [15020, 15021, 15090];
/** The source addresses Istio CNI gives the kubelet's probes of ambient pods. */
export const AMBIENT_PROBE_SOURCES: readonly string[] = ['169.254.7.127', 'fd16:9254:7127:1337:ffff:ffff:ffff:ffff'];

const TCP_ALL: readonly PortSpec[] = [{ protocol: 'TCP', port: 1, endPort: MAX_PORT }];
const tcpOf = (ports: AllowedPorts): AllowedPorts => intersectPorts(ports, TCP_ALL);
const nonTcpOf = (ports: AllowedPorts): AllowedPorts => subtractPorts(ports, TCP_ALL);
const list = (ports: readonly number[]): PortSpec[] => ports.map((port) => ({ protocol: 'TCP', port }));

function podTemplateMeta(w: WorkloadInfo): Record<string, unknown> {
  if (w.object.kind === 'Pod') return asDict(w.object.metadata) ?? {};
  return asDict(path(w.object, 'spec', 'template', 'metadata')) ?? asDict(path(w.object, 'spec', 'jobTemplate', 'spec', 'template', 'metadata')) ?? {};
}

function namespaceMode(labels: Readonly<Record<string, string>>): DataPlaneMode | undefined {
  if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  if (labels['istio-injection'] === 'disabled' || labels['istio.io/dataplane-mode'] === 'none') return 'none';
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined) return 'sidecar';
  return undefined;
}

/**
 * The data-plane mode of each workload: the pod template's `sidecar.istio.io/inject` or
 * `istio.io/dataplane-mode` first, then its Namespace's labels. When no Namespace among the inputs
 * carries a mesh label, every workload is assumed to have a sidecar (as `meshMembership` assumes
 * it in the mesh); when some do, a declared Namespace without one is outside the mesh.
 */
export function dataPlaneModes(objects: readonly KubeObject[]): (w: WorkloadInfo) => DataPlaneMode {
  const namespaces = extractNamespaces(objects).filter((n) => n.declared);
  const byName = new Map(namespaces.map((n) => [n.name, namespaceMode(n.labels)]));
  const labelled = [...byName.values()].some((v) => v !== undefined);
  return (w) => {
    const meta = podTemplateMeta(w);
    const labels = stringMap(meta.labels);
    const inject = labels['sidecar.istio.io/inject'] ?? stringMap(meta.annotations)['sidecar.istio.io/inject'];
    const ns = byName.get(w.namespace);
    if (labels['istio.io/dataplane-mode'] === 'none') return 'none';
    if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
    if (inject === 'false') return ns === 'ambient' ? 'ambient' : 'none';
    if (inject === 'true') return 'sidecar';
    if (!byName.has(w.namespace)) return 'sidecar';
    return ns ?? (labelled ? 'none' : 'sidecar');
  };
}

function bitsOf(address: string): { v6: boolean; bits: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    const octets = address.split('.').map(Number);
    return octets.every((o) => o <= 255) ? { v6: false, bits: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) } : undefined;
  }
  if (!/^[0-9a-f:]+$/i.test(address) || !address.includes(':')) return undefined;
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = tail === undefined ? h : [...h, ...new Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  if (words.length !== 8 || words.some((w) => !/^[0-9a-f]{1,4}$/i.test(w))) return undefined;
  return { v6: true, bits: words.reduce((acc, w) => (acc << 16n) | BigInt(parseInt(w, 16)), 0n) };
}

/** Whether the CIDR block contains the address (same family). */
export function cidrContains(cidr: string, address: string): boolean {
  const [base, prefixText] = cidr.split('/');
  const a = bitsOf(base ?? '');
  const b = bitsOf(address);
  if (!a || !b || a.v6 !== b.v6) return false;
  const width = a.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  const shift = BigInt(width - prefix);
  return (a.bits >> shift) === (b.bits >> shift);
}

/** Whether an external peer can be the kubelet's probes of an ambient pod (its block holds a probe source, and none of its exceptions does). */
function mayBeProbeSource(peer: ExternalPeer): boolean {
  if (peer.type === 'any') return true;
  if (peer.type !== 'ipBlock') return false;
  return AMBIENT_PROBE_SOURCES.some((a) => cidrContains(peer.cidr, a) && !peer.except.some((e) => cidrContains(e, a)));
}

/** What a connection between two ends may use, after the data plane. */
export interface DataPlaneVerdict {
  /** Every port a connection may reach (proxied or not); never wider than the NetworkPolicies let through, with HBONE's app ports for 15008. */
  readonly ports: AllowedPorts;
  /** The subset reachable without mTLS, past the destination's proxy: its uncaptured ports, or the probe source. */
  readonly bypass: AllowedPorts;
}

/** The data-plane step of the evaluation, with the further layers (AuthorizationPolicies) applied to proxied traffic only. */
export interface DataPlaneModel {
  readonly modeOf: (w: WorkloadInfo) => DataPlaneMode;
  /** The verdict for `flow` (its `allowed`: what the NetworkPolicies let through on the wire, every port). */
  evaluate(flow: LayerFlow, layers: readonly ReachabilityLayer[], apply: (flow: LayerFlow, layers: readonly ReachabilityLayer[]) => AllowedPorts): DataPlaneVerdict;
}

/** Options of {@link dataPlaneModel}. */
export interface DataPlaneOptions {
  /** The Istio root namespace, whose PeerAuthentication applies mesh-wide. Default `istio-system`. */
  readonly rootNamespace?: string;
}

/**
 * The data-plane model of `objects`, or `undefined` when they hold nothing of Istio (no
 * PeerAuthentication, AuthorizationPolicy or mesh label): then NetworkPolicies alone decide.
 */
export function dataPlaneModel(objects: readonly KubeObject[], options: DataPlaneOptions = {}): DataPlaneModel | undefined {
  const flat = flattenObjects(objects);
  const istio = flat.some((o) => /(^|\.)istio\.io\//.test(o.apiVersion));
  const labelled = extractNamespaces(objects).some((n) => namespaceMode(n.labels) !== undefined);
  if (!istio && !labelled) return undefined;
  const modeOf = dataPlaneModes(objects);
  const root = options.rootNamespace ?? DEFAULT_ISTIO_ROOT_NAMESPACE;
  const peerAuthentications = flat.filter((o) => o.kind === 'PeerAuthentication'); // read once, not per workload
  const plaintextRefused = new Map<WorkloadInfo, AllowedPorts>();
  /** The TCP ports on which `w`'s proxy refuses plaintext (STRICT, port-level exceptions honoured). */
  const strictPorts = (w: WorkloadInfo): AllowedPorts => {
    let refused = plaintextRefused.get(w);
    if (refused === undefined) {
      const m = resolveMtls(peerAuthentications, w, root);
      const overrides = m.portLevel.filter((p) => /^[0-9]+$/.test(p.port));
      const strict = (mode: string) => mode === 'STRICT';
      const base: AllowedPorts = strict(m.mode) ? TCP_ALL : NO_PORTS;
      const off = list(overrides.filter((p) => !strict(p.mode) && p.mode !== 'UNSET').map((p) => Number(p.port)));
      const on = list(overrides.filter((p) => strict(p.mode)).map((p) => Number(p.port)));
      refused = normalizePorts(unionPorts(subtractPorts(base, off), on));
      plaintextRefused.set(w, refused);
    }
    return refused;
  };
  const endMode = (end: FlowEndpoint): DataPlaneMode | 'unknown' => {
    if (end.type === 'workload') return modeOf(end.workload);
    return end.peer.type === 'ipBlock' ? 'none' : 'unknown'; // pods outside the inputs, or anything at all
  };

  return {
    modeOf,
    evaluate(flow, layers, apply): DataPlaneVerdict {
      const wire = normalizePorts(flow.allowed);
      const src = endMode(flow.from);
      const dst = endMode(flow.to);
      const nonTcp = nonTcpOf(wire);
      const hboneOpen = !isEmptyPorts(intersectPorts(wire, list([HBONE_PORT])));
      if (flow.to.type !== 'workload' || dst === 'none') {
        // egress to outside the inputs, or to a workload outside the mesh: no proxy of ours on the server side.
        // Over HBONE (a meshed client, a peer that may be in the mesh, 15008 open) the client's egress sees
        // only 15008: any app port passes it, and only the peer's own proxy may refuse.
        const tunnel = dst === 'unknown' && (src === 'sidecar' || src === 'ambient') && hboneOpen;
        return { ports: tunnel ? unionPorts(wire, TCP_ALL) : wire, bypass: NO_PORTS };
      }
      const server = flow.to.workload;
      const direct = tcpOf(wire);
      // bypass: what reaches the pod without its proxy
      let bypass: AllowedPorts = NO_PORTS;
      if (dst === 'sidecar') bypass = intersectPorts(direct, list(SIDECAR_UNCAPTURED_PORTS));
      if (dst === 'ambient' && flow.from.type === 'external' && mayBeProbeSource(flow.from.peer)) bypass = direct;
      // proxied: HBONE (15008 on the wire, any app port inside the pod) between meshed ends of which one is
      // ambient; mTLS on the app port between sidecars; plaintext on the app port from outside the mesh.
      // A peer outside the inputs may be either: both count.
      const appPorts = dst === 'ambient' ? subtractPorts(direct, list([HBONE_PORT])) : direct; // 15008 is ztunnel's on an ambient pod
      const meshedClient = src === 'sidecar' || src === 'ambient';
      let tunnelled: AllowedPorts = NO_PORTS;
      let onPort: AllowedPorts = NO_PORTS;
      if (src === 'unknown') {
        tunnelled = hboneOpen ? TCP_ALL : NO_PORTS;
        onPort = appPorts;
      } else if (meshedClient && (src === 'ambient' || dst === 'ambient')) {
        tunnelled = hboneOpen ? TCP_ALL : NO_PORTS;
      } else {
        onPort = appPorts;
      }
      let proxied = subtractPorts(unionPorts(tunnelled, onPort), bypass);
      if (src === 'none') proxied = subtractPorts(proxied, strictPorts(server)); // plaintext: STRICT refuses it
      const authorized = isEmptyPorts(proxied) ? NO_PORTS : apply({ ...flow, allowed: proxied }, layers);
      const ports = unionPorts(unionPorts(tcpOf(authorized), bypass), nonTcp);
      return { ports: isEmptyPorts(subtractPorts('all', ports)) ? 'all' : ports, bypass };
    },
  };
}
