/**
 * How a workload is recognised on both sides: by namespace and name, so that a workload whose kind
 * changed (a Deployment that became a StatefulSet) is the same workload, its flows, privileges,
 * images and exceptions compared rather than removed and added; by namespace, kind and name when
 * two workloads of one side share namespace and name.
 */
import { POD_BEARING_KINDS } from '../../policy/pod-bearing-kinds';
import { workloadKey, type WorkloadRef } from '../report/workloads';

/** The workload kinds (objects that run pods: the engine's POD_BEARING_KINDS) whose identity ignores the kind. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(POD_BEARING_KINDS.filter(k => k.runsPods).map(k => k.kind));

/** A key per workload that is equal on both sides for the same workload. */
export type WorkloadIdentity = (w: WorkloadRef) => string;

/** The identity of the workloads of two sides (see the module comment). */
export function workloadIdentity(before: readonly WorkloadRef[], after: readonly WorkloadRef[]): WorkloadIdentity {
  const ambiguous = new Set<string>();
  for (const side of [before, after]) {
    const seen = new Set<string>();
    for (const w of side) {
      const short = `${w.namespace}/${w.name}`;
      if (seen.has(short)) ambiguous.add(short);
      seen.add(short);
    }
  }
  return (w) => {
    const short = `${w.namespace}/${w.name}`;
    return ambiguous.has(short) ? workloadKey(w) : `${w.namespace}/*/${w.name}`;
  };
}
