/**
 * The generator of random valid apps: namespaces in or out of the mesh (sidecar or ambient), every
 * workload kind, flows, exceptions, three Kubernetes targets. Shared by the property test
 * (random-apps.property.test.ts) and the real API server suite (test/cluster).
 */
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AdmissionProps, HardenedCronJob, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet, HardenedWorkload, IstioMesh, NamespaceMesh, PolicyException, Port,
} from '../../constructs';
import { container } from './fixtures';
import { testApp } from './manifests';

export type Kind = 'deployment' | 'statefulset' | 'job' | 'cronjob';
export type Mode = 'none' | 'sidecar' | 'ambient';

/** One random app. */
export interface Plan {
  readonly kubernetesVersion: '1.28' | '1.30' | '1.36';
  readonly mesh: boolean;
  readonly modes: readonly Mode[];
  readonly workloads: readonly { kind: Kind; ns: number; single: boolean }[];
  readonly flows: readonly [number, number, number][];
}

export const batch = (name: string) => container({ name, ports: [], readiness: undefined, liveness: undefined });
const REASON = 'A single replica is enough for this property test; nothing here is production.';

/**
 * The app of `plan` and its declared flows (`ns/client -> ns/server`), for the plan's Kubernetes
 * version or another one; `prefix` starts every namespace name (apps applied to one cluster).
 */
export function build(plan: Plan, kubernetesVersion: string = plan.kubernetesVersion, prefix = '', istioVersion?: string, admission?: AdmissionProps) {
  const app = testApp({ kubernetesVersion, istioVersion, ...(admission ? { admission } : {}) });
  const cluster = new Chart(app, 'cluster');
  if (plan.mesh) new IstioMesh(cluster, 'mesh');
  const namespaces = plan.modes.map((mode, i) => new HardenedNamespace(cluster, `${prefix}ns${i}`, {
    ...(plan.mesh ? { mesh: mode === 'ambient' ? NamespaceMesh.ambient() : NamespaceMesh.sidecar() } : {}),
  }));
  const workloads: HardenedWorkload[] = plan.workloads.map((w, i) => {
    const ns = namespaces[w.ns % namespaces.length];
    const chart = new Chart(app, `c${i}`, { namespace: ns.name });
    const name = `w${i}`;
    const sidecarBeforeNative = plan.mesh && plan.modes[w.ns % namespaces.length] !== 'ambient' && kubernetesVersion === '1.28';
    const kind: Kind = sidecarBeforeNative && (w.kind === 'job' || w.kind === 'cronjob') ? 'deployment' : w.kind; // a pre-1.29 sidecar never exits
    switch (kind) {
      case 'deployment': return new HardenedDeployment(chart, name, { containers: [container({ name })] });
      case 'statefulset': {
        const set = new HardenedStatefulSet(chart, name, { containers: [container({ name })], replicas: w.single ? 1 : 2, volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }] });
        if (w.single) PolicyException.add(set, { id: 'HARDENED-10', reason: REASON });
        return set;
      }
      case 'job': return new HardenedJob(chart, name, { containers: [batch(name)] });
      default: return new HardenedCronJob(chart, name, { schedule: '@daily', containers: [batch(name)] });
    }
  });
  const declared = new Set<string>();
  for (const [from, to] of plan.flows) {
    const client = workloads[from % workloads.length];
    const server = workloads[to % workloads.length];
    if (client === server || server instanceof HardenedJob || server instanceof HardenedCronJob) continue; // batch pods listen on nothing
    client.allowTo(server, { ports: [Port.tcp(8080)] });
    declared.add(`${client.namespaceName}/${client.name} -> ${server.namespaceName}/${server.name}`);
  }
  return { app, declared };
}

/** Random plans. */
export const plans: fc.Arbitrary<Plan> = fc.record({
  kubernetesVersion: fc.constantFrom('1.28' as const, '1.30' as const, '1.36' as const),
  mesh: fc.boolean(),
  modes: fc.array(fc.constantFrom<Mode>('sidecar', 'ambient'), { minLength: 1, maxLength: 3 }),
  workloads: fc.array(fc.record({ kind: fc.constantFrom<Kind>('deployment', 'statefulset', 'job', 'cronjob'), ns: fc.nat(2), single: fc.boolean() }), { minLength: 1, maxLength: 6 }),
  flows: fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.nat(1)), { maxLength: 8 }),
});

