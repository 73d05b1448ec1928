/**
 * The real API server judges what the data-plane layer writes (issue 18): mixed sidecar, ambient
 * and unmeshed namespaces, peers outside the app in every mode, UDP-only flows, the per-workload
 * probe hole on IPv4 and IPv6 (dual stack), applied with strict field validation against the
 * Kubernetes OpenAPI and the Istio CRDs' structural schemas and CEL rules (the suite installs the
 * Istio 1.30.3 CRDs first). The server is the oracle; we only synthesize and count.
 */
import { Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import { HardenedDeployment, HardenedNamespace, IpFamily, IstioMesh, NamespaceMesh, Peer, PeerDataPlane, Port, Protocol } from '../../constructs';
import type { KubeClient, KubeJson } from '../../src/cluster/kube-client';
import { container } from '../support/fixtures';
import { testApp, withoutWarnings } from '../support/manifests';
import { applyAll, asManifests } from './_support';

/** The app: namespaces `dp-side` (sidecar), `dp-amb` (ambient), `dp-plain` (no mesh), peers outside in every mode. */
function dataPlaneApp(minor: string): KubeJson[] {
  const app = testApp({ kubernetesVersion: minor, ...(minor === '1.37' ? { istioVersion: '1.31' } : {}) });
  const cluster = new Chart(app, 'cluster');
  new IstioMesh(cluster, 'mesh', { ipFamilies: [IpFamily.IPV4, IpFamily.IPV6], monitoring: Peer.pods('dp-mon', { app: 'prom' }, { serviceAccount: 'prom' }) });
  new HardenedNamespace(cluster, 'dp-side', { mesh: NamespaceMesh.sidecar() });
  new HardenedNamespace(cluster, 'dp-amb', { mesh: NamespaceMesh.ambient() });
  new HardenedNamespace(cluster, 'dp-plain');
  const ports = [{ number: 8080, name: 'http' }, { number: 9000 }, { number: 5353, protocol: Protocol.UDP }];
  const deploy = (ns: string, name: string, probes = {}) => new HardenedDeployment(new Chart(app, `${ns}-${name}`, { namespace: ns }), name, { containers: [container({ name, ports, ...probes })] });
  const web = deploy('dp-side', 'web');
  const api = deploy('dp-amb', 'api', { readiness: Probe.fromTcpSocket({ port: 9000 }), liveness: Probe.fromHttpGet('/healthz', { port: 8080 }) });
  const db = deploy('dp-amb', 'db', { readiness: Probe.fromCommand(['true']), liveness: Probe.fromCommand(['true']) });
  const plain = deploy('dp-plain', 'tool');
  web.allowTo(api, { ports: [Port.tcp(8080)] });
  api.allowTo(db, { ports: [Port.tcp(9000)] });
  api.allowTo(db, { ports: [Port.udp(5353)] });
  web.allowFrom(Peer.pods('dp-gw', { app: 'gw' }, { serviceAccount: 'gw', dataPlane: PeerDataPlane.AMBIENT }), { ports: [Port.tcp(8080)] });
  api.allowFrom(Peer.namespace('dp-ops', { dataPlane: PeerDataPlane.SIDECAR }), { ports: [Port.tcp(8080)] });
  api.allowTo(Peer.pods('dp-ext', { app: 'svc' }, { dataPlane: PeerDataPlane.NONE }), { ports: [Port.tcp(443)] });
  plain.allowTo(Peer.pods('dp-legacy', { app: 'old' }, { dataPlane: PeerDataPlane.NONE }), { ports: [Port.tcp(5432), Port.udp(514)] });
  return withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
}

export function meshDataPlaneServerTests(minor: string, client: () => KubeClient): void {
  test('the data-plane layer\'s NetworkPolicies, AuthorizationPolicies and PeerAuthentications are accepted with strict field validation (mixed modes, outside peers, IPv4 and IPv6 probe holes)', async () => {
    const objects = dataPlaneApp(minor);
    const count = (kind: string) => objects.filter(o => o.kind === kind).length;
    const probeHoles = objects.filter(o => o.kind === 'NetworkPolicy' && /fd16:9254:7127:1337:ffff:ffff:ffff:ffff\/128/.test(JSON.stringify(o.spec)));
    expect(probeHoles.map(o => o.metadata?.name)).toEqual(['api-allow-ingress']); // db has exec probes only
    // Istio's installer creates its root namespace, where the mesh-wide PeerAuthentication goes
    const root = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } };
    const { verdicts, rejected } = await applyAll(client(), asManifests([root, ...objects]));
    expect(rejected).toEqual([]);
    expect(verdicts.length).toBe(objects.length + 1);
    // negative control: the same probe hole with a misspelt field, and an AuthorizationPolicy with an L7 field the CRD does not know, are refused
    const typo = JSON.parse(JSON.stringify(probeHoles[0])) as KubeJson & { spec: { ingress: { ports: Record<string, unknown>[] }[] } };
    typo.metadata = { ...typo.metadata, name: 'typo' };
    typo.spec.ingress[0].ports[0].endport = 9001;
    const badAp = { ...objects.find(o => o.kind === 'AuthorizationPolicy' && o.metadata?.name === 'api-allow-ingress')!, metadata: { name: 'bad', namespace: 'dp-amb' } } as KubeJson & { spec: Record<string, unknown> };
    badAp.spec = { ...badAp.spec, rules: [{ to: [{ operation: { ports: ['8080'], verbs: ['GET'] } }] }] };
    expect((await applyAll(client(), asManifests([typo, badAp]))).rejected.map(r => r.split(':')[0])).toEqual(['REJECTED NetworkPolicy dp-amb/typo', 'REJECTED AuthorizationPolicy dp-amb/bad']);
    process.stderr.write(`${minor}: data plane: ${verdicts.length} objects accepted (${count('NetworkPolicy')} NetworkPolicies, ${count('AuthorizationPolicy')} AuthorizationPolicies, ${count('PeerAuthentication')} PeerAuthentications), 0 rejected\n`);
  }, 120_000);
}
