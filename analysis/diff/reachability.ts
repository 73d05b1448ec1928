/**
 * Reachability items: flows (workload to workload, and to or from outside the inputs) whose
 * allowed ports differ between the two matrices, each computed from NetworkPolicies and Istio
 * AuthorizationPolicies together. A flow with both newly allowed and no longer allowed ports gives
 * two items (one opens, one tightens), so that swapping the sides swaps the classification exactly.
 */
import { formatPorts, isEmptyPorts, NO_PORTS, subtractPorts, type AllowedPorts } from '../report/ports';
import { externalPeerKey, type ReachabilityMatrix } from '../report/reachability';
import { shortPeerLabel } from '../report/mermaid';
import { workloadKey, type WorkloadRef } from '../report/workloads';
import { workloadIdentity, type WorkloadIdentity } from './identity';
import type { DiffItem, FlowChange, FlowEnd } from './model';

interface FlowEntry {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly ports: AllowedPorts;
}

/** The flows of a matrix by a stable key (workloads keyed by `identity`, default namespace/kind/name). */
export function flowsOf(matrix: ReachabilityMatrix, identity: WorkloadIdentity = workloadKey): Map<string, FlowEntry> {
  const out = new Map<string, FlowEntry>();
  for (const e of matrix.edges) {
    out.set(`w ${identity(e.from)} > ${identity(e.to)}`, { from: { type: 'workload', workload: e.from }, to: { type: 'workload', workload: e.to }, ports: e.ports });
  }
  for (const f of matrix.external) {
    const wl: FlowEnd = { type: 'workload', workload: f.workload };
    const ext: FlowEnd = { type: 'external', peer: f.peer };
    out.set(`e ${identity(f.workload)} ${f.direction} ${externalPeerKey(f.peer)}`, f.direction === 'egress' ? { from: wl, to: ext, ports: f.ports } : { from: ext, to: wl, ports: f.ports });
  }
  return out;
}

const wlName = (w: WorkloadRef): string => `${w.namespace}/${w.name}`;

/** `ns/name`, or the peer outside the inputs in short form. */
export function endLabel(end: FlowEnd): string {
  return end.type === 'workload' ? wlName(end.workload) : `outside: ${shortPeerLabel(end.peer)}`;
}

function namespaceOfFlow(from: FlowEnd, to: FlowEnd): string | undefined {
  // the destination's namespace (who is reached), else the source's
  if (to.type === 'workload') return to.workload.namespace;
  if (from.type === 'workload') return from.workload.namespace;
  return undefined;
}

/** `'all'` for the set of every port of every protocol, else the set as it is. */
function whole(ports: AllowedPorts): AllowedPorts {
  return ports !== 'all' && isEmptyPorts(subtractPorts('all', ports)) ? 'all' : ports;
}

/** The reachability items between two matrices. */
export function diffReachability(before: ReachabilityMatrix, after: ReachabilityMatrix, identity: WorkloadIdentity = workloadIdentity(before.workloads, after.workloads)): DiffItem[] {
  const a = flowsOf(before, identity);
  const b = flowsOf(after, identity);
  const items: DiffItem[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const old = a.get(key);
    const now = b.get(key);
    const ends = (now ?? old)!;
    const oldPorts = old?.ports ?? NO_PORTS;
    const newPorts = now?.ports ?? NO_PORTS;
    const opened = whole(subtractPorts(newPorts, oldPorts));
    const closed = whole(subtractPorts(oldPorts, newPorts));
    if (isEmptyPorts(opened) && isEmptyPorts(closed)) continue;
    const external = ends.from.type === 'external' || ends.to.type === 'external';
    const subject = `${endLabel(ends.from)} → ${endLabel(ends.to)}`;
    const ns = namespaceOfFlow(ends.from, ends.to);
    const flow = (ports: AllowedPorts): FlowChange => ({ from: ends.from, to: ends.to, external, before: oldPorts, after: newPorts, ports });
    const base = { category: 'reachability' as const, ...(ns !== undefined ? { namespace: ns } : {}), subject };
    if (!isEmptyPorts(opened)) {
      const added = isEmptyPorts(oldPorts);
      items.push({
        ...base,
        effect: 'opens',
        change: added ? 'flow-added' : 'flow-widened',
        message: added ? `new flow on ${formatPorts(opened)}` : `also allows ${formatPorts(opened)} (was ${formatPorts(oldPorts)})`,
        flow: flow(opened),
      });
    }
    if (!isEmptyPorts(closed)) {
      const removed = isEmptyPorts(newPorts);
      items.push({
        ...base,
        effect: 'tightens',
        change: removed ? 'flow-removed' : 'flow-narrowed',
        message: removed ? `flow removed (was ${formatPorts(closed)})` : `no longer allows ${formatPorts(closed)} (now ${formatPorts(newPorts)})`,
        flow: flow(closed),
      });
    }
  }
  return items;
}
