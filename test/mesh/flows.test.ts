/**
 * One connectivity model: every declared flow has exactly one NetworkPolicy rule on each owned
 * side and exactly one AuthorizationPolicy rule on the server, keyed by the client's identity and
 * the declared ports; nothing undeclared is admitted by either layer. Hand-written topologies and
 * random ones (fast-check), in sidecar, ambient and mixed meshes.
 */
import * as fc from 'fast-check';
import { Chart } from 'cdk8s';
import {
  HardenedCronJob, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet, IPeer, IstioMesh, NamespaceMesh, Port,
} from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { container } from '../support/fixtures';
import { synthApp, testApp } from '../support/manifests';
import { meshedStorefront, validateAgainstIstioCrd, isIstioObject } from './_support';

const PORTS = [8080, 8081, 9090];
const HBONE = 15008;

type Mode = 'sidecar' | 'ambient';
type Kind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob';
interface WorkloadEnd { readonly kind: 'workload'; readonly ns: string; readonly name: string; readonly workloadKind?: Kind }
interface NamespaceEnd { readonly kind: 'namespace'; readonly ns: string }
type End = WorkloadEnd | NamespaceEnd;
interface DeclaredFlow { readonly from: End; readonly to: WorkloadEnd; readonly ports: readonly number[] }
interface Topology {
  readonly kubernetesVersion?: string;
  readonly modes: Readonly<Record<string, Mode>>;
  readonly workloads: readonly WorkloadEnd[];
  readonly flows: readonly DeclaredFlow[];
}

const labelsOf = (w: WorkloadEnd) => ({ 'app.kubernetes.io/name': w.name });
const principal = (w: WorkloadEnd) => `cluster.local/ns/${w.ns}/sa/${w.name}`;
const key = (e: End) => (e.kind === 'workload' ? `${e.ns}/${e.name}` : `${e.ns}/*`);

function build(t: Topology): KubeObject[] {
  const app = testApp({ kubernetesVersion: t.kubernetesVersion });
  const cluster = new Chart(app, 'cluster');
  new IstioMesh(cluster, 'mesh');
  const namespaces = new Map<string, HardenedNamespace>();
  for (const [name, mode] of Object.entries(t.modes)) {
    namespaces.set(name, new HardenedNamespace(cluster, name, { mesh: mode === 'ambient' ? NamespaceMesh.ambient() : NamespaceMesh.sidecar() }));
  }
  const workloads = new Map<string, HardenedDeployment | HardenedStatefulSet | HardenedJob | HardenedCronJob>();
  for (const w of t.workloads) {
    const chart = new Chart(app, `${w.ns}-${w.name}`, { namespace: w.ns });
    const containers = [container({ name: w.name, ports: PORTS.map(number => ({ number })) })];
    const workload = w.workloadKind === 'StatefulSet' ? new HardenedStatefulSet(chart, w.name, { containers })
      : w.workloadKind === 'Job' ? new HardenedJob(chart, w.name, { containers })
        : w.workloadKind === 'CronJob' ? new HardenedCronJob(chart, w.name, { containers, schedule: '0 3 * * *' })
          : new HardenedDeployment(chart, w.name, { containers });
    workloads.set(key(w), workload);
  }
  const peer = (e: End): IPeer => (e.kind === 'workload' ? workloads.get(key(e))! : namespaces.get(e.ns)!);
  for (const f of t.flows) {
    const to = workloads.get(key(f.to))!;
    if (f.from.kind === 'namespace') namespaces.get(f.from.ns)!.allowTo(to, { ports: f.ports.map(p => Port.tcp(p)) });
    else to.allowFrom(peer(f.from), { ports: f.ports.map(p => Port.tcp(p)) });
  }
  return synthApp(app);
}

// ---- reading the two layers back from the objects ----

type Rec = Record<string, any>;
const subset = (sel: Rec | undefined, labels: Rec) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The NetworkPolicy peer element our constructs write for an end. */
function npPeer(e: End): Rec {
  const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': e.ns } };
  return e.kind === 'workload' ? { namespaceSelector, podSelector: { matchLabels: labelsOf(e) } } : { namespaceSelector };
}

/** Whether a NetworkPolicy peer element selects the pods of workload `w`. */
function npPeerSelects(p: Rec, w: WorkloadEnd): boolean {
  if (p.ipBlock) return false;
  const ns = p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  return ns === w.ns && subset(p.podSelector?.matchLabels, labelsOf(w));
}

/** The rules of every NetworkPolicy that applies to `w` in `direction`. */
function npRules(objects: readonly KubeObject[], w: WorkloadEnd, direction: 'Ingress' | 'Egress'): Rec[] {
  return objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata?.namespace === w.ns)
    .map(o => o.spec as Rec)
    .filter(s => (s.policyTypes as string[]).includes(direction) && subset(s.podSelector?.matchLabels, labelsOf(w)))
    .flatMap(s => (direction === 'Ingress' ? s.ingress : s.egress) ?? []);
}

