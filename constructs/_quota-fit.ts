import * as v from './_validate';

// Private module: whether a namespace's ResourceQuota can hold its workloads at their most pods
// (replicas, rolling-update surge, autoscaling maximum), checked once per namespace at synth.

/** What one workload needs at most. */
export interface QuotaUsage {
  readonly name: string;
  readonly usage: {
    readonly pods: number;
    readonly requests: Readonly<Record<string, string>>;
    readonly limits: Readonly<Record<string, string>>;
  };
}

/** The quota keys checked against the workloads' declared resources: quota key to [requests or limits, resource]. */
const QUOTA_KEYS: Readonly<Record<string, readonly ['requests' | 'limits', string]>> = {
  'requests.cpu': ['requests', 'cpu'], 'cpu': ['requests', 'cpu'], 'limits.cpu': ['limits', 'cpu'],
  'requests.memory': ['requests', 'memory'], 'memory': ['requests', 'memory'], 'limits.memory': ['limits', 'memory'],
  'requests.ephemeral-storage': ['requests', 'ephemeral-storage'], 'ephemeral-storage': ['requests', 'ephemeral-storage'], 'limits.ephemeral-storage': ['limits', 'ephemeral-storage'],
};

/** Whether the namespace's quota can hold every workload at its most pods (replicas, surge, autoscaling maximum). */
export function quotaProblems(namespace: string, namespacePath: string, quota: Readonly<Record<string, string>>, workloads: readonly QuotaUsage[]): string[] {
  const errors: string[] = [];
  const usage = workloads.map(w => ({ w, u: w.usage }));
  const pods = usage.reduce((n, { u }) => n + u.pods, 0);
  if (quota.pods !== undefined && pods > v.parseQuantity(quota.pods)) {
    errors.push(`quota: the workloads of namespace "${namespace}" run up to ${pods} pods (${usage.map(({ w, u }) => `${w.name} ${u.pods}`).join(', ')}), more than its ResourceQuota allows (pods: ${quota.pods}), so the API server refuses pods during a rollout or scale-out. Fix: raise resourceQuota.pods of ${namespacePath}, or run fewer replicas.`);
  }
  for (const [key, [kind, resource]] of Object.entries(QUOTA_KEYS)) {
    if (quota[key] === undefined) continue;
    const total = usage.reduce((n, { u }) => n + u.pods * v.parseQuantity(u[kind][resource] ?? '0'), 0);
    if (total > v.parseQuantity(quota[key])) {
      errors.push(`quota: the workloads of namespace "${namespace}" declare ${kind} of ${formatQuantity(total, resource)} ${resource} at their most pods, more than its ResourceQuota allows (${key}: ${quota[key]}). Fix: raise resourceQuota["${key}"] of ${namespacePath}, or lower the ${kind} or replicas.`);
    }
  }
  return errors;
}

function formatQuantity(value: number, resource: string): string {
  if (resource === 'cpu') return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
  return `${Math.round((value / 2 ** 20) * 10) / 10}Mi`;
}
