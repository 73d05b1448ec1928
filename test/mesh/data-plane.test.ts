/**
 * The data plane of each pair, exactly (issue 18): peers outside the app declare their data-plane
 * mode, the NetworkPolicies open the transport the pair uses in both directions (HBONE 15008 when
 * either side is ambient and both are in the mesh, never for UDP-only flows), the ambient probe
 * hole covers the declared probes' ports only (IPv4, and IPv6 when the cluster runs it), and the
 * combinations that cannot work fail synth with path, field, value and fix.
 *
 * Oracles: ztunnel `src/proxy/outbound.rs` (HBONE to port 15008 only when the destination workload
 * speaks HBONE, else plain TCP to the app port), istio.io "Ambient and Kubernetes NetworkPolicy"
 * (allow 15008 next to the app port; kubelet probes arrive from 169.254.7.127), Istio
 * `cni/pkg/nodeagent/options.go` (DefaultHostProbeSNATIPV6 = fd16:9254:7127:1337:ffff:ffff:ffff:ffff).
 */
import { Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import {
  HardenedDeployment, HardenedNamespace, IngressTls, IpFamily, IPeer, IstioMesh, IstioMeshProps, NamespaceMesh, Peer, PeerDataPlane, Port, Protocol,
} from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { container } from '../support/fixtures';
import { findObject, synthApp, testApp } from '../support/manifests';

type Rec = Record<string, any>;
const ports = (rules: Rec[] | undefined) => (rules ?? []).map(r => (r.ports as Rec[]).map(p => `${p.port}${p.endPort ? `-${p.endPort}` : ''}/${p.protocol}`));
const rules = (objects: readonly KubeObject[], name: string, direction: 'ingress' | 'egress', ns = 'shop') =>
  ports((findObject(objects, 'NetworkPolicy', name, ns).spec as Rec)[direction]);

/** One workload `web` (8080 and 5353/UDP) in namespace `shop` of the given mode, and an IstioMesh unless `mesh: false`. */
function app(mode: 'sidecar' | 'ambient' | 'none', options: { mesh?: IstioMeshProps | false; allowDns?: boolean; probes?: 'http' | 'exec' | 'tcp-named' } = {}) {
  const a = testApp();
  const cluster = new Chart(a, 'cluster');
  if (options.mesh !== false) new IstioMesh(cluster, 'mesh', options.mesh ?? {});
  const ns = new HardenedNamespace(cluster, 'shop', {
    ...(mode === 'none' ? {} : { mesh: mode === 'ambient' ? NamespaceMesh.ambient() : NamespaceMesh.sidecar() }),
    ...(options.allowDns !== undefined ? { allowDns: options.allowDns } : {}),
  });
  const probes = options.probes === 'exec' ? { readiness: Probe.fromCommand(['true']), liveness: Probe.fromCommand(['true']) }
    : options.probes === 'tcp-named' ? { readiness: Probe.fromTcpSocket({ port: 9000 }), liveness: Probe.fromHttpGet('/healthz', { port: 8080 }) }
      : {};
  const web = new HardenedDeployment(new Chart(a, 'w', { namespace: 'shop' }), 'web', {
    containers: [container({ name: 'web', ports: [{ number: 8080, name: 'http' }, { number: 9000 }, { number: 5353, protocol: Protocol.UDP }], ...probes })],
  });
  return { app: a, ns, web };
}

const ambientPeer = Peer.pods('gw', { app: 'gw' }, { serviceAccount: 'gw', dataPlane: PeerDataPlane.AMBIENT });
const sidecarPeer = Peer.pods('gw', { app: 'gw' }, { serviceAccount: 'gw', dataPlane: PeerDataPlane.SIDECAR });
const plainPeer = Peer.pods('gw', { app: 'gw' }, { serviceAccount: 'gw', dataPlane: PeerDataPlane.NONE });

describe('HBONE for every pair, both directions', () => {
  test.each<[string, 'sidecar' | 'ambient', IPeer, string[]]>([
    ['an ambient client to an ambient outside peer', 'ambient', ambientPeer, ['8080/TCP', '15008/TCP']],
    ['an ambient client to a sidecar outside peer', 'ambient', sidecarPeer, ['8080/TCP', '15008/TCP']],
    ['an ambient client to an outside peer not in the mesh', 'ambient', plainPeer, ['8080/TCP']],
    ['a sidecar client to an ambient outside peer', 'sidecar', ambientPeer, ['8080/TCP', '15008/TCP']],
    ['a sidecar client to a sidecar outside peer', 'sidecar', sidecarPeer, ['8080/TCP']],
  ])('egress: %s', (_, mode, peer, expected) => {
    const s = app(mode);
    s.web.allowTo(peer, { ports: [Port.tcp(8080)] });
    expect(rules(synthApp(s.app), 'web-allow-egress', 'egress')).toEqual([expected]);
  });

  test.each<[string, 'sidecar' | 'ambient', IPeer, string[]]>([
    ['an ambient outside peer to a sidecar server', 'sidecar', ambientPeer, ['8080/TCP', '15008/TCP']],
    ['a sidecar outside peer to a sidecar server', 'sidecar', sidecarPeer, ['8080/TCP']],
    ['a sidecar outside peer to an ambient server', 'ambient', sidecarPeer, ['8080/TCP', '15008/TCP']],
    ['a namespace peer declared ambient to a sidecar server', 'sidecar', Peer.namespace('tools', { dataPlane: PeerDataPlane.AMBIENT }), ['8080/TCP', '15008/TCP']],
  ])('ingress: %s', (_, mode, peer, expected) => {
    const s = app(mode);
    s.web.allowFrom(peer, { ports: [Port.tcp(8080)] });
    expect(rules(synthApp(s.app), 'web-allow-ingress', 'ingress')[0]).toEqual(expected);
  });

  test('the blueprint\'s Ingress: an ingress controller that runs ambient gets 15008 into web\'s sidecar pods (storefront/web-allow-ingress)', () => {
    for (const [mode, expected] of [[PeerDataPlane.SIDECAR, ['8080/TCP']], [PeerDataPlane.AMBIENT, ['8080/TCP', '15008/TCP']]] as const) {
      const s = app('sidecar');
      s.web.exposeViaIngress({ host: 'shop.example.com', ingressClassName: 'nginx', tls: IngressTls.fromSecret('tls'), containerPort: 8080,
        controller: Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, { serviceAccount: 'ingress-nginx', dataPlane: mode }) });
      expect(rules(synthApp(s.app), 'web-allow-ingress', 'ingress')).toEqual([expected]);
    }
  });

  test('the default of an outside peer is sidecar (documented); ClusterDns and IP blocks are outside the mesh', () => {
    const s = app('sidecar');
    s.web.allowFrom(Peer.pods('gw', { app: 'gw' }, { serviceAccount: 'gw' }), { ports: [Port.tcp(8080)] });
    expect(Peer.pods('gw', { app: 'gw' }).toPeerSelector().dataPlane).toBe(PeerDataPlane.SIDECAR);
    expect(Peer.namespace('x').toPeerSelector().dataPlane).toBe(PeerDataPlane.SIDECAR);
    expect(Peer.clusterDns().toPeerSelector().dataPlane).toBe(PeerDataPlane.NONE);
    expect(Peer.ipBlock('10.0.0.0/8').toPeerSelector().dataPlane).toBe(PeerDataPlane.NONE);
    const a = app('ambient');
    a.web.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(443)] });
    const objects = synthApp(a.app);
    // DNS (UDP and TCP 53 to kube-dns, not in the mesh) and the IP block get no HBONE
    expect(rules(objects, 'namespace-allow-egress', 'egress')).toEqual([['53/TCP', '53/UDP']]);
    expect(rules(objects, 'web-allow-egress', 'egress')).toEqual([['443/TCP']]);
  });

  test('no 15008 for a UDP-only flow between ambient pods; a flow with TCP and UDP gets it once', () => {
    const s = app('ambient');
    const other = new HardenedDeployment(new Chart(s.app, 'o', { namespace: 'shop' }), 'other', { containers: [container({ name: 'other' })] });
    other.allowTo(s.web, { ports: [Port.udp(5353)] });
    s.web.allowFrom(ambientPeer, { ports: [Port.udp(5353), Port.tcp(8080)] });
    const objects = synthApp(s.app);
    expect(rules(objects, 'other-allow-egress', 'egress')).toEqual([['5353/UDP']]);
    // rules by peer: the workload (UDP only), the ambient peer (TCP and UDP), the probe source (8080)
    expect(rules(objects, 'web-allow-ingress', 'ingress')).toEqual([['5353/UDP'], ['8080/TCP', '15008/TCP', '5353/UDP'], ['8080/TCP']]);
  });

  test('one outside peer declared with two data-plane modes fails synth', () => {
    const s = app('sidecar');
    s.web.allowFrom(sidecarPeer, { ports: [Port.tcp(8080)] });
    expect(() => s.web.allowTo(ambientPeer, { ports: [Port.tcp(9000)] })).toThrow(/\[.*web\] allowTo\.peer\.dataPlane: "ambient" contradicts an earlier declaration .* as dataPlane "sidecar".* Fix: /);
  });
});

