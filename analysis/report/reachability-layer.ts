/**
 * The contract between the reachability evaluator (reachability.ts) and the enforcement layers on
 * top of NetworkPolicies (authorization-policy.ts): what a layer is shown and what it returns.
 */
import type { AllowedPorts } from './ports';
import type { WorkloadInfo } from './workloads';

/**
 * Something outside the workloads of the inputs:
 * - `any`: any address at all (a non-isolated direction, or a rule with no `to`/`from`);
 * - `ipBlock`: a CIDR with its exceptions;
 * - `selector`: pods matched by a selector peer when no workload of the inputs matches it
 *   (typically `kube-system/kube-dns`, or an ingress controller deployed elsewhere).
 */
export type ExternalPeer =
  | { readonly type: 'any' }
  | { readonly type: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] }
  | { readonly type: 'selector'; readonly description: string };

/** One end of a flow presented to a {@link ReachabilityLayer}. */
export type FlowEndpoint =
  | { readonly type: 'workload'; readonly workload: WorkloadInfo }
  | { readonly type: 'external'; readonly peer: ExternalPeer };

/** A flow already allowed by NetworkPolicies (and earlier layers), presented to the next layer. */
export interface LayerFlow {
  readonly from: FlowEndpoint;
  readonly to: FlowEndpoint;
  /** What is allowed so far; never empty. */
  readonly allowed: AllowedPorts;
}

/**
 * A further enforcement layer on top of NetworkPolicies, such as Istio AuthorizationPolicy
 * (an L7 layer keyed by the source's service-account principal, see `istioPrincipal` in reachability.ts).
 * A layer can only narrow: whatever `restrict` returns is intersected with `flow.allowed`.
 */
export interface ReachabilityLayer {
  /** Shown in the report, e.g. `istio-authorization`. */
  readonly name: string;
  /** The ports this layer lets through for `flow`; `'all'` lets everything allowed so far through. */
  restrict(flow: LayerFlow): AllowedPorts;
  /** What the layer could not evaluate, read after the matrix is computed and merged into its notes. */
  readonly notes?: readonly string[];
}
