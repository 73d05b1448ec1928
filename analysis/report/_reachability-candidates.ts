/**
 * Which pairs of workloads a NetworkPolicy rule could admit at all (private module of
 * `computeReachability`): for each side, the union over its rules of the workloads each peer
 * selects (`workloadsSelectedBy`). A pair outside both candidate sets has no allowed port, so the
 * evaluator skips it: the matrix is exactly the one of all pairs, computed in time that grows
 * with the declared flows, not with the square of the workloads.
 */
import type { CompiledPeer } from './network-policy';
import { type Context, type Isolation, workloadsSelectedBy } from './_network-policy-eval';

/** Every workload (the side is not isolated, or a rule admits any peer). */
export const ALL = 'all' as const;

/** A side's candidate workloads: indices into `ctx.workloads`, or {@link ALL}. */
export type Candidates = ReadonlySet<number> | typeof ALL;

/** The candidate finder of one evaluation context (memoizes each peer's matches). */
export class ReachabilityCandidates {
  constructor(private readonly ctx: Context) {}

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
        for (const peer of rule.peers) for (const i of workloadsSelectedBy(this.ctx, peer)) out.add(i);
      }
    }
    return out;
  }
}
