/**
 * The Gateway API exposure on the real API server (issue 21): the Gateway API v1.5.1 CRDs' structural
 * schemas and CEL rules (x-kubernetes-validations) judge what HardenedGateway and exposeViaGateway
 * write, and the bad inputs we refuse; Pod Security Admission and the server's strategic merge
 * patch judge Istio's own rendering of its gateway Deployment with and without our parameters.
 * Every verdict is the server's; the table says which bad inputs only synth catches.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { GatewayRouteKind, GatewayTls, HardenedNamespace } from '../../constructs';
import type { KubeClient, KubeJson } from '../../src/cluster/kube-client';
import { statusMessage } from '../../src/cluster/kube-client';
import { gatewayApp } from '../gateway/_support';
import { synthApp, withoutWarnings } from '../support/manifests';
import { admission, applyAll, asManifests, dryRunCreate, ROOT } from './_support';

type Json = Record<string, any>;
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** The objects of a gateway app in namespaces `gw-edge`, `gw-shop`, `gw-api`: HTTP and gRPC routes, a cross-namespace certificate with its ReferenceGrant. */
function gatewayObjects(): KubeJson[] {
  const built = gatewayApp({ namespacePrefix: 'gw-', monitoring: true, gateway: { tls: GatewayTls.fromSecret('public-tls', { namespace: 'gw-certs' }) } });
  new HardenedNamespace(built.cluster, 'gw-certs');
  built.web.exposeViaGateway(built.gateway, { hostnames: ['shop.example.com'], paths: ['/', '/static'] });
  built.grpc.exposeViaGateway(built.gateway, { hostnames: ['orders.api.example.com'], kind: GatewayRouteKind.GRPC, grpcServices: ['shop.v1.Orders'], containerPort: 9090 });
  return withoutWarnings(() => synthApp(built.app)) as KubeJson[];
}

/** One bad input, written into a valid object: what the server says, and whether synth refuses it. */
interface BadCase {
  readonly name: string;
  readonly object: (gateway: Json, route: Json) => Json;
  /** Whether the server's schema or CEL rules reject it (the expectation this test checks). */
  readonly serverRejects: boolean;
}

const listener0 = (gateway: Json, change: (l: Json) => void): Json => {
  const g = clone(gateway);
  change(g.spec.listeners[0]);
  return g;
};
const routeWith = (route: Json, change: (r: Json) => void): Json => {
  const r = clone(route);
  change(r);
  return r;
};

/** The bad inputs of issue 21 (each refused at synth by test/gateway/bad-input.test.ts) and the server's verdict on each. */
const BAD_CASES: readonly BadCase[] = [
  { name: 'listener hostname with uppercase', object: g => listener0(g, l => { l.hostname = 'Shop.example.com'; }), serverRejects: true },
  { name: 'listener hostname with a wildcard inside', object: g => listener0(g, l => { l.hostname = 'shop.*.example.com'; }), serverRejects: true },
  { name: 'listener hostname with a port', object: g => listener0(g, l => { l.hostname = 'shop.example.com:443'; }), serverRejects: true },
  { name: 'listener hostname that is an IP address', object: g => listener0(g, l => { l.hostname = '10.0.0.1'; }), serverRejects: false },
  { name: 'route hostname with uppercase', object: (_, r) => routeWith(r, x => { x.spec.hostnames = ['Shop.example.com']; }), serverRejects: true },
  { name: 'route hostname that is an IP address', object: (_, r) => routeWith(r, x => { x.spec.hostnames = ['10.0.0.1']; }), serverRejects: false },
  { name: 'HTTPS listener without tls', object: g => listener0(g, l => { delete l.tls; }), serverRejects: false },
  { name: 'HTTPS listener terminating TLS without a certificate', object: g => listener0(g, l => { l.tls = { mode: 'Terminate' }; }), serverRejects: true },
  { name: 'HTTP listener with tls', object: g => { const x = clone(g); x.spec.listeners.find((l: Json) => l.protocol === 'HTTP').tls = clone(g.spec.listeners[0].tls); return x; }, serverRejects: true },
  { name: 'redirect rule that also has a backend', object: (_, r) => routeWith(r, x => { x.spec.rules[0].filters = [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]; }), serverRejects: true },
  { name: 'route path with /../', object: (_, r) => routeWith(r, x => { x.spec.rules[0].matches[0].path.value = '/a/../b'; }), serverRejects: true },
  { name: 'route path not absolute', object: (_, r) => routeWith(r, x => { x.spec.rules[0].matches[0].path.value = 'api'; }), serverRejects: true },
  { name: 'route to a Service port no container listens on', object: (_, r) => routeWith(r, x => { x.spec.rules[0].backendRefs[0].port = 9999; }), serverRejects: false },
  { name: 'second route claiming the same hostname and path', object: (_, r) => routeWith(r, x => { x.metadata.name = 'web-public-duplicate'; }), serverRejects: false },
  { name: 'certificate in another namespace without a ReferenceGrant', object: g => listener0(g, l => { l.tls.certificateRefs[0].namespace = 'nobody-granted-this'; }), serverRejects: false },
  { name: 'route attaching from a namespace the listener does not allow', object: (_, r) => routeWith(r, x => { x.metadata.namespace = 'gw-api'; }), serverRejects: false },
];

