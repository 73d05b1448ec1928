/**
 * Reachability between workloads under Kubernetes NetworkPolicy semantics, computed from
 * synthesized objects only.
 *
 * Semantics (networking.k8s.io/v1):
 * - A pod is isolated for ingress (egress) iff some NetworkPolicy of its namespace selects it
 *   through `spec.podSelector` and has `Ingress` (`Egress`) among its effective policyTypes
 *   (defaulting: `Ingress` always, `Egress` when `spec.egress` is non-empty). A non-isolated
 *   direction allows everything.
 * - Rules of all policies selecting a pod are unioned. A rule matches when one of its peers
 *   matches (elements of `from`/`to` are ORed; an empty or absent list matches everything)
 *   and the port matches one of its `ports` (empty or absent = every port).
 * - A peer element with both `namespaceSelector` and `podSelector` matches pods selected by
 *   both (AND); `podSelector` alone means the policy's own namespace; `namespaceSelector: {}`
 *   means every namespace. `ipBlock` peers are treated as matching only destinations/sources
 *   outside the cluster, never pods (pod IPs are not known from manifests).
 * - A connection A→B is allowed on a port iff A's egress allows it towards B and B's ingress
 *   allows it from A. Named ports resolve against B's container ports.
 *
 * Further layers (e.g. Istio AuthorizationPolicy, keyed by {@link istioPrincipal}) can only narrow
 * the result: see {@link ReachabilityLayer} and {@link applyLayers}.
 */
import type { KubeObject } from '../../policy/kube-object';
import { istioAuthorizationLayer, IstioAuthorizationOptions } from './authorization-policy';
import type { DataPlaneModel } from './data-plane';
import { compileNetworkPolicies, CompiledPolicy } from './network-policy';
import {
  Context, egressAllowed, externalFlowsOf, externalPeerKey, ingressAllowed, Isolation, isolationOf,
} from './_network-policy-eval';
import { AllowedPorts, intersectPorts, isEmptyPorts, normalizePorts, NO_PORTS, unionPorts } from './ports';
import { ALL, ReachabilityCandidates } from './_reachability-candidates';
import { compareStrings } from './read';
import type { ExternalPeer, FlowEndpoint, LayerFlow, ReachabilityLayer } from './reachability-layer';
import { compareWorkloadRefs, extractNamespaces, extractWorkloads, WorkloadInfo, workloadKey, WorkloadRef } from './workloads';

/** An allowed flow between two workloads of the inputs. */
export interface ReachabilityEdge {
  readonly from: WorkloadRef;
  readonly to: WorkloadRef;
  /** Never empty: pairs with no allowed port have no edge. */
  readonly ports: AllowedPorts;
  /** The part of `ports` reachable without mTLS, past the destination's proxy (with a data-plane model only). */
  readonly bypass?: AllowedPorts;
}

/** An allowed flow between a workload of the inputs and something outside them. */
export interface ExternalFlow {
  readonly workload: WorkloadRef;
  /** `egress`: from the workload to the peer; `ingress`: from the peer to the workload. */
  readonly direction: 'egress' | 'ingress';
  readonly peer: ExternalPeer;
  /** Never empty. May contain named ports (`port` a string) for egress, as the destination is unknown. */
  readonly ports: AllowedPorts;
  /** The part of `ports` reachable without mTLS, past the workload's proxy (with a data-plane model only). */
  readonly bypass?: AllowedPorts;
}

/** Whether some NetworkPolicy isolates a workload in each direction. */
export interface WorkloadIsolation {
  readonly workload: WorkloadRef;
  readonly ingress: boolean;
  readonly egress: boolean;
}

/** The result of {@link computeReachability}. All lists are deterministically sorted. */
export interface ReachabilityMatrix {
  /** Every workload, sorted by namespace, name, kind. */
  readonly workloads: readonly WorkloadRef[];
  /** Allowed workload-to-workload flows (including a workload to itself), sorted by source then destination. */
  readonly edges: readonly ReachabilityEdge[];
  /** Allowed flows to or from outside the inputs, sorted by workload, direction, peer. */
  readonly external: readonly ExternalFlow[];
  readonly isolation: readonly WorkloadIsolation[];
  /** Names of the layers applied after NetworkPolicies, in order. */
  readonly layers: readonly string[];
  /** Things the evaluator could not resolve (unknown named ports, invalid selectors, …), sorted, unique. */
  readonly notes: readonly string[];
}

/**
 * The layers that apply to `objects` on top of NetworkPolicies: the Istio AuthorizationPolicy
 * layer when some AuthorizationPolicy is among them, else none.
 */
