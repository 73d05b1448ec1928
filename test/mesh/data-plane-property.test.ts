/**
 * Mixed data planes, outside peers in every mode (issue 18, item 6): on random topologies of
 * sidecar, ambient and unmeshed namespaces with peers outside the app declared sidecar, ambient or
 * none, TCP and UDP flows in both directions, three readings agree on every pair and port:
 *
 * 1. the declared flows (what `allowFrom`/`allowTo` said);
 * 2. an independent per-packet walk of the synthesized objects, written here: the transport the
 *    pair uses (HBONE to 15008 when either end is ambient and both are meshed, ztunnel
 *    `outbound.rs`; the app port otherwise), the client's egress and the server's ingress
 *    NetworkPolicies on that wire port, then STRICT mTLS and the server's ALLOW rules on the app port;
 * 3. the report's matrix (`computeReachability` with the data-plane model and the
 *    AuthorizationPolicy layer).
 *
 * Bypass flows: 169.254.7.127/32 reaches exactly an ambient workload's probe port, and the
 * declared scraper a sidecar's 15020, without mTLS, in the report and in the walk. Flows that cannot work (a client outside the mesh
 * into STRICT) fail synth. The counts are printed with PROPERTY_COUNTS=1.
 */
import * as fc from 'fast-check';
import { Chart } from 'cdk8s';
import { computeReachability, dataPlaneModel, defaultLayers, formatPorts, type AllowedPorts } from '../../analysis/report';
import { HardenedDeployment, HardenedNamespace, IPeer, IstioMesh, NamespaceMesh, Peer, PeerDataPlane, Port, Protocol } from '../../constructs';
import type { KubeObject } from '../../policy/kube-object';
import { container } from '../support/fixtures';
import { synthApp, testApp } from '../support/manifests';

type Mode = 'sidecar' | 'ambient' | 'none';
type Rec = Record<string, any>;
interface Owned { readonly kind: 'owned'; readonly ns: string; readonly name: string; readonly mode: Mode }
interface Outside { readonly kind: 'outside'; readonly ns: string; readonly mode: Mode }
type End = Owned | Outside;
interface PortRef { readonly protocol: 'TCP' | 'UDP'; readonly port: number }
interface DeclaredFlow { readonly from: End; readonly to: End; readonly ports: readonly PortRef[] }
interface Topology { readonly owned: readonly Owned[]; readonly outside: readonly Outside[]; readonly flows: readonly DeclaredFlow[]; readonly monitoring: boolean; readonly unworkable?: DeclaredFlow }

const CANDIDATES: readonly PortRef[] = [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9090 }, { protocol: 'UDP', port: 5353 }];
const PROBE_PORT = 8080; // the fixture container's HTTP probes
const HBONE = 15008;
/** The scraper of the sidecars' merged metrics (IstioMesh monitoring), when the topology has one. */
const MONITORING: Outside = { kind: 'outside', ns: 'mon', mode: 'sidecar' };
const key = (e: End) => (e.kind === 'owned' ? `${e.ns}/${e.name}` : `${e.ns}/*`);
const pk = (p: PortRef) => `${p.port}/${p.protocol}`;
const meshed = (m: Mode) => m !== 'none';

function build(t: Topology, extra?: DeclaredFlow): KubeObject[] {
  const app = testApp();
  const cluster = new Chart(app, 'cluster');
  new IstioMesh(cluster, 'mesh', t.monitoring ? { monitoring: Peer.pods(MONITORING.ns, { app: MONITORING.ns }, { serviceAccount: 'ext' }) } : {});
  const modes = new Map(t.owned.map((w) => [w.ns, w.mode]));
  for (const [ns, mode] of modes) new HardenedNamespace(cluster, ns, mode === 'none' ? {} : { mesh: mode === 'ambient' ? NamespaceMesh.ambient() : NamespaceMesh.sidecar() });
  const workloads = new Map<string, HardenedDeployment>();
  for (const w of t.owned) {
    const chart = new Chart(app, `${w.ns}-${w.name}`, { namespace: w.ns });
    workloads.set(key(w), new HardenedDeployment(chart, w.name, {
      containers: [container({ name: w.name, ports: [{ number: 8080, name: 'http' }, { number: 9090 }, { number: 5353, protocol: Protocol.UDP }] })],
    }));
  }
  const dataPlane = { sidecar: PeerDataPlane.SIDECAR, ambient: PeerDataPlane.AMBIENT, none: PeerDataPlane.NONE };
  const peer = (e: End): IPeer => (e.kind === 'owned' ? workloads.get(key(e))! : Peer.pods(e.ns, { app: e.ns }, { serviceAccount: 'ext', dataPlane: dataPlane[e.mode] }));
  for (const f of [...t.flows, ...(extra ? [extra] : [])]) {
    const ports = f.ports.map((p) => (p.protocol === 'TCP' ? Port.tcp(p.port) : Port.udp(p.port)));
    if (f.from.kind === 'owned') workloads.get(key(f.from))!.allowTo(peer(f.to), { ports });
    else workloads.get(key(f.to))!.allowFrom(peer(f.from), { ports });
  }
  return synthApp(app);
}