/** The server suite of the Gateway API exposure; called once from realServerSuite. */
export function gatewayServerTests(minor: string, client: () => KubeClient): void {
  const tally: string[] = [];
  afterAll(() => {
    if (tally.length > 0) process.stderr.write(`\n${tally.join('\n')}\n`);
  });
  test('Gateway API: a gateway app (HTTPRoute, GRPCRoute, redirect, ReferenceGrant, parameters) is accepted whole with strict field validation; the CRDs\' CEL rules reject the bad inputs they cover', async () => {
    const objects = gatewayObjects();
    const gatewayApi = objects.filter(o => String(o.apiVersion).startsWith('gateway.networking.k8s.io/'));
    expect(gatewayApi.map(o => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`).sort()).toEqual([
      'GRPCRoute gw-api/orders-public', 'Gateway gw-edge/public', 'HTTPRoute gw-edge/public-https-redirect', 'HTTPRoute gw-shop/web-public', 'ReferenceGrant gw-certs/gw-edge-public-certificate',
    ]);
    // istio-system exists already (the default blueprint's test made it)
    const { verdicts, rejected } = await applyAll(client(), asManifests(objects.filter(o => o.metadata?.namespace !== 'istio-system')));
    expect(rejected).toEqual([]);
    // stored as written: the server kept every listener and route field (strict validation dropped nothing)
    const stored = await client().get<Json>('/apis/gateway.networking.k8s.io/v1/namespaces/gw-edge/gateways/public');
    const gateway = objects.find(o => o.kind === 'Gateway') as Json;
    expect(stored.spec.listeners).toEqual(gateway.spec.listeners);
    expect(stored.spec.infrastructure).toEqual(gateway.spec.infrastructure); // the empty labels and annotations that stop Istio copying ours survive

    const route = objects.find(o => o.kind === 'HTTPRoute' && o.metadata?.name === 'web-public') as Json;
    const verdictsByCase: string[] = [];
    const mismatches: string[] = [];
    for (const c of BAD_CASES) {
      const object = c.object(gateway, route);
      const r = await dryRunCreate(client(), { ...object, metadata: { ...object.metadata, name: `${object.metadata.name}-bad` } } as KubeJson);
      const rejectedByServer = r.status >= 300;
      if (rejectedByServer !== c.serverRejects) mismatches.push(`${c.name}: expected the server to ${c.serverRejects ? 'reject' : 'accept'}, it ${rejectedByServer ? `rejected (${statusMessage(r)})` : 'accepted'}`);
      if (rejectedByServer) expect(statusMessage(r)).toMatch(/is invalid|Invalid value|Unsupported value|Required value/);
      verdictsByCase.push(`${c.name}: ${rejectedByServer ? 'server rejects' : 'only synth refuses'}`);
    }
    expect(mismatches).toEqual([]);
    const byServer = BAD_CASES.filter(c => c.serverRejects).length;
    tally.push(`${minor}: Gateway API: ${verdicts.length} objects of a gateway app accepted (${gatewayApi.length} Gateway API); of ${BAD_CASES.length} bad inputs, ${byServer} rejected by the CRDs' schemas and CEL rules, ${BAD_CASES.length - byServer} caught only by synth (${BAD_CASES.filter(c => !c.serverRejects).map(c => c.name).join('; ')})`);
  }, 120_000);

  test('Istio\'s gateway Deployment (its own golden rendering) is denied by Pod Security restricted and by the blueprint\'s policies; merged with our parameters by the server, it is admitted by both', async () => {
    const golden = yaml.loadAll(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'istio-gateway', 'simple.yaml'), 'utf8')) as Json[];
    const ns = 'gw-istio-restricted';
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } } };
    // as Istio creates them; the owner reference to the Gateway (uid "") is dropped
    const into = (o: Json, namespaceName: string) => { const x = clone(o); x.metadata.namespace = namespaceName; delete x.metadata.ownerReferences; return x; };
    const serviceAccount = into(golden.find(o => o?.kind === 'ServiceAccount')!, ns);
    const rendered = golden.find(o => o?.kind === 'Deployment')!;
    expect((await applyAll(client(), asManifests([namespace, serviceAccount]))).rejected).toEqual([]);
    const podOf = (d: Json, name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...d.spec.template.metadata, name, namespace: ns }, spec: d.spec.template.spec });

    // as Istio renders it: Pod Security Admission denies its pod (seccomp only), the blueprint's DENY policies deny the Deployment
    const pod = await admission(client(), podOf(rendered, 'as-istio-renders-it'));
    expect(pod.admitted).toBe(false);
    expect(pod.message).toMatch(/violates PodSecurity "restricted:latest": seccompProfile/);
    expect(pod.message).not.toMatch(/sysctls|runAsNonRoot|capabilities|allowPrivilegeEscalation/);
    const deployment = await admission(client(), into(rendered, ns));
    expect(deployment.admitted).toBe(false);
    expect(deployment.message).toMatch(/ValidatingAdmissionPolicy 'cdk8s-hardened-/);

    // our parameters ConfigMap's `deployment` key, merged as Istio merges it: a strategic merge patch, here by the server,
    // on a copy stored in istio-system (which the blueprint's policies exclude)
    const parameters = gatewayObjects().find(o => o.kind === 'ConfigMap' && o.metadata?.name === 'public-gateway-parameters') as Json;
    const overlay = yaml.load(parameters.data.deployment) as Json;
    const stored = into(rendered, 'istio-system');
    stored.metadata.name = 'gw-golden-istio';
    expect((await applyAll(client(), asManifests([stored]))).rejected).toEqual([]);
    const patched = await client().request('PATCH', `/apis/apps/v1/namespaces/istio-system/deployments/gw-golden-istio?fieldValidation=Strict`, overlay, 'application/strategic-merge-patch+json');
    expect(patched.status).toBe(200);
    const merged = patched.body as Json;
    expect(merged.spec.template.spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'RuntimeDefault' } });
    expect(merged.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(merged.spec.template.spec.containers.map((c: Json) => [c.name, c.image, c.resources, c.securityContext.runAsUser, Object.keys(c).filter(k => k.endsWith('Probe')).sort()])).toEqual([
      ['istio-proxy', overlay.spec.template.spec.containers[0].image, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } }, 1337, ['livenessProbe', 'readinessProbe', 'startupProbe']],
    ]);
    const clean = (d: Json) => { const x = into(d, ns); x.metadata = { name: 'with-our-parameters', namespace: ns, labels: d.metadata.labels }; delete x.status; return x; };
    expect(await admission(client(), podOf(merged, 'with-our-parameters'))).toEqual({ admitted: true, message: '' });
    expect(await admission(client(), clean(merged))).toEqual({ admitted: true, message: '' });
    // each part of the overlay the policies need: without the liveness probe, or with Istio's image by tag, the Deployment is denied
    const without = (change: (c: Json) => void) => { const x = clean(merged); change(x.spec.template.spec.containers[0]); return x; };
    expect((await admission(client(), without(c => { delete c.livenessProbe; }))).message).toMatch(/ValidatingAdmissionPolicy 'cdk8s-hardened-hardened-4'/);
    expect((await admission(client(), without(c => { c.image = rendered.spec.template.spec.containers[0].image; }))).message).toMatch(/ValidatingAdmissionPolicy 'cdk8s-hardened-hardened-1'/);
    tally.push(`${minor}: Istio's gateway (golden rendering of kube-gateway.yaml, 1.31.0-rc.0): its pod denied by Pod Security restricted (seccompProfile only), its Deployment by the blueprint's policies (${/ValidatingAdmissionPolicy '([^']+)'/.exec(deployment.message)?.[1]}); after the server's strategic merge of our parameters, pod and Deployment admitted by both; without the overlay's liveness probe denied by HARDENED-4, with Istio's tagged image by HARDENED-1`);
  }, 60_000);
}
