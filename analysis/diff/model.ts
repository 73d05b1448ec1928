/** The items of a security diff between two sets of manifests, and how they are ordered. */
import type { AllowedPorts } from '../report/ports';
import type { ExternalPeer } from '../report/reachability-layer';
import { compareStrings } from '../report/read';
import type { WorkloadRef } from '../report/workloads';

/** What a change is about. */
export type DiffCategory = 'reachability' | 'posture' | 'supply-chain' | 'exceptions' | 'admission';

/** Display order of the categories. */
export const DIFF_CATEGORIES: readonly DiffCategory[] = ['reachability', 'posture', 'supply-chain', 'exceptions', 'admission'];

/**
 * How a change moves the security of the cluster: `opens` (opens or relaxes something: a new flow,
 * a lower Pod Security level, a new exception, a removed admission policy), `tightens`, or
 * `neutral` (worth a look, neither: a new digest, a changed reason).
 */
export type DiffEffect = 'opens' | 'tightens' | 'neutral';

/** Display order of the effects. */
export const DIFF_EFFECTS: readonly DiffEffect[] = ['opens', 'tightens', 'neutral'];

/** One end of a flow: a workload of the inputs, or a peer outside them. */
export type FlowEnd = { readonly type: 'workload'; readonly workload: WorkloadRef } | { readonly type: 'external'; readonly peer: ExternalPeer };

/** A change of reachability between two ends. */
export interface FlowChange {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  /** Whether one end is outside the inputs (outside the cluster, or pods the inputs do not hold). */
  readonly external: boolean;
  /** What was allowed before (`[]` = nothing). */
  readonly before: AllowedPorts;
  /** What is allowed after. */
  readonly after: AllowedPorts;
  /** The ports this item is about: newly allowed (opens) or no longer allowed (tightens). */
  readonly ports: AllowedPorts;
}

/** One change, classified. */
export interface DiffItem {
  readonly category: DiffCategory;
  readonly effect: DiffEffect;
  /**
   * A stable machine name: `flow-added`, `flow-removed`, `flow-widened`, `flow-narrowed`,
   * `pss-level`, `pss-version`, `namespace-added`, `namespace-removed`, `workload-added`,
   * `workload-removed`, `workload-kind`, `privileged`, `privilege-escalation`, `capabilities`, `run-as-root`,
   * `writable-root-fs`, `host-access`, `seccomp`, `automount-token`, `runtime-class`,
   * `service-account`, `listening-port`, `rbac`, `image-unpinned`, `image-pinned`, `image-digest`, `image-changed`,
   * `registry`, `exception-added`, `exception-removed`, `exception-reason`, `admission-removed`,
   * `admission-added`, `admission-action`, `admission-failure-policy`, `admission-changed`,
   * `layer-opens` (one layer alone admits more, while another still refuses the connection),
   * `layer-tightens` (one layer alone admits less, end to end unchanged), `outside-host-added`,
   * `outside-host-removed` (the mesh registry of destinations outside the cluster).
   */
  readonly change: string;
  /**
   * For `layer-opens` and `layer-tightens`: the layer, `NetworkPolicy ingress` (the server's), `NetworkPolicy egress`
   * (the client's) or `AuthorizationPolicy`.
   */
  readonly layer?: string;
  /** For reachability items: the policy objects behind it (`Kind namespace/name`), on the side that allows it. */
  readonly policies?: readonly string[];
  /** The namespace it concerns; absent for cluster-wide things. */
  readonly namespace?: string;
  /** What changed: `backend/Deployment/api`, `storefront/web → backend/api`, `namespace backend`, … */
  readonly subject: string;
  /** One line for a reviewer. */
  readonly message: string;
  /** For reachability items. */
  readonly flow?: FlowChange;
}

/** The outcome of a diff. */
export interface SecurityDiff {
  /** Sorted: by effect, category, namespace, subject, change, message. */
  readonly items: readonly DiffItem[];
  readonly counts: Readonly<Record<DiffEffect, number>>;
  /** Notes of the reachability evaluation on either side (`old: …`, `new: …`). */
  readonly notes: readonly string[];
}

/** Total order on items used for deterministic output. */
export function compareItems(a: DiffItem, b: DiffItem): number {
  return (
    DIFF_EFFECTS.indexOf(a.effect) - DIFF_EFFECTS.indexOf(b.effect) ||
    DIFF_CATEGORIES.indexOf(a.category) - DIFF_CATEGORIES.indexOf(b.category) ||
    compareStrings(a.namespace ?? '', b.namespace ?? '') ||
    compareStrings(a.subject, b.subject) ||
    compareStrings(a.change, b.change) ||
    compareStrings(a.message, b.message)
  );
}

/** Lists at most `max` values, then `and n more`. */
export function listSome(values: readonly string[], max = 6): string {
  if (values.length <= max) return values.join(', ');
  return `${values.slice(0, max).join(', ')} and ${values.length - max} more`;
}