/** The rules of the host's own NetworkPolicy for `direction` (`<workload>-allow-...` or `namespace-allow-...`). */
function ownRules(objects: readonly KubeObject[], e: End, direction: 'Ingress' | 'Egress'): Rec[] {
  const name = `${e.kind === 'workload' ? e.name : 'namespace'}-allow-${direction.toLowerCase()}`;
  const policies = objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata?.namespace === e.ns && o.metadata?.name === name);
  expect(policies.length).toBe(1);
  return (policies[0].spec as Rec)[direction === 'Ingress' ? 'ingress' : 'egress'];
}

/** The rules of every ALLOW AuthorizationPolicy that applies to `w`. */
function authzRules(objects: readonly KubeObject[], w: WorkloadEnd): Rec[] {
  return objects.filter(o => o.kind === 'AuthorizationPolicy' && o.metadata?.namespace === w.ns)
    .map(o => o.spec as Rec)
    .filter(s => s.action === 'ALLOW' && subset(s.selector?.matchLabels, labelsOf(w)))
    .flatMap(s => s.rules ?? []);
}

const sourceOf = (r: Rec): Rec => r.from[0].source;
const authzAdmits = (r: Rec, w: WorkloadEnd) => (sourceOf(r).principals ?? []).includes(principal(w)) || (sourceOf(r).namespaces ?? []).includes(w.ns);
const npPorts = (r: Rec) => (r.ports as Rec[]).map(p => `${p.port}/${p.protocol}`).sort();

/** Asserts the one-model property on the synthesized objects of `t`. */
function assertOneModel(t: Topology, objects: readonly KubeObject[]): void {
  const ambient = (e: End) => t.modes[e.ns] === 'ambient';
  for (const f of t.flows) {
    const what = `${key(f.from)} -> ${key(f.to)}`;
    const l4 = [...new Set([...f.ports, ...(ambient(f.to) || ambient(f.from) ? [HBONE] : [])])].map(p => `${p}/TCP`).sort();
    // exactly one ingress rule on the server names the client, with the declared ports
    const ingress = ownRules(objects, f.to, 'Ingress').filter(r => r.from.some((p: Rec) => same(p, npPeer(f.from))));
    expect({ what, rules: ingress.map(npPorts) }).toEqual({ what, rules: [l4] });
    // exactly one egress rule on the client names the server (the client is owned)
    const clientRules = ownRules(objects, f.from, 'Egress');
    const egress = clientRules.filter(r => r.to.some((p: Rec) => same(p, npPeer(f.to))));
    expect({ what, rules: egress.map(npPorts) }).toEqual({ what, rules: [l4] });
    // exactly one ALLOW rule on the server is keyed by the client's identity, with the declared ports
    const identity = f.from.kind === 'workload' ? { principals: [principal(f.from)] } : { namespaces: [f.from.ns] };
    const allow = authzRules(objects, f.to).filter(r => same(sourceOf(r), identity));
    expect({ what, rules: allow.map(r => r.to[0].operation.ports) }).toEqual({ what, rules: [[...f.ports].sort((a, b) => a - b).map(String)] });
  }
  // nothing undeclared: a workload reaches another only through a declared flow (its own, or its namespace's)
  for (const a of t.workloads) {
    for (const b of t.workloads) {
      if (a === b) continue;
      const declared = t.flows.some(f => key(f.to) === key(b) && (key(f.from) === key(a) || (f.from.kind === 'namespace' && f.from.ns === a.ns)));
      const what = `${key(a)} -> ${key(b)}`;
      const l4In = npRules(objects, b, 'Ingress').some(r => r.from.some((p: Rec) => npPeerSelects(p, a)));
      const l4Out = npRules(objects, a, 'Egress').some(r => r.to.some((p: Rec) => npPeerSelects(p, b)));
      const mesh = authzRules(objects, b).some(r => authzAdmits(r, a));
      expect({ what, l4In, l4Out, mesh }).toEqual({ what, l4In: declared, l4Out: declared, mesh: declared });
    }
  }
  // every namespace is STRICT and denies by default in the mesh; every Istio object is valid
  for (const ns of Object.keys(t.modes)) {
    expect(objects.filter(o => o.kind === 'PeerAuthentication' && o.metadata?.namespace === ns).map(o => o.spec)).toEqual([{ mtls: { mode: 'STRICT' } }]);
    expect(objects.filter(o => o.kind === 'AuthorizationPolicy' && o.metadata?.namespace === ns && o.metadata?.name === 'default-deny-all').map(o => o.spec)).toEqual([{}]);
  }
  objects.filter(isIstioObject).forEach(validateAgainstIstioCrd);
}