export function defaultLayers(objects: readonly KubeObject[], options: IstioAuthorizationOptions = {}): ReachabilityLayer[] {
  const istio = istioAuthorizationLayer(objects, options);
  return istio ? [istio] : [];
}

/** Options of {@link computeReachability}. */
export interface ReachabilityOptions {
  /** Layers applied, in order, after NetworkPolicies. Default: none. */
  readonly layers?: readonly ReachabilityLayer[];
  /**
   * The Istio data plane between the NetworkPolicies and the layers (`dataPlaneModel`): transport
   * (HBONE), the ports and sources that bypass the proxy, PeerAuthentication.
   * @default - none: the layers narrow what the NetworkPolicies allow
   */
  readonly dataPlane?: DataPlaneModel;
  /**
   * Evaluate the NetworkPolicies of one side only (the other side is taken as not isolated): what
   * that layer alone admits, for a review of each layer.
   * @default - both sides
   */
  readonly side?: 'ingress' | 'egress';
}

/**
 * Narrows `flow.allowed` through each layer in turn (intersection), stopping early once
 * nothing is left. This is the extension point for non-NetworkPolicy enforcement.
 */
export function applyLayers(flow: LayerFlow, layers: readonly ReachabilityLayer[]): AllowedPorts {
  let allowed = normalizePorts(flow.allowed);
  for (const layer of layers) {
    if (isEmptyPorts(allowed)) break;
    allowed = intersectPorts(allowed, layer.restrict({ ...flow, allowed }));
  }
  return allowed;
}

export { describeExternalPeer, externalPeerKey } from './_network-policy-eval';

