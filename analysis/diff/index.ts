/**
 * The security review of a change: what a new set of manifests opens, relaxes or tightens
 * compared with an old one. See `docs/diff.md`.
 */
import type { KubeObject } from '../../policy/kube-object';
import { computeReachability, defaultLayers, type ReachabilityMatrix } from '../report/reachability';
import { DEFAULT_ISTIO_ROOT_NAMESPACE } from '../report/posture';
import { dataPlaneModel } from '../report/data-plane';
import { diffAdmission } from './admission';
import { workloadIdentity } from './identity';
import { diffExceptions } from './exceptions';
import { diffGatewayEntryPoints } from './gateway';
import { diffOutsideHosts } from './outside-hosts';
import { compareItems, DiffEffect, DiffItem, SecurityDiff } from './model';
import { diffNamespaces, diffRbac, diffWorkloads } from './posture';
import { diffReachability } from './reachability';
import { diffLayers, policyExplainer } from './layers';
import { diffSupplyChain } from './supply-chain';

export {
  compareItems, DIFF_CATEGORIES, DIFF_EFFECTS, type DiffCategory, type DiffEffect, type DiffItem,
  type FlowChange, type FlowEnd, listSome, type SecurityDiff,
} from './model';
export { workloadIdentity, type WorkloadIdentity } from './identity';
export { diffReachability, flowsOf, endLabel } from './reachability';
export { diffLayers, type DiffLayer, policyExplainer, type PolicyExplainer } from './layers';
export { diffNamespaces, diffWorkloads, diffRbac } from './posture';
export { permissionsBySubject } from '../report/api-permissions';
export { diffSupplyChain, parseImageRef, type ImageRef } from './supply-chain';
export { diffExceptions } from './exceptions';
export { diffAdmission } from './admission';
export { diffGatewayEntryPoints } from './gateway';
export { renderDiffMarkdown, renderDiffJson, type DiffRenderOptions } from './render';

/** Options of {@link diffManifests}. */
export interface DiffOptions {
  /** Istio root namespace (mesh-wide AuthorizationPolicies). Default `istio-system`. */
  readonly istioRootNamespace?: string;
  /** The day (`YYYY-MM-DD`) exception expiry is judged on. Default: today (UTC). */
  readonly today?: string;
}

/** The reachability of one side: NetworkPolicies and Istio AuthorizationPolicies together. */
export function sideMatrix(objects: readonly KubeObject[], options: DiffOptions = {}): ReachabilityMatrix {
  const rootNamespace = options.istioRootNamespace ?? DEFAULT_ISTIO_ROOT_NAMESPACE;
  const dataPlane = dataPlaneModel(objects, { rootNamespace });
  return computeReachability(objects, { layers: defaultLayers(objects, { rootNamespace }), ...(dataPlane ? { dataPlane } : {}) });
}

/** Every classified item between `before` and `after`, sorted. Pure and deterministic. */
export function diffManifests(before: readonly KubeObject[], after: readonly KubeObject[], options: DiffOptions = {}): SecurityDiff & { readonly before: ReachabilityMatrix; readonly after: ReachabilityMatrix } {
  const mb = sideMatrix(before, options);
  const ma = sideMatrix(after, options);
  const identity = workloadIdentity(mb.workloads, ma.workloads);
  const rootNamespace = options.istioRootNamespace ?? DEFAULT_ISTIO_ROOT_NAMESPACE;
  const all = ['NetworkPolicy egress', 'NetworkPolicy ingress', 'AuthorizationPolicy'] as const;
  const explain = { before: policyExplainer(before, rootNamespace), after: policyExplainer(after, rootNamespace) };
  const reachability = diffReachability(mb, ma, identity).map((i): DiffItem => {
    if (!i.flow) return i;
    const policies = (i.effect === 'opens' ? explain.after : explain.before)(i.flow.from, i.flow.to, i.flow.ports, all);
    return policies.length > 0 ? { ...i, policies } : i;
  });
  const items: DiffItem[] = [
    ...reachability,
    ...diffLayers(before, after, reachability, identity, rootNamespace, explain),
    ...diffNamespaces(before, after),
    ...diffWorkloads(before, after, identity),
    ...diffRbac(before, after),
    ...diffSupplyChain(before, after, identity),
    ...diffExceptions(before, after, identity, options.today),
    ...diffAdmission(before, after),
    ...diffOutsideHosts(before, after),
    ...diffGatewayEntryPoints(before, after),
  ].sort(compareItems);
  const counts: Record<DiffEffect, number> = { opens: 0, tightens: 0, neutral: 0 };
  for (const i of items) counts[i.effect]++;
  const inNew = new Set(ma.notes);
  const inOld = new Set(mb.notes);
  const notes = [...ma.notes.filter((n) => inOld.has(n)), ...mb.notes.filter((n) => !inNew.has(n)).map((n) => `old: ${n}`), ...ma.notes.filter((n) => !inOld.has(n)).map((n) => `new: ${n}`)];
  return { items, counts, notes, before: mb, after: ma };
}