// ---- the independent per-packet walk ----

const subset = (sel: Rec | undefined, labels: Rec) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);
const labelsOf = (e: End): Rec => (e.kind === 'owned' ? { 'app.kubernetes.io/name': e.name } : { app: e.ns });
/** Whether a NetworkPolicy peer element selects the pods of `e` (IP blocks select no pod). */
function selects(p: Rec, e: End): boolean {
  if (p.ipBlock) return false;
  return p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === e.ns && subset(p.podSelector?.matchLabels, labelsOf(e));
}
const portMatches = (r: Rec, wire: PortRef) => (r.ports ?? []).some((p: Rec) => (p.protocol ?? 'TCP') === wire.protocol && p.port <= wire.port && wire.port <= (p.endPort ?? p.port));
function npAllows(objects: readonly KubeObject[], host: Owned, direction: 'Ingress' | 'Egress', other: End | 'probe', wire: PortRef): boolean {
  const rules = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === host.ns)
    .map((o) => o.spec as Rec)
    .filter((s) => (s.policyTypes as string[]).includes(direction) && subset(s.podSelector?.matchLabels, labelsOf(host)))
    .flatMap((s) => (direction === 'Ingress' ? s.ingress : s.egress) ?? []);
  return rules.some((r: Rec) => (direction === 'Ingress' ? r.from : r.to).some((p: Rec) => (other === 'probe' ? p.ipBlock?.cidr === '169.254.7.127/32' : selects(p, other))) && portMatches(r, wire));
}
const principalOf = (e: End) => `cluster.local/ns/${e.ns}/sa/${e.kind === 'owned' ? e.name : 'ext'}`;
function meshAllows(objects: readonly KubeObject[], server: Owned, client: End, port: PortRef): boolean {
  if (!meshed(client.mode)) return false; // mesh-wide STRICT: no plaintext into the mesh
  return objects.filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.namespace === server.ns && (o.spec as Rec).action === 'ALLOW' && subset((o.spec as Rec).selector?.matchLabels, labelsOf(server)))
    .flatMap((o) => (o.spec as Rec).rules ?? [])
    .some((r: Rec) => (r.from[0].source.principals ?? []).includes(principalOf(client)) && r.to[0].operation.ports.includes(String(port.port)));
}
/** One packet from `a` to `b` on `port`: transport, both NetworkPolicy sides we own, then the server's mesh. */
function walk(objects: readonly KubeObject[], a: End, b: End, port: PortRef): boolean {
  const hbone = port.protocol === 'TCP' && meshed(a.mode) && meshed(b.mode) && (a.mode === 'ambient' || b.mode === 'ambient');
  const wire: PortRef = hbone ? { protocol: 'TCP', port: HBONE } : port;
  if (a.kind === 'owned' && !npAllows(objects, a, 'Egress', b, wire)) return false;
  if (b.kind === 'owned' && !npAllows(objects, b, 'Ingress', a, wire)) return false;
  if (b.kind === 'owned' && meshed(b.mode) && port.protocol === 'TCP') return meshAllows(objects, b, a, port);
  return true;
}

// ---- the report ----

