/**
 * The report and the diff model the data plane (issue 18): what bypasses the proxy is shown as
 * reachable without mTLS, PeerAuthentication refuses plaintext into STRICT, HBONE needs 15008 at
 * the NetworkPolicy layer, the posture says which workloads are outside the mesh, and `diff`
 * reports an opening of one layer even while another still refuses, naming the policy objects.
 *
 * Each case failed before: the report and the diff evaluated AuthorizationPolicies on every TCP
 * port, ignored PeerAuthentication and the transport, and compared only the combined matrix.
 */
import { diffManifests } from '../../analysis/diff';
import { computeReachability, dataPlaneModel, defaultLayers, formatPorts, renderSecurityReport } from '../../analysis/report';
import type { KubeObject } from '../../policy/kube-object';
import { buildDefaultBlueprint } from '../../src/blueprint';
import { synthApp, testApp } from '../support/manifests';

type Rec = Record<string, any>;
const blueprint = (): KubeObject[] => {
  const app = testApp();
  buildDefaultBlueprint(app);
  return synthApp(app);
};
const matrixOf = (objects: KubeObject[]) => computeReachability(objects, { layers: defaultLayers(objects), dataPlane: dataPlaneModel(objects) });
const np = (objects: KubeObject[], ns: string, name: string): Rec => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === ns && o.metadata?.name === name) as Rec;
const ap = (objects: KubeObject[], ns: string, name: string): Rec => objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.namespace === ns && o.metadata?.name === name) as Rec;

describe('the report shows what bypasses the proxy', () => {
  const objects = blueprint();
  const m = matrixOf(objects);

  test('the sidecar\'s 15020 from Prometheus and the ambient probe source, as reachable without mTLS', () => {
    const bypass = m.external.filter((f) => f.bypass).map((f) => `${f.workload.namespace}/${f.workload.name} ${f.direction} ${f.peer.type === 'ipBlock' ? f.peer.cidr : f.peer.type}: ${formatPorts(f.bypass!)}`);
    expect(bypass).toEqual(['backend/api ingress 169.254.7.127/32: 8080/TCP', 'backend/thumbnailer ingress 169.254.7.127/32: 8081/TCP', 'storefront/web ingress selector: 15020/TCP']);
    expect(renderSecurityReport(objects, { mermaid: false })).toContain('| 15020/TCP (without mTLS: 15020/TCP) |');
  });

  test('the declared flows stay exactly what the layers allow end to end (HBONE for web -> api, api -> postgres)', () => {
    expect(m.edges.map((e) => `${e.from.name} -> ${e.to.name}: ${formatPorts(e.ports)}`)).toEqual([
      'api -> thumbnailer: 8081/TCP', 'api -> postgres: 5432/TCP', 'migrate -> postgres: 5432/TCP', 'export -> postgres: 5432/TCP', 'web -> api: 8080/TCP',
    ]);
  });

  test('without 15008 on the wire, a sidecar client cannot reach an ambient server (HBONE), whatever the app port says', () => {
    const broken = structuredClone(objects);
    for (const [ns, name, dir] of [['backend', 'api-allow-ingress', 'ingress'], ['storefront', 'web-allow-egress', 'egress']] as const) {
      for (const rule of np(broken, ns, name).spec[dir]) rule.ports = rule.ports.filter((p: Rec) => p.port !== 15008);
    }
    expect(matrixOf(broken).edges.some((e) => e.from.name === 'web' && e.to.name === 'api')).toBe(false);
    expect(computeReachability(broken).edges.some((e) => e.from.name === 'web' && e.to.name === 'api')).toBe(true); // NetworkPolicies alone still say 8080
  });

  test('plaintext from outside the mesh into STRICT is refused; only the uncaptured ports remain, without mTLS; the posture says "not in the mesh"', () => {
    const ns = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    const deploy = (namespace: string, name: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
      spec: { template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name: 'c', image: 'r/x@sha256:00', ports: [{ containerPort: 8080 }] }] } } } });
    const objects2: KubeObject[] = [
      ns('shop', { 'istio-injection': 'enabled' }), ns('tools', {}), deploy('shop', 'web'), deploy('tools', 'client'),
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
    ];
    const edge = matrixOf(objects2).edges.find((e) => e.from.name === 'client' && e.to.name === 'web')!;
    expect({ ports: formatPorts(edge.ports), bypass: formatPorts(edge.bypass!) }).toEqual({
      ports: '15020-15021/TCP, 15090/TCP, 1-65535/UDP, 1-65535/SCTP', bypass: '15020-15021/TCP, 15090/TCP',
    });
    const report = renderSecurityReport(objects2, { mermaid: false });
    expect(report).toContain('| Deployment/client | 1 (default) | none | none | none (not in the mesh: plaintext) |');
    expect(report).toContain('| Deployment/web | 1 (default) | none | sidecar | STRICT (mesh) |');
  });
});

