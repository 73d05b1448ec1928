/**
 * Reachability per layer: defence in depth means an opening at one layer is a review item even
 * while another layer still refuses the connection. Each layer is evaluated alone (the server's
 * ingress NetworkPolicies, the client's egress NetworkPolicies, the Istio AuthorizationPolicies)
 * on both sides; what a layer newly admits, beyond what the change opens as a whole, is an
 * `opens` item (`layer-opens`) that names the layer and the policy objects behind it; what it no
 * longer admits beyond what closes as a whole, a `tightens` one (`layer-tightens`).
 */
import type { KubeObject } from '../../policy/kube-object';
import { istioAuthorizationLayer, type IstioAuthorizationLayer } from '../report/authorization-policy';
import { dataPlaneModes, HBONE_PORT, SIDECAR_UNCAPTURED_PORTS } from '../report/data-plane';
import { AllowedPorts, formatPorts, intersectPorts, isEmptyPorts, MAX_PORT, subtractPorts, unionPorts } from '../report/ports';
import { computeReachability, networkPolicyExplainer, type ReachabilityEdge, type ReachabilityMatrix } from '../report/reachability';
import type { FlowEndpoint } from '../report/reachability-layer';
import { extractWorkloads, workloadKey, type WorkloadInfo, type WorkloadRef } from '../report/workloads';
import type { WorkloadIdentity } from './identity';
import type { DiffItem, FlowEnd } from './model';
import { diffReachability } from './reachability';

/** The layers a reachability item can name. */
export type DiffLayer = 'NetworkPolicy ingress' | 'NetworkPolicy egress' | 'AuthorizationPolicy';

const TCP_ALL: AllowedPorts = [{ protocol: 'TCP', port: 1, endPort: MAX_PORT }];

/**
 * What the AuthorizationPolicies alone admit between the workloads of `objects` (TCP; the proxy
 * carries nothing else), towards the destinations `governed` names (those some policy applies to
 * on either side; to the others both sides admit everything, so they cannot differ).
 */
function authorizationMatrix(objects: readonly KubeObject[], layer: IstioAuthorizationLayer | undefined, governed: ReadonlySet<string>): ReachabilityMatrix {
  const workloads = extractWorkloads(objects);
  const edges: ReachabilityEdge[] = [];
  for (const dst of workloads) {
    if (!governed.has(shortKey(dst))) continue;
    for (const src of workloads) {
      const ports = layer ? intersectPorts(layer.restrict({ from: { type: 'workload', workload: src }, to: { type: 'workload', workload: dst }, allowed: TCP_ALL }), TCP_ALL) : TCP_ALL;
      if (!isEmptyPorts(ports)) edges.push({ from: src, to: dst, ports });
    }
  }
  return { workloads, edges, external: [], isolation: [], layers: [], notes: [] };
}

const shortKey = (w: { readonly namespace: string; readonly name: string }) => `${w.namespace}/${w.name}`;

/** A side's workload for a reference of either side: by kind, namespace and name, else (a kind that changed) by namespace and name. */
function workloadFinder(objects: readonly KubeObject[]): (ref: WorkloadRef) => WorkloadInfo | undefined {
  const workloads = extractWorkloads(objects);
  const exact = new Map(workloads.map((w) => [workloadKey(w), w]));
  const short = new Map(workloads.map((w) => [shortKey(w), w]));
  return (ref) => exact.get(workloadKey(ref)) ?? short.get(shortKey(ref));
}

/** The destinations some AuthorizationPolicy applies to, on either side. */
function governedOf(sides: readonly (readonly KubeObject[])[], rootNamespace: string): Set<string> {
  const out = new Set<string>();
  for (const objects of sides) {
    const layer = istioAuthorizationLayer(objects, { rootNamespace });
    if (!layer) continue;
    for (const w of extractWorkloads(objects)) if (layer.governs(w)) out.add(shortKey(w));
  }
  return out;
}

/** The matrix of each layer alone. */
function layerMatrices(objects: readonly KubeObject[], rootNamespace: string, governed: ReadonlySet<string>): Record<DiffLayer, ReachabilityMatrix> {
  return {
    'NetworkPolicy ingress': computeReachability(objects, { side: 'ingress' }),
    'NetworkPolicy egress': computeReachability(objects, { side: 'egress' }),
    'AuthorizationPolicy': authorizationMatrix(objects, istioAuthorizationLayer(objects, { rootNamespace }), governed),
  };
}

/** A sidecar's uncaptured ports: not the AuthorizationPolicies' to admit or refuse. */
function unguardedOf(objects: readonly KubeObject[]): (end: FlowEnd) => AllowedPorts {
  const modeOf = dataPlaneModes(objects);
  const find = workloadFinder(objects);
  return (end) => {
    const w = end.type === 'workload' ? find(end.workload) : undefined;
    return w && modeOf(w) === 'sidecar' ? SIDECAR_UNCAPTURED_PORTS.map((port) => ({ protocol: 'TCP' as const, port })) : [];
  };
}