describe('the ambient probe hole: the declared probes only', () => {
  const PROBE_V4 = { ipBlock: { cidr: '169.254.7.127/32' } };
  const PROBE_V6 = { ipBlock: { cidr: 'fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128' } };
  const probeRules = (objects: readonly KubeObject[]) => objects.filter(o => o.kind === 'NetworkPolicy')
    .flatMap(o => ((o.spec as Rec).ingress ?? []).filter((r: Rec) => JSON.stringify(r.from).includes('169.254.7.127') || JSON.stringify(r.from).includes('fd16:')).map((r: Rec) => ({ policy: o.metadata?.name, ...r })));

  test('IPv4 by default: the workload opens its probe ports to 169.254.7.127/32, listed, without endPort', () => {
    const objects = synthApp(app('ambient', { probes: 'tcp-named' }).app);
    expect(probeRules(objects)).toEqual([{ policy: 'web-allow-ingress', from: [PROBE_V4], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9000 }] }]);
  });

  test('IPv4 and IPv6 when the cluster runs both families; IPv6 alone when it runs only IPv6', () => {
    const dual = probeRules(synthApp(app('ambient', { mesh: { ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] } }).app));
    expect(dual.map(r => r.from)).toEqual([[PROBE_V4], [PROBE_V6]]);
    expect(dual.map(r => r.ports)).toEqual([[{ protocol: 'TCP', port: 8080 }], [{ protocol: 'TCP', port: 8080 }]]);
    expect(probeRules(synthApp(app('ambient', { mesh: { ipFamilies: [IpFamily.IPV6] } }).app)).map(r => r.from)).toEqual([[PROBE_V6]]);
    expect(() => app('ambient', { mesh: { ipFamilies: [] } })).toThrow(/ipFamilies: \[\] .* Fix: /);
  });

  test('no hole for exec probes, none in sidecar mode, no all-ports hole on the namespace', () => {
    expect(probeRules(synthApp(app('ambient', { probes: 'exec' }).app))).toEqual([]);
    expect(probeRules(synthApp(app('sidecar').app))).toEqual([]);
    const objects = synthApp(app('ambient').app);
    expect(objects.some(o => JSON.stringify(o.spec ?? {}).includes('"endPort":65535'))).toBe(false);
  });
});

