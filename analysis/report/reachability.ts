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
import { compileNetworkPolicies, CompiledPeer, CompiledPolicy, CompiledRule } from './network-policy';
import {
  AllowedPorts,
  intersectPorts,
  isEmptyPorts,
  MAX_PORT,
  normalizePorts,
  NO_PORTS,
  PortSpec,
  unionPorts,
} from './ports';
import { compareStrings } from './read';
import type { ExternalPeer, FlowEndpoint, LayerFlow, ReachabilityLayer } from './reachability-layer';
import { describeSelector, LabelSelector, matchesSelector } from './selectors';
import {
  compareWorkloadRefs,
  extractNamespaces,
  extractWorkloads,
  NAMESPACE_NAME_LABEL,
  NamespaceInfo,
  WorkloadInfo,
  workloadKey,
  WorkloadRef,
} from './workloads';

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

/** The SPIFFE-style principal Istio uses for a workload: `<trustDomain>/ns/<ns>/sa/<sa>`. */
export function istioPrincipal(workload: Pick<WorkloadInfo, 'namespace' | 'serviceAccountName'>, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${workload.namespace}/sa/${workload.serviceAccountName}`;
}

/** A plain `{ kind, namespace, name }` copy of a workload reference. */
export function toWorkloadRef(w: WorkloadRef): WorkloadRef {
  return { kind: w.kind, namespace: w.namespace, name: w.name };
}

/** A stable key for an external peer, also used to sort peers (`any` < `ipBlock` < `selector`). */
export function externalPeerKey(peer: ExternalPeer): string {
  switch (peer.type) {
    case 'any':
      return '0:any';
    case 'ipBlock':
      return `1:${peer.cidr} except ${peer.except.join(',')}`;
    case 'selector':
      return `2:${peer.description}`;
  }
}

/** Human-readable rendering of an external peer. */
export function describeExternalPeer(peer: ExternalPeer): string {
  switch (peer.type) {
    case 'any':
      return 'anything outside the inputs';
    case 'ipBlock':
      return peer.except.length > 0 ? `${peer.cidr} except ${peer.except.join(', ')}` : peer.cidr;
    case 'selector':
      return peer.description;
  }
}

function describeSelectorPeer(peer: Extract<CompiledPeer, { type: 'selector' }>): string {
  const isEmpty = (sel: LabelSelector): boolean => Object.keys(sel.matchLabels).length === 0 && sel.matchExpressions.length === 0 && sel.invalid.length === 0;
  const pods = !peer.podSelector || isEmpty(peer.podSelector) ? 'all pods' : `pods matching {${describeSelector(peer.podSelector)}}`;
  let ns: string;
  const nsSel = peer.namespaceSelector;
  if (!nsSel) {
    ns = `in namespace ${peer.policyNamespace}`;
  } else if (isEmpty(nsSel)) {
    ns = 'in any namespace';
  } else {
    const keys = Object.keys(nsSel.matchLabels);
    const byName = keys.length === 1 && keys[0] === NAMESPACE_NAME_LABEL && nsSel.matchExpressions.length === 0 && nsSel.invalid.length === 0;
    ns = byName ? `in namespace ${nsSel.matchLabels[NAMESPACE_NAME_LABEL]}` : `in namespaces matching {${describeSelector(nsSel)}}`;
  }
  return `${pods} ${ns} (not among the inputs)`;
}

/** Evaluation context shared by the helpers below. */
interface Context {
  readonly workloads: readonly WorkloadInfo[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly policies: readonly CompiledPolicy[];
  readonly notes: string[];
}

function namespaceLabels(ctx: Context, ns: string): Readonly<Record<string, string>> {
  return ctx.namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns };
}

/** Whether a (non-ipBlock) peer of a policy matches the pods of workload `w`. ipBlock peers never match pods. */
function peerMatchesWorkload(ctx: Context, peer: CompiledPeer, w: WorkloadInfo): boolean {
  if (peer.type === 'ipBlock') return false;
  const nsOk = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(ctx, w.namespace))
    : w.namespace === peer.policyNamespace;
  if (!nsOk) return false;
  return peer.podSelector ? matchesSelector(peer.podSelector, w.podLabels) : true;
}

function selectingPolicies(ctx: Context, w: WorkloadInfo): CompiledPolicy[] {
  return ctx.policies.filter((p) => p.namespace === w.namespace && matchesSelector(p.podSelector, w.podLabels));
}

/**
 * The ports a rule allows towards destination `dest` (`undefined` = outside the inputs, where
 * named ports stay unresolved).
 */
function rulePorts(ctx: Context, rule: CompiledRule, policy: CompiledPolicy, dest: WorkloadInfo | undefined): AllowedPorts {
  if (rule.ports === 'all') return 'all';
  const out: PortSpec[] = [];
  for (const p of rule.ports) {
    if (p.port === undefined) {
      out.push({ protocol: p.protocol, port: 1, endPort: MAX_PORT });
    } else if (typeof p.port === 'number') {
      out.push(p.endPort !== undefined ? { protocol: p.protocol, port: p.port, endPort: p.endPort } : { protocol: p.protocol, port: p.port });
    } else if (dest === undefined) {
      out.push({ protocol: p.protocol, port: p.port });
    } else {
      const matches = dest.ports.filter((cp) => cp.name === p.port && cp.protocol === p.protocol);
      if (matches.length === 0) {
        ctx.notes.push(
          `NetworkPolicy ${policy.namespace}/${policy.name}: named port ${JSON.stringify(p.port)}/${p.protocol} is not declared by any container of ` +
            `${workloadKey(dest)}; it allows nothing there`,
        );
      }
      for (const cp of matches) out.push({ protocol: p.protocol, port: cp.containerPort });
    }
  }
  return normalizePorts(out);
}

interface Isolation {
  readonly ingress: readonly CompiledPolicy[] | undefined;
  readonly egress: readonly CompiledPolicy[] | undefined;
}

function isolationOf(ctx: Context, w: WorkloadInfo): Isolation {
  const sel = selectingPolicies(ctx, w);
  const ing = sel.filter((p) => p.ingress !== undefined);
  const eg = sel.filter((p) => p.egress !== undefined);
  return { ingress: ing.length > 0 ? ing : undefined, egress: eg.length > 0 ? eg : undefined };
}

/** Ports on which `src`'s egress policies allow traffic towards workload `dst`. */
function egressAllowed(ctx: Context, iso: Isolation, dst: WorkloadInfo): AllowedPorts {
  if (!iso.egress) return 'all';
  let acc: AllowedPorts = NO_PORTS;
  for (const policy of iso.egress) {
    for (const rule of policy.egress ?? []) {
      if (rule.peers === 'all' || rule.peers.some((p) => peerMatchesWorkload(ctx, p, dst))) {
        acc = unionPorts(acc, rulePorts(ctx, rule, policy, dst));
      }
    }
  }
  return acc;
}

/** Ports on which `dst`'s ingress policies allow traffic from workload `src`. */
function ingressAllowed(ctx: Context, iso: Isolation, dst: WorkloadInfo, src: WorkloadInfo): AllowedPorts {
  if (!iso.ingress) return 'all';
  let acc: AllowedPorts = NO_PORTS;
  for (const policy of iso.ingress) {
    for (const rule of policy.ingress ?? []) {
      if (rule.peers === 'all' || rule.peers.some((p) => peerMatchesWorkload(ctx, p, src))) {
        acc = unionPorts(acc, rulePorts(ctx, rule, policy, dst));
      }
    }
  }
  return acc;
}

/**
 * Whether a selector peer may also select pods of namespaces that are not among the inputs: any
 * namespace selector but the equality on one input namespace's name (`namespaceSelector: {}`, by
 * team label, ...). Such a peer is an external flow too, even when it also selects workloads of
 * the inputs.
 */
function mayMatchOutside(ctx: Context, peer: CompiledPeer): boolean {
  if (peer.type !== 'selector' || !peer.namespaceSelector) return false;
  const sel = peer.namespaceSelector;
  const keys = Object.keys(sel.matchLabels);
  const byName = keys.length === 1 && keys[0] === NAMESPACE_NAME_LABEL && sel.matchExpressions.length === 0 && sel.invalid.length === 0;
  return !(byName && ctx.namespaces.has(sel.matchLabels[NAMESPACE_NAME_LABEL]!));
}

/** Flows between `w` and outside the inputs, in one direction, before layers. */
function externalFlowsOf(ctx: Context, w: WorkloadInfo, policies: readonly CompiledPolicy[] | undefined, direction: 'egress' | 'ingress'): { peer: ExternalPeer; ports: AllowedPorts }[] {
  if (!policies) return [{ peer: { type: 'any' }, ports: 'all' }];
  const out: { peer: ExternalPeer; ports: AllowedPorts }[] = [];
  for (const policy of policies) {
    for (const rule of (direction === 'egress' ? policy.egress : policy.ingress) ?? []) {
      // Egress goes to an unknown destination (named ports stay unresolved); ingress lands on `w`.
      const ports = rulePorts(ctx, rule, policy, direction === 'egress' ? undefined : w);
      if (rule.peers === 'all') {
        out.push({ peer: { type: 'any' }, ports });
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.type === 'ipBlock') {
          out.push({ peer: { type: 'ipBlock', cidr: peer.cidr, except: [...peer.except] }, ports });
        } else if (mayMatchOutside(ctx, peer) || !ctx.workloads.some((o) => peerMatchesWorkload(ctx, peer, o))) {
          out.push({ peer: { type: 'selector', description: describeSelectorPeer(peer) }, ports });
        }
      }
    }
  }
  return out;
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
  workloads.forEach((src, i) => {
    workloads.forEach((dst, j) => {
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

/**
 * The NetworkPolicies (`namespace/name`, sorted) whose rules let `from` reach `to` on some of
 * `ports`: the client's egress policies and the server's ingress policies. Names the objects behind
 * a reachability item.
 */
export function networkPoliciesAllowing(objects: readonly KubeObject[], from: FlowEndRef, to: FlowEndRef, ports: AllowedPorts): { readonly egress: string[]; readonly ingress: string[] } {
  const notes: string[] = [];
  const workloads = extractWorkloads(objects);
  const ctx: Context = { workloads, namespaces: new Map(extractNamespaces(objects).map((n) => [n.name, n])), policies: compileNetworkPolicies(objects, notes), notes };
  const find = (end: FlowEndRef): WorkloadInfo | undefined => (end.type === 'workload' ? workloads.find((w) => workloadKey(w) === workloadKey(end.workload)) : undefined);
  const src = find(from);
  const dst = find(to);
  const overlaps = (p: AllowedPorts) => !isEmptyPorts(intersectPorts(p, ports));
  const name = (p: CompiledPolicy) => `${p.namespace}/${p.name}`;
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
  return { egress: side(src, 'egress', dst, to), ingress: side(dst, 'ingress', src, from) };
}
