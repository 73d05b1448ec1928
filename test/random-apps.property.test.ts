/**
 * Properties of random valid apps (issue "Bad input never becomes YAML", item 3): namespaces in or
 * out of the mesh (sidecar or ambient), every workload kind, flows, exceptions, two Kubernetes
 * targets. For each: synth succeeds; every pod template passes Pod Security restricted at its
 * namespace's pinned version (our upstream-conformant checker); every object is valid against the
 * Kubernetes schema or its Istio CRD; two syntheses give the same bytes; the flows the policies
 * allow (NetworkPolicies and AuthorizationPolicies together) are exactly the declared ones; no
 * object exceeds an API limit the API server checks.
 */
import * as fc from 'fast-check';
import { TOTAL_ANNOTATION_SIZE_LIMIT_BYTES } from '../constructs/_validate';
import { checkPodSecurity } from '../policy/pss';
import type { KubeObject } from '../policy/kube-object';
import { computeReachability } from '../analysis/report/reachability';
import { build, plans } from './support/random-apps';
import { isIstioObject, validateAgainstIstioCrd } from './mesh/_support';
import { validateAgainstKubernetesSchema } from './support/schema';

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