describe('refused: combinations that cannot work', () => {
  test('a sidecar namespace with allowDns: false (pilot-agent resolves istiod)', () => {
    expect(() => synthApp(app('sidecar', { allowDns: false }).app)).toThrow(/\[cluster\/shop\] allowDns: false .*pilot-agent.* Fix: /);
    // ambient pods have no pilot-agent, and DNS declared another way satisfies it
    expect(() => synthApp(app('ambient', { allowDns: false }).app)).not.toThrow();
    const s = app('sidecar', { allowDns: false });
    s.ns.allowTo(Peer.ipBlock('169.254.20.10/32'), { ports: [Port.udp(53), Port.tcp(53)] });
    expect(() => synthApp(s.app)).not.toThrow();
  });

  test('a flow from an unmeshed namespace of the app to an outside peer under mesh-wide STRICT', () => {
    const s = app('none');
    s.web.allowTo(Peer.pods('gw', { app: 'gw' }, { serviceAccount: 'gw' }), { ports: [Port.tcp(8080)] });
    expect(() => synthApp(s.app)).toThrow(/\[.*web\] peer: .*gw.* is in the mesh \(dataPlane "sidecar"\) under the mesh-wide STRICT .*namespace "shop" is not in the mesh.* Fix: /);
    const ok = app('none');
    ok.web.allowTo(plainPeer, { ports: [Port.tcp(8080)] });
    expect(() => synthApp(ok.app)).not.toThrow();
    // without an IstioMesh there is no mesh-wide STRICT to refuse it
    const noMesh = app('none', { mesh: false });
    noMesh.web.allowTo(sidecarPeer, { ports: [Port.tcp(8080)] });
    expect(() => synthApp(noMesh.app)).not.toThrow();
  });

  test('an outside peer declared outside the mesh calling into a meshed workload', () => {
    const s = app('ambient');
    s.web.allowFrom(plainPeer, { ports: [Port.tcp(8080)] });
    expect(() => synthApp(s.app)).toThrow(/peer: .*gw.* dataPlane "none".*STRICT.* Fix: /);
  });
});