/** Names the policy objects behind a reachability item on one side: see {@link policyExplainer}. */
export type PolicyExplainer = (from: FlowEnd, to: FlowEnd, ports: AllowedPorts, layers: readonly DiffLayer[]) => string[];

/**
 * For the objects of one side, the policy objects behind a reachability item (`Kind
 * namespace/name`): the NetworkPolicies of `layers` that admit the flow on some of `ports` (or on
 * 15008, HBONE's wire port), and the AuthorizationPolicies that may. The objects are read once.
 */
export function policyExplainer(objects: readonly KubeObject[], rootNamespace: string): PolicyExplainer {
  const np = networkPolicyExplainer(objects);
  const authorization = istioAuthorizationLayer(objects, { rootNamespace });
  const find = workloadFinder(objects);
  const endpoint = (end: FlowEnd): FlowEndpoint | undefined => {
    if (end.type === 'external') return end;
    const w = find(end.workload);
    return w ? { type: 'workload', workload: w } : undefined;
  };
  return (from, to, ports, layers) => {
    const sides = np(from, to, unionPorts(ports, [{ protocol: 'TCP', port: HBONE_PORT }]));
    const out = [
      ...(layers.includes('NetworkPolicy egress') ? sides.egress : []),
      ...(layers.includes('NetworkPolicy ingress') ? sides.ingress : []),
    ].map((n) => `NetworkPolicy ${n}`);
    const a = endpoint(from);
    const b = endpoint(to);
    if (layers.includes('AuthorizationPolicy') && a && b && authorization) {
      out.push(...authorization.allowing({ from: a, to: b, allowed: intersectPorts(ports, TCP_ALL) }).map((n) => `AuthorizationPolicy ${n}`));
    }
    return [...new Set(out)];
  };
}

/**
 * The items of each layer between two sides: what a layer alone newly admits, less what the
 * effective reachability items already open for the same flow.
 */
export function diffLayers(before: readonly KubeObject[], after: readonly KubeObject[], effective: readonly DiffItem[], identity: WorkloadIdentity, rootNamespace: string, explain: { readonly before: PolicyExplainer; readonly after: PolicyExplainer }): DiffItem[] {
  const governed = governedOf([before, after], rootNamespace);
  const mb = layerMatrices(before, rootNamespace, governed);
  const ma = layerMatrices(after, rootNamespace, governed);
  const unguarded = { before: unguardedOf(before), after: unguardedOf(after) };
  const moved = new Map<string, AllowedPorts>();
  for (const i of effective) if (i.flow) moved.set(`${i.effect} ${i.subject}`, unionPorts(moved.get(`${i.effect} ${i.subject}`) ?? [], i.flow.ports));
  const out: DiffItem[] = [];
  for (const layer of Object.keys(ma) as DiffLayer[]) {
    for (const item of diffReachability(mb[layer], ma[layer], identity)) {
      if (!item.flow) continue;
      const same = moved.get(`${item.effect} ${item.subject}`) ?? [];
      // HBONE's wire port is accounted for when the same flow's app ports moved end to end
      const wire = layer !== 'AuthorizationPolicy' && !isEmptyPorts(intersectPorts(same, TCP_ALL)) ? unionPorts(same, [{ protocol: 'TCP', port: HBONE_PORT }]) : same;
      // the uncaptured ports of a sidecar on the side concerned are not the AuthorizationPolicies' to change
      const ignored = layer === 'AuthorizationPolicy' ? unguarded[item.effect === 'opens' ? 'after' : 'before'](item.flow.to) : [];
      const rest = subtractPorts(subtractPorts(item.flow.ports, wire), ignored);
      if (isEmptyPorts(rest)) continue;
      const opens = item.effect === 'opens';
      const policies = (opens ? explain.after : explain.before)(item.flow.from, item.flow.to, rest, [layer]);
      const was = isEmptyPorts(item.flow.before) ? '' : ` (was ${formatPorts(item.flow.before)})`;
      out.push({
        ...item,
        change: opens ? 'layer-opens' : 'layer-tightens',
        layer,
        message: opens
          ? `${layer} layer alone now admits ${formatPorts(rest)}${was}, beyond what the change opens end to end (another layer still refuses it)`
          : `${layer} layer alone no longer admits ${formatPorts(rest)}${was}, beyond what the change closes end to end`,
        flow: { ...item.flow, ports: rest },
        ...(policies.length > 0 ? { policies } : {}),
      });
    }
  }
  return out;
}
