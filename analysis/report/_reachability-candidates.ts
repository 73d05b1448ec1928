/**
 * Which pairs of workloads a NetworkPolicy rule could admit at all (private module of
 * `computeReachability`): for each compiled peer, the workloads it selects, found through the
 * workloads of the namespaces it can name instead of by testing every workload; for each side,
 * the union over its rules. A pair outside both candidate sets has no allowed port, so the
 * evaluator skips it: the matrix is exactly the one of all pairs, computed in time that grows
 * with the declared flows, not with the square of the workloads.
 */
import type { CompiledPeer } from './network-policy';
import type { Context, Isolation } from './_network-policy-eval';
import { namespaceLabels } from './_network-policy-eval';
import { matchesSelector } from './selectors';
import { NAMESPACE_NAME_LABEL } from './workloads';

/** Every workload (the side is not isolated, or a rule admits any peer). */
export const ALL = 'all' as const;

/** A side's candidate workloads: indices into `ctx.workloads`, or {@link ALL}. */
export type Candidates = ReadonlySet<number> | typeof ALL;

/** The candidate finder of one evaluation context (memoizes each peer's matches). */
export class ReachabilityCandidates {
  private readonly byNamespace = new Map<string, number[]>();
  private readonly peers = new Map<CompiledPeer, readonly number[]>();

  constructor(private readonly ctx: Context) {
    ctx.workloads.forEach((w, i) => {
      const list = this.byNamespace.get(w.namespace) ?? [];
      this.byNamespace.set(w.namespace, list);
      list.push(i);
    });
  }

  /** The workloads `iso`'s egress rules could send to. */
  public egress(iso: Isolation): Candidates {
    return this.ofRules(iso.egress?.map(p => p.egress ?? []));
  }

  /** The workloads `iso`'s ingress rules could receive from. */
  public ingress(iso: Isolation): Candidates {
    return this.ofRules(iso.ingress?.map(p => p.ingress ?? []));
  }

  private ofRules(rulesByPolicy: readonly (readonly { readonly peers: 'all' | readonly CompiledPeer[] }[])[] | undefined): Candidates {
    if (rulesByPolicy === undefined) return ALL;
    const out = new Set<number>();
    for (const rules of rulesByPolicy) {
      for (const rule of rules) {
        if (rule.peers === 'all') return ALL;
        for (const peer of rule.peers) for (const i of this.matches(peer)) out.add(i);
      }
    }
    return out;
  }

  /** The workloads a peer selects (as peerMatchesWorkload decides, over the namespaces it can name). */
  private matches(peer: CompiledPeer): readonly number[] {
    const cached = this.peers.get(peer);
    if (cached !== undefined) return cached;
    let found: number[] = [];
    if (peer.type === 'selector') {
      const namespaces = this.namespacesOf(peer);
      for (const ns of namespaces) {
        for (const i of this.byNamespace.get(ns) ?? []) {
          if (!peer.podSelector || matchesSelector(peer.podSelector, this.ctx.workloads[i]!.podLabels)) found.push(i);
        }
      }
      found = found.sort((a, b) => a - b);
    }
    this.peers.set(peer, found);
    return found;
  }

  private namespacesOf(peer: Extract<CompiledPeer, { type: 'selector' }>): readonly string[] {
    const sel = peer.namespaceSelector;
    if (!sel) return [peer.policyNamespace];
    const byName = sel.matchLabels[NAMESPACE_NAME_LABEL];
    const candidates = byName !== undefined ? [byName] : [...this.byNamespace.keys()];
    return candidates.filter(ns => matchesSelector(sel, namespaceLabels(this.ctx, ns)));
  }
}
