import type { AppModel } from '../app-model';
import type { HardenedContainerResources } from '../hardened-container';
import * as v from '../_validate';
import { quotaProblems } from '../_quota-fit';

// Private module: the checks of a HardenedGateway that need the finished app (run once, at synth).

/** What one gateway pod asks for, and how many there are at most. @internal */
export interface ProxyUsage {
  readonly pods: number;
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
}

/** The requests and limits of one istio-proxy container, as quantities by resource name. @internal */
export function containerUsage(r: HardenedContainerResources): { requests: Record<string, string>; limits: Record<string, string> } {
  const e = r.ephemeralStorage;
  return {
    requests: { 'cpu': r.cpu.request, 'memory': r.memory.request, ...(e ? { 'ephemeral-storage': e.request } : {}) },
    limits: { 'cpu': r.cpu.limit, 'memory': r.memory.limit, ...(e ? { 'ephemeral-storage': e.limit } : {}) },
  };
}

/** Why a meshed namespace cannot hold the gateway. @internal */
export const meshedNamespaceProblem = (mode: string) => `is in the mesh (${mode}); the gateway's pods are Istio proxies themselves, and the namespace's deny-all AuthorizationPolicy would refuse every request on the listeners`;
/** @internal */
export const MESHED_NAMESPACE_FIX = 'put the gateway in a namespace without the mesh option';

/**
 * A gateway that can never work: no route; its namespace undefined, meshed, or unable to hold the
 * pods and the LoadBalancer Istio creates; a certificate in a namespace we cannot grant from.
 * @internal
 */
export function gatewayProblems(model: AppModel, g: {
  readonly namespace: string; readonly deploymentName: string; readonly routes: number; readonly proxyUsage: ProxyUsage;
  readonly loadBalancer: boolean; readonly secretNamespace?: string;
}): string[] {
  const errors: string[] = [];
  const ns = model.namespace(g.namespace);
  if (g.routes === 0) {
    errors.push('routes: the gateway has no route. Fix: expose a workload through it with workload.exposeViaGateway(gateway, { hostnames: [...] }), or remove it.');
  }
  if (!ns) {
    errors.push(`namespace: "${g.namespace}" is not defined by any HardenedNamespace of this app, so nothing denies its traffic by default. Fix: create new HardenedNamespace(<cluster chart>, '${g.namespace}').`);
  } else {
    if (ns.mesh !== undefined) errors.push(`namespace: "${g.namespace}" ${meshedNamespaceProblem(ns.mesh.mode)}. Fix: ${MESHED_NAMESPACE_FIX}.`);
    for (const [resource, limit] of Object.entries(g.proxyUsage.limits)) {
      const max = ns.limitRange.max[resource];
      if (max !== undefined && v.parseQuantity(limit) > v.parseQuantity(max)) {
        errors.push(`resources: the ${resource} limit ${limit} of the gateway's istio-proxy is above the maximum ${max} of the LimitRange of namespace "${g.namespace}", so the API server refuses the pods Istio creates. Fix: lower the limit, or raise maxLimit of the HardenedNamespace.`);
      }
    }
    // reported here only when the namespace's workloads alone fit (else the namespace reports it)
    const workloads = model.workloadsIn(g.namespace).map(w => ({ name: w.name, usage: w.resourceUsage() }));
    if (quotaProblems(g.namespace, ns.node.path, ns.resourceQuota, workloads).length === 0) {
      errors.push(...quotaProblems(g.namespace, ns.node.path, ns.resourceQuota, [...workloads, { name: `${g.deploymentName} (Istio's gateway Deployment)`, usage: g.proxyUsage }]));
    }
    if (g.loadBalancer && Number(ns.resourceQuota['services.loadbalancers'] ?? Infinity) < 1) {
      errors.push(`serviceType: "LoadBalancer" is refused by the ResourceQuota of namespace "${g.namespace}" (services.loadbalancers: ${ns.resourceQuota['services.loadbalancers']}), so Istio could not create the gateway's Service. Fix: allow one in the namespace's resourceQuota ('services.loadbalancers': '1'), or set serviceType: GatewayServiceType.CLUSTER_IP.`);
    }
  }
  if (g.secretNamespace !== undefined && !model.namespace(g.secretNamespace)) {
    errors.push(`tls.namespace: "${g.secretNamespace}" is not a namespace of this app, so no ReferenceGrant can be written there and the Gateway API refuses the cross-namespace certificate. Fix: keep the Secret in namespace "${g.namespace}", or define "${g.secretNamespace}" with a HardenedNamespace of this app.`);
  }
  return errors;
}