const inCandidates = (ports: AllowedPorts | undefined): string[] => CANDIDATES.filter((c) => ports !== undefined && (ports === 'all'
  || ports.some((s) => s.protocol === c.protocol && typeof s.port === 'number' && s.port <= c.port && c.port <= (s.endPort ?? s.port)))).map(pk);

// ---- random topologies ----

const topology: fc.Arbitrary<Topology> = fc.record({
  nsModes: fc.array(fc.constantFrom<Mode>('sidecar', 'ambient', 'none'), { minLength: 1, maxLength: 3 }),
  workloads: fc.array(fc.nat(2), { minLength: 1, maxLength: 4 }),
  outsideModes: fc.array(fc.constantFrom<Mode>('sidecar', 'ambient', 'none'), { minLength: 1, maxLength: 3 }),
  edges: fc.array(fc.record({ a: fc.nat(6), b: fc.nat(6), outside: fc.boolean(), inbound: fc.boolean(), ports: fc.subarray([...CANDIDATES], { minLength: 1 }) }), { maxLength: 8 }),
  unworkable: fc.option(fc.nat(6), { nil: undefined }),
  monitoring: fc.boolean(),
}).map(({ nsModes, workloads, outsideModes, edges, unworkable, monitoring }) => {
  const owned: Owned[] = workloads.map((n, i) => ({ kind: 'owned', ns: `ns${n % nsModes.length}`, name: `w${i}`, mode: nsModes[n % nsModes.length] }));
  const outside: Outside[] = outsideModes.map((mode, i) => ({ kind: 'outside', ns: `ext${i}`, mode }));
  const works = (from: End, to: End, ports: readonly PortRef[]) => !(ports.some((p) => p.protocol === 'TCP') && !meshed(from.mode) && meshed(to.mode));
  const flows = new Map<string, DeclaredFlow>();
  for (const e of edges) {
    const a = owned[e.a % owned.length];
    const other: End = e.outside ? outside[e.b % outside.length] : owned[e.b % owned.length];
    const [from, to] = e.inbound ? [other, a] : [a, other];
    if (key(from) === key(to) || !works(from, to, e.ports)) continue;
    const k = `${key(from)} -> ${key(to)}`;
    const ports = [...new Map([...(flows.get(k)?.ports ?? []), ...e.ports].map((p) => [pk(p), p])).values()];
    flows.set(k, { from, to, ports });
  }
  // one flow that cannot work, to be refused: plaintext into STRICT
  const plain = [...owned, ...outside].find((x) => x.mode === 'none');
  const target = [...owned.filter((w) => meshed(w.mode)), ...(plain?.kind === 'owned' ? outside.filter((o) => meshed(o.mode)) : [])][unworkable ?? 0];
  const bad = unworkable !== undefined && plain && target && key(plain) !== key(target) && (plain.kind === 'owned' || target.kind === 'owned')
    ? { from: plain, to: target, ports: [{ protocol: 'TCP' as const, port: 8080 }] } : undefined;
  return { owned, outside, flows: [...flows.values()], monitoring, ...(bad ? { unworkable: bad } : {}) };
});

