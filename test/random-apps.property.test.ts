/**
 * Properties of random valid apps (issue "Bad input never becomes YAML", item 3): namespaces in or
 * out of the mesh (sidecar or ambient), every workload kind, flows, exceptions, two Kubernetes
 * targets. For each: synth succeeds; every pod template passes Pod Security restricted at its
 * namespace's pinned version (our upstream-conformant checker); every object is valid against the
 * Kubernetes schema or its Istio CRD; two syntheses give the same bytes; the flows the policies
 * allow (NetworkPolicies and AuthorizationPolicies together) are exactly the declared ones; no
 * object exceeds an API limit the API server checks.
 */
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import {
  HardenedCronJob, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet, HardenedWorkload, IstioMesh, NamespaceMesh, PolicyException, Port,
} from '../constructs';
import { TOTAL_ANNOTATION_SIZE_LIMIT_BYTES } from '../constructs/_validate';
import { checkPodSecurity } from '../policy/pss';
import type { KubeObject } from '../policy/kube-object';
import { computeReachability } from '../src/report/reachability';
import { container } from './support/fixtures';
import { testApp } from './support/manifests';
import { isIstioObject, validateAgainstIstioCrd } from './mesh/_support';
import { validateAgainstKubernetesSchema } from './support/schema';

type Kind = 'deployment' | 'statefulset' | 'job' | 'cronjob';
type Mode = 'none' | 'sidecar' | 'ambient';

interface Plan {
  readonly kubernetesVersion: '1.28' | '1.30';
  readonly mesh: boolean;
  readonly modes: readonly Mode[];
  readonly workloads: readonly { kind: Kind; ns: number; single: boolean }[];
  readonly flows: readonly [number, number, number][];
}

const batch = (name: string) => container({ name, ports: [], readiness: undefined, liveness: undefined });
const REASON = 'A single replica is enough for this property test; nothing here is production.';

function build(plan: Plan) {
  const app = testApp({ kubernetesVersion: plan.kubernetesVersion });
  const cluster = new Chart(app, 'cluster');
  if (plan.mesh) new IstioMesh(cluster, 'mesh');
  const namespaces = plan.modes.map((mode, i) => new HardenedNamespace(cluster, `ns${i}`, {
    ...(plan.mesh ? { mesh: mode === 'ambient' ? NamespaceMesh.ambient() : NamespaceMesh.sidecar() } : {}),
  }));
  const workloads: HardenedWorkload[] = plan.workloads.map((w, i) => {
    const ns = namespaces[w.ns % namespaces.length];
    const chart = new Chart(app, `c${i}`, { namespace: ns.name });
    const name = `w${i}`;
    const sidecarBeforeNative = plan.mesh && plan.modes[w.ns % namespaces.length] !== 'ambient' && plan.kubernetesVersion === '1.28';
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

const plans: fc.Arbitrary<Plan> = fc.record({
  kubernetesVersion: fc.constantFrom('1.28' as const, '1.30' as const),
  mesh: fc.boolean(),
  modes: fc.array(fc.constantFrom<Mode>('sidecar', 'ambient'), { minLength: 1, maxLength: 3 }),
  workloads: fc.array(fc.record({ kind: fc.constantFrom<Kind>('deployment', 'statefulset', 'job', 'cronjob'), ns: fc.nat(2), single: fc.boolean() }), { minLength: 1, maxLength: 6 }),
  flows: fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.nat(1)), { maxLength: 8 }),
});

function apiLimitProblems(o: KubeObject): string[] {
  const problems: string[] = [];
  const name = String(o.metadata?.name ?? '');
  if (name.length === 0 || name.length > 253) problems.push(`${o.kind} name ${JSON.stringify(name)}`);
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) if (String(v).length > 63 || k.length > 316) problems.push(`${o.kind}/${name} label ${k}`);
  const size = Object.entries(o.metadata?.annotations ?? {}).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) problems.push(`${o.kind}/${name} annotations ${size}`);
  return problems;
}

test('random valid apps: restricted, schema-valid, deterministic, exactly the declared flows, within API limits', () => {
  let meshed = 0;
  fc.assert(fc.property(plans, plan => {
    const first = build(plan);
    const synthesis = first.app.synthObjects();
    const objects = synthesis.objects.map(o => o.object);
    const versionOf = new Map(objects.filter(o => o.kind === 'Namespace').map(o => [o.metadata?.name, o.metadata?.labels?.['pod-security.kubernetes.io/enforce-version']]));
    for (const o of objects) {
      expect({ o: `${o.kind}/${o.metadata?.name}`, findings: checkPodSecurity(o, 'restricted', versionOf.get(o.metadata?.namespace) ?? 'latest') }).toEqual({ o: `${o.kind}/${o.metadata?.name}`, findings: [] });
      if (isIstioObject(o)) validateAgainstIstioCrd(o); else validateAgainstKubernetesSchema(o);
      expect(apiLimitProblems(o)).toEqual([]);
    }
    const edges = computeReachability(objects).edges.filter(e => `${e.from.namespace}/${e.from.name}` !== `${e.to.namespace}/${e.to.name}`);
    expect(new Set(edges.map(e => `${e.from.namespace}/${e.from.name} -> ${e.to.namespace}/${e.to.name}`))).toEqual(first.declared);
    expect(build(plan).app.synthFiles()).toEqual(first.app.synthFiles());
    if (plan.mesh) meshed++;
  }), { numRuns: Number(process.env.RANDOM_APP_RUNS ?? 150) });
  expect(meshed).toBeGreaterThan(0);
}, 120_000);
