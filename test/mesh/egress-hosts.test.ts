/**
 * Egress to named hosts (issue 23, part 3): `Peer.host` gives a ServiceEntry visible to the
 * client's namespace, sidecars reach the registry only (REGISTRY_ONLY in the install values),
 * IP-block egress of sidecar clients gets its entry too (else REGISTRY_ONLY would cut it), and
 * every refusal names the path, the field, the value and the fix. The objects are validated
 * against Istio's ServiceEntry CRD here (ajv + its CEL rules) and on the real API server.
 */
import { Chart } from 'cdk8s';
import { diffManifests } from '../../analysis/diff';
import { outsideHosts } from '../../analysis/report/outside-hosts';
import { HardenedDeployment, HardenedNamespace, IstioMesh, NamespaceMesh, Peer, Port } from '../../constructs';
import type { KubeObject } from '../../policy/kube-object';
import { container } from '../support/fixtures';
import { synthApp, testApp } from '../support/manifests';
import { validateAgainstIstioCrd } from './_support';

function app(mode: 'sidecar' | 'ambient' | 'none' | 'no-mesh', build: (web: HardenedDeployment) => void): KubeObject[] {
  const a = testApp();
  const cluster = new Chart(a, 'cluster');
  if (mode !== 'no-mesh') new IstioMesh(cluster, 'mesh');
  new HardenedNamespace(cluster, 'shop', mode === 'sidecar' ? { mesh: NamespaceMesh.sidecar() } : mode === 'ambient' ? { mesh: NamespaceMesh.ambient() } : {});
  const web = new HardenedDeployment(new Chart(a, 'w', { namespace: 'shop' }), 'web', { containers: [container({ name: 'web' })] });
  build(web);
  return synthApp(a);
}

test('a host by name: a ServiceEntry for the namespace, DNS-resolved, TLS on 443; the NetworkPolicy opens 443 to every address', () => {
  const objects = app('sidecar', web => {
    web.allowTo(Peer.host('api.stripe.com'), { ports: [Port.tcp(443)] });
    web.allowTo(Peer.host('*.googleapis.com'), { ports: [Port.tcp(443)] });
    web.allowTo(Peer.ipBlock('198.51.100.7/32'), { ports: [Port.tcp(5432)] });
  });
  const entries = objects.filter(o => o.kind === 'ServiceEntry');
  entries.forEach(validateAgainstIstioCrd);
  expect(entries.map(e => [e.metadata?.name, e.spec]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
    ['api-stripe-com', { exportTo: ['.'], hosts: ['api.stripe.com'], location: 'MESH_EXTERNAL', ports: [{ name: 'tls-443', number: 443, protocol: 'TLS' }], resolution: 'DNS' }],
    ['cidr-198-51-100-7-32-external', { addresses: ['198.51.100.7/32'], exportTo: ['.'], hosts: ['cidr-198-51-100-7-32.external'], location: 'MESH_EXTERNAL', ports: [{ name: 'tcp-5432', number: 5432, protocol: 'TCP' }], resolution: 'NONE' }],
    ['wildcard-googleapis-com', { exportTo: ['.'], hosts: ['*.googleapis.com'], location: 'MESH_EXTERNAL', ports: [{ name: 'tls-443', number: 443, protocol: 'TLS' }], resolution: 'NONE' }],
  ]);
  const egress = objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata?.name === 'web-allow-egress').flatMap(o => (o.spec as { egress: unknown[] }).egress);
  expect(egress).toContainEqual({ ports: [{ port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] });
  expect(outsideHosts(objects).map(h => [h.namespace, h.serviceEntry, h.hosts, h.ports])).toEqual([
    ['shop', 'api-stripe-com', ['api.stripe.com'], [443]], ['shop', 'cidr-198-51-100-7-32-external', ['cidr-198-51-100-7-32.external'], [5432]], ['shop', 'wildcard-googleapis-com', ['*.googleapis.com'], [443]],
  ]);
});

test('REGISTRY_ONLY is in the install values', () => {
  const a = testApp();
  const mesh = new IstioMesh(new Chart(a, 'cluster'), 'mesh');
  expect(mesh.installValues()).toHaveProperty('meshConfig.outboundTrafficPolicy', { mode: 'REGISTRY_ONLY' });
});

test('an ambient client gets no ServiceEntry for an address block (ztunnel passes it through); the diff says a new host opens', () => {
  expect(app('ambient', web => web.allowTo(Peer.ipBlock('198.51.100.7/32'), { ports: [Port.tcp(5432)] })).filter(o => o.kind === 'ServiceEntry')).toEqual([]);
  const before = app('sidecar', () => undefined);
  const after = app('sidecar', web => web.allowTo(Peer.host('api.stripe.com'), { ports: [Port.tcp(443)] }));
  const items = diffManifests(before, after).items.filter(i => i.change === 'outside-host-added');
  expect(items.map(i => [i.effect, i.subject])).toEqual([['opens', 'shop → api.stripe.com:443']]);
});

test.each([
  ['an uppercase name', 'API.stripe.com', /host: "API\.stripe\.com" is not a lowercase DNS name/],
  ['one label', 'stripe', /is not a lowercase DNS name of two labels or more/],
  ['an IP address', '203.0.113.9', /is an IP address, not a host name\. Fix: use Peer\.ipBlock\("203\.0\.113\.9\/32"\)/],
  ['a wildcard inside', 'api.*.com', /has a wildcard Istio does not accept/],
  ['a bare wildcard', '*', /has a wildcard Istio does not accept/],
  ['a trailing dot', 'api.stripe.com.', /is not a lowercase DNS name/],
])('refused at the flow: %s', (_, host, message) => {
  expect(() => app('sidecar', web => web.allowTo(Peer.host(host), { ports: [Port.tcp(443)] }))).toThrow(message);
});

test.each([
  ['from an ambient namespace', 'ambient' as const, /ztunnel does not enforce the mesh's REGISTRY_ONLY \(istio\/istio#54281\).*Fix: put the namespace in the mesh with NamespaceMesh\.sidecar\(\)/s],
  ['from a namespace outside the mesh', 'none' as const, /which is not in the mesh.*Fix: /s],
  ['in an app without a mesh', 'no-mesh' as const, /which is not in the mesh.*Fix: /s],
])('refused at synth: a host by name %s', (_, mode, message) => {
  expect(() => app(mode, web => web.allowTo(Peer.host('api.stripe.com'), { ports: [Port.tcp(443)] }))).toThrow(message);
});

test('refused: a host as a client, and a UDP port to a host', () => {
  expect(() => app('sidecar', web => web.allowFrom(Peer.host('api.stripe.com'), { ports: [Port.tcp(8080)] }))).toThrow(/allowFrom\.peer: "api\.stripe\.com" is a host by name as a client.*Fix: /s);
  expect(() => app('sidecar', web => web.allowTo(Peer.host('dns.example.com'), { ports: [Port.udp(53)] }))).toThrow(/port 53\/UDP to Peer\.host\("dns\.example\.com"\) is not TCP.*Fix: /s);
});