/** The SPIFFE-style principal Istio uses for a workload: `<trustDomain>/ns/<ns>/sa/<sa>`. */
export function istioPrincipal(workload: Pick<WorkloadInfo, 'namespace' | 'serviceAccountName'>, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${workload.namespace}/sa/${workload.serviceAccountName}`;
}

/** A plain `{ kind, namespace, name }` copy of a workload reference. */
export function toWorkloadRef(w: WorkloadRef): WorkloadRef {
  return { kind: w.kind, namespace: w.namespace, name: w.name };
}

/**
 * Computes, from synthesized objects, which workloads can reach which (and on which ports),
 * and which flows to or from outside the inputs are allowed. Pure and deterministic.
 */
export function computeReachability(objects: readonly KubeObject[], options: ReachabilityOptions = {}): ReachabilityMatrix {
  const layers = options.layers ?? [];
  const notes: string[] = [];
  const workloads = extractWorkloads(objects);
  const ctx: Context = {
    workloads,
    namespaces: new Map(extractNamespaces(objects).map((n) => [n.name, n])),
    policies: compileNetworkPolicies(objects, notes),
    notes,
  };
  const isolation = workloads.map((w) => {
    const iso = isolationOf(ctx, w);
    return options.side === 'ingress' ? { ingress: iso.ingress, egress: undefined } : options.side === 'egress' ? { ingress: undefined, egress: iso.egress } : iso;
  });
  const dataPlane = options.dataPlane;
  const verdict = (flow: LayerFlow): { ports: AllowedPorts; bypass: AllowedPorts } =>
    (dataPlane ? dataPlane.evaluate(flow, layers, applyLayers) : { ports: applyLayers(flow, layers), bypass: NO_PORTS });

  const edges: ReachabilityEdge[] = [];
  // only the pairs some rule of both sides could admit (the others have no allowed port)
  const candidates = new ReachabilityCandidates(ctx);
  const sources = isolation.map((iso) => candidates.ingress(iso));
  const everyone = workloads.map((_, j) => j);
  workloads.forEach((src, i) => {
    const egress = candidates.egress(isolation[i]!);
    const targets = egress === ALL ? everyone : [...egress].sort((a, b) => a - b);
    targets.forEach((j) => {
      const from = sources[j]!;
      if (from !== ALL && !from.has(i)) return;
      const dst = workloads[j]!;
      const nw = intersectPorts(egressAllowed(ctx, isolation[i]!, dst), ingressAllowed(ctx, isolation[j]!, dst, src));
      if (isEmptyPorts(nw)) return;
      const v = verdict({ from: { type: 'workload', workload: src }, to: { type: 'workload', workload: dst }, allowed: nw });
      if (!isEmptyPorts(v.ports)) edges.push({ from: toWorkloadRef(src), to: toWorkloadRef(dst), ports: v.ports, ...(isEmptyPorts(v.bypass) ? {} : { bypass: v.bypass }) });
    });
  });

  const external: ExternalFlow[] = [];
  workloads.forEach((w, i) => {
    for (const direction of ['egress', 'ingress'] as const) {
      const iso = isolation[i]!;
      const byPeer = new Map<string, { peer: ExternalPeer; ports: AllowedPorts }>();
      for (const f of externalFlowsOf(ctx, w, direction === 'egress' ? iso.egress : iso.ingress, direction)) {
        const key = externalPeerKey(f.peer);
        const prev = byPeer.get(key);
        byPeer.set(key, { peer: f.peer, ports: prev ? unionPorts(prev.ports, f.ports) : normalizePorts(f.ports) });
      }
      for (const key of [...byPeer.keys()].sort(compareStrings)) {
        const { peer, ports } = byPeer.get(key)!;
        if (isEmptyPorts(ports)) continue;
        const wl: FlowEndpoint = { type: 'workload', workload: w };
        const ext: FlowEndpoint = { type: 'external', peer };
        const v = verdict(direction === 'egress' ? { from: wl, to: ext, allowed: ports } : { from: ext, to: wl, allowed: ports });
        if (!isEmptyPorts(v.ports)) external.push({ workload: toWorkloadRef(w), direction, peer, ports: v.ports, ...(isEmptyPorts(v.bypass) ? {} : { bypass: v.bypass }) });
      }
    }
  });

  edges.sort((a, b) => compareWorkloadRefs(a.from, b.from) || compareWorkloadRefs(a.to, b.to));
  return {
    workloads: workloads.map(toWorkloadRef),
    edges,
    external,
    isolation: workloads.map((w, i) => ({ workload: toWorkloadRef(w), ingress: !!isolation[i]!.ingress, egress: !!isolation[i]!.egress })),
    layers: [...(dataPlane ? ['the Istio data plane (HBONE, PeerAuthentication, proxy bypass)'] : []), ...layers.map((l) => l.name)],
    notes: [...new Set([...notes, ...layers.flatMap((l) => l.notes ?? [])])].sort(compareStrings),
  };
}

/** One end of a flow as the diff names it: a workload by reference, or a peer outside the inputs. */
export type FlowEndRef = { readonly type: 'workload'; readonly workload: WorkloadRef } | { readonly type: 'external'; readonly peer: ExternalPeer };

/** Names the NetworkPolicies behind a flow: see {@link networkPolicyExplainer}. */
export type NetworkPolicyExplainer = (from: FlowEndRef, to: FlowEndRef, ports: AllowedPorts) => { readonly egress: string[]; readonly ingress: string[] };

/**
 * For the objects of one side, the NetworkPolicies (`namespace/name`, sorted) whose rules let
 * `from` reach `to` on some of `ports`: the client's egress policies and the server's ingress
 * policies. Names the objects behind a reachability item; the objects are read once.
 */
export function networkPolicyExplainer(objects: readonly KubeObject[]): NetworkPolicyExplainer {
  const notes: string[] = [];
  const workloads = extractWorkloads(objects);
  const byKey = new Map(workloads.map((w) => [workloadKey(w), w]));
  const byName = new Map(workloads.map((w) => [`${w.namespace}/${w.name}`, w])); // a reference of the other side whose kind changed
  const ctx: Context = { workloads, namespaces: new Map(extractNamespaces(objects).map((n) => [n.name, n])), policies: compileNetworkPolicies(objects, notes), notes };
  const find = (end: FlowEndRef): WorkloadInfo | undefined => (end.type === 'workload' ? byKey.get(workloadKey(end.workload)) ?? byName.get(`${end.workload.namespace}/${end.workload.name}`) : undefined);
  const name = (p: CompiledPolicy) => `${p.namespace}/${p.name}`;
  return (from, to, ports) => {
    const overlaps = (p: AllowedPorts) => !isEmptyPorts(intersectPorts(p, ports));
    const side = (w: WorkloadInfo | undefined, direction: 'egress' | 'ingress', other: WorkloadInfo | undefined, otherEnd: FlowEndRef): string[] => {
      if (!w) return [];
      const iso = isolationOf(ctx, w);
      const policies = direction === 'egress' ? iso.egress : iso.ingress;
      return (policies ?? []).filter((policy) => {
        const one: Isolation = direction === 'egress' ? { egress: [policy], ingress: undefined } : { ingress: [policy], egress: undefined };
        if (other) return overlaps(direction === 'egress' ? egressAllowed(ctx, one, other) : ingressAllowed(ctx, one, w, other));
        if (otherEnd.type !== 'external') return false;
        const key = externalPeerKey(otherEnd.peer);
        return externalFlowsOf(ctx, w, [policy], direction).some((f) => externalPeerKey(f.peer) === key && overlaps(f.ports));
      }).map(name).sort(compareStrings);
    };
    const src = find(from);
    const dst = find(to);
    return { egress: side(src, 'egress', dst, to), ingress: side(dst, 'ingress', src, from) };
  };
}