describe('diff reports each layer, with the policy objects', () => {
  const before = blueprint();

  test('widening the 15020 NetworkPolicy peer to every pod of the cluster opens (the port bypasses the proxy)', () => {
    const after = structuredClone(before);
    np(after, 'storefront', 'namespace-allow-ingress').spec.ingress[0].from = [{ namespaceSelector: {} }];
    const opens = diffManifests(before, after).items.filter((i) => i.effect === 'opens');
    // end to end: any pod of the cluster outside the inputs; each workload of the inputs at the ingress layer (their egress still refuses)
    expect(opens.filter((i) => !i.layer).map((i) => [i.change, i.subject, i.flow && formatPorts(i.flow.ports), i.policies])).toEqual([
      ['flow-added', 'outside: *: * → storefront/web', '15020/TCP', ['NetworkPolicy storefront/namespace-allow-ingress']],
    ]);
    expect(opens.filter((i) => i.layer).map((i) => `${i.layer} ${i.subject}`)).toEqual(['backend/api', 'backend/migrate', 'backend/thumbnailer', 'data/export', 'data/postgres', 'storefront/web']
      .map((w) => `NetworkPolicy ingress ${w} → storefront/web`));
  });

  test('debug-tools into backend/api on 9999/TCP at the NetworkPolicy layer, the mesh still denying: opens, layer named', () => {
    const after = structuredClone(before);
    np(after, 'backend', 'api-allow-ingress').spec.ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'debug-tools' } } }], ports: [{ protocol: 'TCP', port: 9999 }] });
    const opens = diffManifests(before, after).items.filter((i) => i.effect === 'opens');
    expect(opens.map((i) => [i.change, i.layer, i.subject, i.flow && formatPorts(i.flow.ports), i.policies])).toEqual([
      ['layer-opens', 'NetworkPolicy ingress', 'outside: debug-tools: * → backend/api', '9999/TCP', ['NetworkPolicy backend/api-allow-ingress']],
    ]);
  });

  test('postgres\'s ingress widened to every pod of backend and its ALLOW from a principal to the namespace: both layers open while thumbnailer\'s egress still blocks', () => {
    const after = structuredClone(before);
    np(after, 'data', 'postgres-allow-ingress').spec.ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } } }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 15008 }] });
    for (const rule of ap(after, 'data', 'postgres-allow-ingress').spec.rules) {
      if (JSON.stringify(rule.from).includes('ns/backend/sa/api')) rule.from = [{ source: { namespaces: ['backend'] } }];
    }
    const opens = diffManifests(before, after).items.filter((i) => i.effect === 'opens');
    expect(opens.map((i) => `${i.layer} ${i.subject} ${i.flow && formatPorts(i.flow.ports)} <- ${i.policies?.join(', ')}`)).toEqual([
      'AuthorizationPolicy backend/thumbnailer → data/postgres 5432/TCP <- AuthorizationPolicy data/postgres-allow-ingress',
      'NetworkPolicy ingress backend/thumbnailer → data/postgres 5432/TCP, 15008/TCP <- NetworkPolicy data/postgres-allow-ingress',
    ]);
    expect(diffManifests(before, after).items.some((i) => i.layer === undefined && i.category === 'reachability')).toBe(false); // end to end: nothing
  });
});

test('a container that newly listens on a port is a posture item (opens), and swapping tightens', () => {
  const before = blueprint();
  const after = structuredClone(before);
  const api = after.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'api') as Rec;
  api.spec.template.spec.containers[0].ports.push({ containerPort: 9999, protocol: 'TCP', name: 'debug' });
  expect(diffManifests(before, after).items.map((i) => `${i.effect} ${i.change} ${i.subject}: ${i.message}`)).toEqual(['opens listening-port backend/Deployment/api: listens on 9999/TCP (api)']);
  expect(diffManifests(after, before).items.map((i) => `${i.effect} ${i.change}`)).toEqual(['tightens listening-port']);
});

describe('an ambient destination\'s AuthorizationPolicies as ztunnel enforces them (L4 attributes only)', () => {
  const ns = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const deploy = (namespace: string, name: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name: 'c', image: 'r/x@sha256:00', ports: [{ containerPort: 8080 }] }] } } } });
  const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'api' } }, ...spec } });
  const tcp = (mode: 'ambient' | 'sidecar', ...policies: KubeObject[]) => {
    const objects = [ns('shop', mode === 'ambient' ? { 'istio.io/dataplane-mode': 'ambient' } : { 'istio-injection': 'enabled' }), deploy('shop', 'web'), deploy('shop', 'api'), ...policies];
    const e = matrixOf(objects).edges.find((x) => x.from.name === 'web' && x.to.name === 'api');
    return e ? (e.ports === 'all' ? '1-65535/TCP' : formatPorts(e.ports)).split(', ').filter((p) => p.endsWith('/TCP') && p !== '15020-15021/TCP' && p !== '15090/TCP').join(', ') : '—';
  };
  const from = [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }];

  test('an ALLOW rule with an HTTP attribute is dropped by ztunnel (closed); a sidecar may let some requests through (open)', () => {
    const allow = policy('allow', { action: 'ALLOW', rules: [{ from, to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] }] });
    expect(tcp('ambient', allow)).toBe('');
    expect(tcp('sidecar', allow)).toBe('8080/TCP');
  });

  test('a DENY rule is read without its HTTP attributes: with a port left it denies the port; with nothing left in a part it denies nothing', () => {
    const onPort = policy('deny', { action: 'DENY', rules: [{ from, to: [{ operation: { ports: ['8080'], methods: ['POST'] } }] }] });
    const nothingLeft = policy('deny', { action: 'DENY', rules: [{ from, to: [{ operation: { methods: ['POST'] } }] }] });
    expect(tcp('ambient', onPort)).toBe('1-8079/TCP, 8081-65535/TCP');
    expect(tcp('ambient', nothingLeft)).toBe('1-65535/TCP');
    expect(tcp('sidecar', onPort)).toBe('1-65535/TCP'); // the sidecar denies only POST: some requests on 8080 pass
  });
});