describe('one connectivity model, two layers', () => {
  test('a hand-written topology: cross-namespace, same-namespace, namespace client, mixed modes', () => {
    const t: Topology = {
      modes: { shop: 'sidecar', pay: 'ambient' },
      workloads: [{ kind: 'workload', ns: 'shop', name: 'web' }, { kind: 'workload', ns: 'shop', name: 'cart' }, { kind: 'workload', ns: 'pay', name: 'ledger' }],
      flows: [
        { from: { kind: 'workload', ns: 'shop', name: 'web' }, to: { kind: 'workload', ns: 'shop', name: 'cart' }, ports: [8080] },
        { from: { kind: 'workload', ns: 'shop', name: 'cart' }, to: { kind: 'workload', ns: 'pay', name: 'ledger' }, ports: [8081, 9090] },
        { from: { kind: 'namespace', ns: 'pay' }, to: { kind: 'workload', ns: 'shop', name: 'web' }, ports: [9090] },
      ],
    };
    const objects = build(t);
    assertOneModel(t, objects);
    // the undeclared reverse direction is closed at both layers
    expect(authzRules(objects, { kind: 'workload', ns: 'shop', name: 'web' }).map(sourceOf)).toEqual([{ namespaces: ['pay'] }]);
  });

  test('the storefront in sidecar and in ambient mode', () => {
    for (const mode of ['sidecar', 'ambient'] as const) {
      const objects = synthApp(meshedStorefront({ mode }).app);
      const allow = objects.filter(o => o.kind === 'AuthorizationPolicy' && (o.spec as Rec).action === 'ALLOW');
      expect(allow.map(o => `${o.metadata?.namespace}/${o.metadata?.name}: ${JSON.stringify((o.spec as Rec).rules.map((r: Rec) => [sourceOf(r), r.to[0].operation.ports]))}`).sort()).toEqual([
        'backend/api-allow-ingress: [[{"principals":["cluster.local/ns/storefront/sa/web"]},["8080"]]]',
        'backend/thumbnailer-allow-ingress: [[{"principals":["cluster.local/ns/backend/sa/api"]},["8081"]]]',
        'data/postgres-allow-ingress: [[{"principals":["cluster.local/ns/backend/sa/api"]},["5432"]]]',
        'storefront/web-allow-ingress: [[{"principals":["cluster.local/ns/ingress-nginx/sa/ingress-nginx"]},["8080"]]]',
      ]);
    }
  });

  const topology: fc.Arbitrary<Topology> = fc.record({
    kubernetesVersion: fc.constantFrom('1.28', '1.36'),
    modes: fc.array(fc.constantFrom<Mode>('sidecar', 'ambient'), { minLength: 1, maxLength: 3 }),
    workloadNs: fc.array(fc.record({ ns: fc.nat(2), kind: fc.constantFrom<Kind>('Deployment', 'StatefulSet', 'Job', 'CronJob') }), { minLength: 2, maxLength: 6 }),
    edges: fc.array(fc.record({ from: fc.nat(6), to: fc.nat(5), ports: fc.subarray(PORTS, { minLength: 1 }), fromNamespace: fc.boolean() }), { maxLength: 10 }),
  }).map(({ kubernetesVersion, modes, workloadNs, edges }) => {
    const nsNames = modes.map((_, i) => `ns${i}`);
    const workloads: WorkloadEnd[] = workloadNs.map((n, i) => ({ kind: 'workload', ns: nsNames[n.ns % nsNames.length], name: `w${i}`, workloadKind: n.kind }));
    const flows = new Map<string, DeclaredFlow>();
    for (const e of edges) {
      const to = workloads[e.to % workloads.length];
      const fromWorkload = workloads[e.from % workloads.length];
      const from: End = e.fromNamespace ? { kind: 'namespace', ns: fromWorkload.ns } : fromWorkload;
      if (from.kind === 'workload' && key(from) === key(to)) continue;
      const k = `${key(from)} -> ${key(to)}`;
      const ports = [...new Set([...(flows.get(k)?.ports ?? []), ...e.ports])].sort((a, b) => a - b);
      flows.set(k, { from, to, ports });
    }
    return { kubernetesVersion, modes: Object.fromEntries(nsNames.map((n, i) => [n, modes[i]])), workloads, flows: [...flows.values()] };
  });

  test('random topologies of every workload kind (fast-check): one rule per flow in each layer, nothing undeclared', () => {
    let checked = 0;
    fc.assert(fc.property(topology, t => {
      // a Job or CronJob with an ordinary (non-native) sidecar never completes: refused before 1.29
      const hangs = t.kubernetesVersion === '1.28' && t.workloads.some(w => (w.workloadKind === 'Job' || w.workloadKind === 'CronJob') && t.modes[w.ns] === 'sidecar');
      if (hangs) {
        expect(() => build(t)).toThrow(/would never complete/);
      } else {
        assertOneModel(t, build(t));
        checked++;
      }
    }), { numRuns: 60 });
    expect(checked).toBeGreaterThan(15); // about 60 % of the runs: 1.33, or no Job in a sidecar namespace
  });
});
