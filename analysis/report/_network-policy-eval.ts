/**
 * The NetworkPolicy evaluation behind `computeReachability` (private module): the evaluation
 * context, which policies isolate a workload, what a side's rules allow towards a workload or
 * outside the inputs, and how outside peers are keyed and described. See reachability.ts for the
 * semantics.
 */
import type { CompiledPeer, CompiledPolicy, CompiledRule } from './network-policy';
import { AllowedPorts, MAX_PORT, normalizePorts, NO_PORTS, PortSpec, unionPorts } from './ports';
import type { ExternalPeer } from './reachability-layer';
import { describeSelector, LabelSelector, matchesSelector } from './selectors';
import { NAMESPACE_NAME_LABEL, NamespaceInfo, WorkloadInfo, workloadKey } from './workloads';

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

export function describeSelectorPeer(peer: Extract<CompiledPeer, { type: 'selector' }>): string {
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
export interface Context {
  readonly workloads: readonly WorkloadInfo[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly policies: readonly CompiledPolicy[];
  readonly notes: string[];
}

export function namespaceLabels(ctx: Context, ns: string): Readonly<Record<string, string>> {
  return ctx.namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns };
}

/** Whether a (non-ipBlock) peer of a policy matches the pods of workload `w`. ipBlock peers never match pods. */
export function peerMatchesWorkload(ctx: Context, peer: CompiledPeer, w: WorkloadInfo): boolean {
  if (peer.type === 'ipBlock') return false;
  const nsOk = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(ctx, w.namespace))
    : w.namespace === peer.policyNamespace;
  if (!nsOk) return false;
  return peer.podSelector ? matchesSelector(peer.podSelector, w.podLabels) : true;
}

const POLICIES_BY_NAMESPACE = new WeakMap<readonly CompiledPolicy[], ReadonlyMap<string, readonly CompiledPolicy[]>>();

/** The policies of each namespace, in order, indexed once per context's policy list. */
function policiesIn(ctx: Context, namespace: string): readonly CompiledPolicy[] {
  let index = POLICIES_BY_NAMESPACE.get(ctx.policies);
  if (index === undefined) {
    const built = new Map<string, CompiledPolicy[]>();
    for (const p of ctx.policies) {
      const list = built.get(p.namespace) ?? [];
      built.set(p.namespace, list);
      list.push(p);
    }
    index = built;
    POLICIES_BY_NAMESPACE.set(ctx.policies, index);
  }
  return index.get(namespace) ?? [];
}

interface PeerIndex {
  readonly byNamespace: ReadonlyMap<string, readonly number[]>;
  readonly selected: Map<CompiledPeer, readonly number[]>;
}
const PEER_INDEXES = new WeakMap<Context, PeerIndex>();

/**
 * The workloads (indices into `ctx.workloads`, ascending) that a peer selects, exactly as
 * {@link peerMatchesWorkload} decides, found through the workloads of the namespaces the peer
 * can name instead of by testing every workload; memoized per context and peer.
 */
export function workloadsSelectedBy(ctx: Context, peer: CompiledPeer): readonly number[] {
  let index = PEER_INDEXES.get(ctx);
  if (index === undefined) {
    const byNamespace = new Map<string, number[]>();
    ctx.workloads.forEach((w, i) => {
      const list = byNamespace.get(w.namespace) ?? [];
      byNamespace.set(w.namespace, list);
      list.push(i);
    });
    index = { byNamespace, selected: new Map() };
    PEER_INDEXES.set(ctx, index);
  }
  const cached = index.selected.get(peer);
  if (cached !== undefined) return cached;
  const found: number[] = [];
  if (peer.type === 'selector') {
    const sel = peer.namespaceSelector;
    const named = sel?.matchLabels[NAMESPACE_NAME_LABEL];
    const namespaces = !sel ? [peer.policyNamespace] : named !== undefined ? [named] : [...index.byNamespace.keys()];
    for (const ns of namespaces) {
      for (const i of index.byNamespace.get(ns) ?? []) {
        if (peerMatchesWorkload(ctx, peer, ctx.workloads[i]!)) found.push(i);
      }
    }
    found.sort((x, y) => x - y);
  }
  index.selected.set(peer, found);
  return found;
}

export function selectingPolicies(ctx: Context, w: WorkloadInfo): CompiledPolicy[] {
  return policiesIn(ctx, w.namespace).filter((p) => matchesSelector(p.podSelector, w.podLabels));
}

/**
 * The ports a rule allows towards destination `dest` (`undefined` = outside the inputs, where
 * named ports stay unresolved).
 */
export function rulePorts(ctx: Context, rule: CompiledRule, policy: CompiledPolicy, dest: WorkloadInfo | undefined): AllowedPorts {
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

export interface Isolation {
  readonly ingress: readonly CompiledPolicy[] | undefined;
  readonly egress: readonly CompiledPolicy[] | undefined;
}

export function isolationOf(ctx: Context, w: WorkloadInfo): Isolation {
  const sel = selectingPolicies(ctx, w);
  const ing = sel.filter((p) => p.ingress !== undefined);
  const eg = sel.filter((p) => p.egress !== undefined);
  return { ingress: ing.length > 0 ? ing : undefined, egress: eg.length > 0 ? eg : undefined };
}

/** Ports on which `src`'s egress policies allow traffic towards workload `dst`. */
export function egressAllowed(ctx: Context, iso: Isolation, dst: WorkloadInfo): AllowedPorts {
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
export function ingressAllowed(ctx: Context, iso: Isolation, dst: WorkloadInfo, src: WorkloadInfo): AllowedPorts {
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
export function mayMatchOutside(ctx: Context, peer: CompiledPeer): boolean {
  if (peer.type !== 'selector' || !peer.namespaceSelector) return false;
  const sel = peer.namespaceSelector;
  const keys = Object.keys(sel.matchLabels);
  const byName = keys.length === 1 && keys[0] === NAMESPACE_NAME_LABEL && sel.matchExpressions.length === 0 && sel.invalid.length === 0;
  return !(byName && ctx.namespaces.has(sel.matchLabels[NAMESPACE_NAME_LABEL]!));
}

/** Flows between `w` and outside the inputs, in one direction, before layers. */
export function externalFlowsOf(ctx: Context, w: WorkloadInfo, policies: readonly CompiledPolicy[] | undefined, direction: 'egress' | 'ingress'): { peer: ExternalPeer; ports: AllowedPorts }[] {
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
        } else if (mayMatchOutside(ctx, peer) || workloadsSelectedBy(ctx, peer).length === 0) {
          out.push({ peer: { type: 'selector', description: describeSelectorPeer(peer) }, ports });
        }
      }
    }
  }
  return out;
}