test('mixed data planes and outside peers: declared flows, a per-packet walk and the report agree on every pair and port', () => {
  const counts = { topologies: 0, pairs: 0, portChecks: 0, outsidePeerFlows: 0, tunnelledToOutside: 0, bypassFlows: 0, refused: 0, disagreements: 0 };
  fc.assert(fc.property(topology, (t) => {
    const objects = build(t);
    if (t.unworkable) {
      expect(() => build(t, t.unworkable)).toThrow(/STRICT/);
      counts.refused++;
    }
    const dp = dataPlaneModel(objects)!;
    const m = computeReachability(objects, { layers: defaultLayers(objects), dataPlane: dp });
    const edge = new Map(m.edges.map((e) => [`${e.from.namespace}/${e.from.name} -> ${e.to.namespace}/${e.to.name}`, e.ports]));
    const outsideNs = (f: (typeof m.external)[number]) => (f.peer.type === 'selector' ? / in namespace (\S+) \(not among the inputs\)$/.exec(f.peer.description)?.[1] : undefined);
    const external = new Map(m.external.filter((f) => outsideNs(f)).map((f) => [f.direction === 'egress' ? `${f.workload.namespace}/${f.workload.name} -> ${outsideNs(f)}/*` : `${outsideNs(f)}/* -> ${f.workload.namespace}/${f.workload.name}`, f.ports]));
    const pairs: [End, End][] = [];
    for (const a of t.owned) {
      for (const b of t.owned) if (a !== b) pairs.push([a, b]);
      for (const o of t.outside) pairs.push([a, o], [o, a]);
    }
    for (const [a, b] of pairs) {
      const k = `${key(a)} -> ${key(b)}`;
      const flow = t.flows.find((f) => key(f.from) === key(a) && key(f.to) === key(b));
      // over HBONE to a peer outside the app the client's egress sees only 15008: every app port passes our layers
      const tunnelOut = flow && b.kind === 'outside' && meshed(a.mode) && meshed(b.mode) && (a.mode === 'ambient' || b.mode === 'ambient') && flow.ports.some((p) => p.protocol === 'TCP');
      const declared = (tunnelOut ? [...new Map([...flow.ports, ...CANDIDATES.filter((c) => c.protocol === 'TCP')].map((p) => [pk(p), p])).values()] : flow?.ports ?? []).map(pk).sort();
      if (tunnelOut) counts.tunnelledToOutside++;
      const walked = CANDIDATES.filter((p) => walk(objects, a, b, p)).map(pk).sort();
      const reported = inCandidates(a.kind === 'owned' && b.kind === 'owned' ? edge.get(k) : external.get(k)).sort();
      counts.pairs++;
      counts.portChecks += CANDIDATES.length;
      if (declared.length > 0 && (a.kind === 'outside' || b.kind === 'outside')) counts.outsidePeerFlows++;
      if (JSON.stringify(declared) !== JSON.stringify(walked) || JSON.stringify(declared) !== JSON.stringify(reported)) counts.disagreements++;
      expect({ k, modes: `${a.mode} -> ${b.mode}`, walked, reported }).toEqual({ k, modes: `${a.mode} -> ${b.mode}`, walked: declared, reported: declared });
    }
    // the probe hole: the probe port of every ambient workload, without mTLS, and nothing else
    for (const w of t.owned) {
      const probe = m.external.find((f) => f.workload.name === w.name && f.direction === 'ingress' && f.peer.type === 'ipBlock' && f.peer.cidr === '169.254.7.127/32');
      const walked = [PROBE_PORT, 9090, HBONE].filter((port) => npAllows(objects, w, 'Ingress', 'probe', { protocol: 'TCP', port }));
      expect({ w: w.name, mode: w.mode, walked, bypass: probe?.bypass && formatPorts(probe.bypass) })
        .toEqual({ w: w.name, mode: w.mode, walked: w.mode === 'ambient' ? [PROBE_PORT] : [], bypass: w.mode === 'ambient' ? `${PROBE_PORT}/TCP` : undefined });
      if (probe?.bypass) counts.bypassFlows++;
      // the sidecar's merged metrics (15020, not captured by the proxy): from the declared scraper only, without mTLS
      const scrape = m.external.find((f) => f.workload.name === w.name && f.direction === 'ingress' && outsideNs(f) === MONITORING.ns);
      const scraped = t.monitoring && w.mode === 'sidecar';
      expect({ w: w.name, walked: npAllows(objects, w, 'Ingress', MONITORING, { protocol: 'TCP', port: 15020 }), bypass: scrape?.bypass && formatPorts(scrape.bypass) })
        .toEqual({ w: w.name, walked: scraped, bypass: scraped ? '15020/TCP' : undefined });
      if (scrape?.bypass) counts.bypassFlows++;
    }
    counts.topologies++;
  }), { numRuns: Number(process.env.DATA_PLANE_PROPERTY_RUNS ?? 300) });
  if (process.env.PROPERTY_COUNTS) process.stdout.write(`data-plane property counts: ${JSON.stringify(counts)}\n`);
  expect(counts.disagreements).toBe(0);
  expect(counts.outsidePeerFlows).toBeGreaterThan(20);
  expect(counts.bypassFlows).toBeGreaterThan(10);
  expect(counts.refused).toBeGreaterThan(5);
}, 300_000);
