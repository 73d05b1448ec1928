import { Chart, JsonPatch } from 'cdk8s';
import {
  HardenedCronJob, HardenedDeployment, HardenedJob, HardenedNamespace, IstioMesh, ISTIO_VERSION_CONTEXT, NamespaceMesh, Peer, PolicyException, Port, Protocol,
} from '../../constructs';
import { checkPodSecurity, podTemplateOf } from '../../policy/pss';
import { KubeObject } from '../../policy/kube-object';
import { container } from '../support/fixtures';
import { findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';
import { celRuleCount, isIstioObject, istioSchemaKeys, meshedStorefront, validateAgainstIstioCrd } from './_support';

type Rec = Record<string, any>;

/** An app with an IstioMesh and one meshed namespace `shop` holding `web` and `api` (web -> api on 8080). */
function shop(mesh: NamespaceMesh = NamespaceMesh.sidecar(), extra: { monitoring?: boolean; istioVersion?: string; kubernetesVersion?: string; context?: Record<string, string> } = {}) {
  const app = testApp({ istioVersion: extra.istioVersion, kubernetesVersion: extra.kubernetesVersion });
  for (const [k, v] of Object.entries(extra.context ?? {})) app.node.setContext(k, v);
  const cluster = new Chart(app, 'cluster');
  new IstioMesh(cluster, 'mesh', extra.monitoring ? { monitoring: Peer.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' }, { serviceAccount: 'prometheus' }) } : {});
  const ns = new HardenedNamespace(cluster, 'shop', { mesh });
  const chart = new Chart(app, 'shop-workloads', { namespace: 'shop' });
  const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
  const api = new HardenedDeployment(chart, 'api', { containers: [container({ name: 'api' })] });
  web.allowTo(api, { ports: [Port.tcp(8080)] });
  return { app, cluster, ns, chart, web, api };
}

const policy = (objects: readonly KubeObject[], name: string, ns = 'shop') => findObject(objects, 'NetworkPolicy', name, ns).spec as Rec;
const ports = (rules: Rec[]) => rules.map(r => (r.ports as Rec[]).map(p => `${p.port}${p.endPort ? `-${p.endPort}` : ''}/${p.protocol}`));

describe('Istio objects against their CRDs', () => {
  test('the CRD file defines v1 and v1beta1 of PeerAuthentication and AuthorizationPolicy', () => {
    expect(istioSchemaKeys()).toEqual(expect.arrayContaining([
      'security.istio.io/v1 AuthorizationPolicy', 'security.istio.io/v1beta1 AuthorizationPolicy',
      'security.istio.io/v1 PeerAuthentication', 'security.istio.io/v1beta1 PeerAuthentication',
    ]));
  });

  test.each([
    ['sidecar, Kubernetes 1.28, Istio 1.24', { mode: 'sidecar' as const, app: { kubernetesVersion: '1.28' } }],
    ['ambient, Kubernetes 1.28, Istio 1.24', { mode: 'ambient' as const, app: { kubernetesVersion: '1.28' } }],
    ['sidecar, Kubernetes 1.36, Istio 1.31 (the default)', { mode: 'sidecar' as const }],
    ['ambient, Kubernetes 1.36, Istio 1.31 (the default)', { mode: 'ambient' as const }],
  ])('%s: every Istio object is valid; every other object is valid Kubernetes', (_, options) => {
    const objects = synthApp(meshedStorefront(options).app);
    const istio = objects.filter(isIstioObject);
    // 1 mesh-wide + 3 namespaces x (PeerAuthentication, deny-all) + 4 servers' ALLOW policies,
    // + with sidecars the ServiceEntry of the payment provider's address block (REGISTRY_ONLY)
    expect(istio.length).toBe(options.mode === 'sidecar' ? 12 : 11);
    istio.forEach(validateAgainstIstioCrd);
    objects.filter(o => !isIstioObject(o)).forEach(validateAgainstKubernetesSchema);
  });

  test('snapshot: the mesh objects and the mesh-related NetworkPolicies of the storefront, sidecar and ambient', () => {
    for (const mode of ['sidecar', 'ambient'] as const) {
      const objects = synthApp(meshedStorefront({ mode }).app);
      expect(objects.filter(o => isIstioObject(o) || (o.kind === 'NetworkPolicy' && /^namespace-allow-/.test(String(o.metadata?.name))) || o.metadata?.name === 'api-allow-ingress'))
        .toMatchSnapshot(mode);
    }
  });

  test('the validator is a real check (negative controls)', () => {
    const objects = synthApp(meshedStorefront().app);
    const pa = findObject(objects, 'PeerAuthentication', 'default', 'istio-system');
    expect(() => validateAgainstIstioCrd({ ...pa, spec: { mtls: { mode: 'STRICTER' } } })).toThrow(/STRICTER|enum/);
    const allow = findObject(objects, 'AuthorizationPolicy', 'api-allow-ingress', 'backend');
    expect(() => validateAgainstIstioCrd({ ...allow, spec: { ...(allow.spec as Rec), action: 'PERMIT' } })).toThrow(/enum/);
    expect(() => validateAgainstIstioCrd({ ...allow, apiVersion: 'security.istio.io/v2' })).toThrow(/no Istio CRD schema/);
    // the CRDs' CEL rules run too
    expect(celRuleCount('security.istio.io/v1 AuthorizationPolicy')).toBeGreaterThan(3);
    expect(celRuleCount('security.istio.io/v1 PeerAuthentication')).toBeGreaterThan(2);
    const spec = allow.spec as Rec;
    expect(() => validateAgainstIstioCrd({ ...allow, spec: { ...spec, targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'w' } } })).toThrow(/CEL/);
    expect(() => validateAgainstIstioCrd({ ...allow, spec: { ...spec, selector: { matchLabels: { app: 'web*' } } } })).toThrow(/CEL/);
    expect(() => validateAgainstIstioCrd({ ...pa, spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } } })).toThrow(/CEL/);
  });

  test('every pod template still passes Pod Security Standards restricted', () => {
    for (const mode of ['sidecar', 'ambient'] as const) {
      for (const o of synthApp(meshedStorefront({ mode }).app).filter(x => podTemplateOf(x) !== undefined)) {
        expect({ name: o.metadata?.name, findings: checkPodSecurity(o, 'restricted', 'v1.28') }).toEqual({ name: o.metadata?.name, findings: [] });
      }
    }
  });
});

describe('IstioMesh and the mesh option of HardenedNamespace', () => {
  test('mesh-wide STRICT in the root namespace (configurable), trust domain in the principals', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new IstioMesh(cluster, 'mesh', { rootNamespace: 'mesh-root', trustDomain: 'prod.example.com' });
    new HardenedNamespace(cluster, 'shop', { mesh: NamespaceMesh.sidecar() });
    const chart = new Chart(app, 'w', { namespace: 'shop' });
    const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
    new HardenedDeployment(chart, 'api', { containers: [container({ name: 'api' })] }).allowFrom(web, { ports: [Port.tcp(8080)] });
    const objects = synthApp(app);
    expect(findObject(objects, 'PeerAuthentication', 'default', 'mesh-root')).toEqual({
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'mesh-root', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-hardened' } },
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect((findObject(objects, 'AuthorizationPolicy', 'api-allow-ingress', 'shop').spec as Rec).rules[0].from[0].source).toEqual({ principals: ['prod.example.com/ns/shop/sa/web'] });
  });

  test('sidecar: injection label, STRICT, deny-all, egress to istiod on 15012 and nothing else', () => {
    const objects = synthApp(shop().app);
    expect(findObject(objects, 'Namespace', 'shop').metadata?.labels).toMatchObject({ 'istio-injection': 'enabled' });
    expect(findObject(objects, 'PeerAuthentication', 'default', 'shop').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(findObject(objects, 'AuthorizationPolicy', 'default-deny-all', 'shop').spec).toEqual({});
    const egress = policy(objects, 'namespace-allow-egress');
    expect(egress.egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
      ports: [{ protocol: 'TCP', port: 15012 }],
    });
    expect(ports(egress.egress)).toEqual([['15012/TCP'], ['53/TCP', '53/UDP']]);
    // no 15020 without a declared scraper, no HBONE, no probe source
    expect(objects.some(o => o.kind === 'NetworkPolicy' && o.metadata?.name === 'namespace-allow-ingress')).toBe(false);
    expect(ports(policy(objects, 'api-allow-ingress').ingress)).toEqual([['8080/TCP']]);
  });

  test('sidecar with a revision; 15020 only from the declared scraper', () => {
    const objects = synthApp(shop(NamespaceMesh.sidecar({ revision: 'canary-1-24' }), { monitoring: true }).app);
    const labels = findObject(objects, 'Namespace', 'shop').metadata?.labels as Rec;
    expect(labels['istio.io/rev']).toBe('canary-1-24');
    expect(labels['istio-injection']).toBeUndefined();
    expect(policy(objects, 'namespace-allow-ingress')).toEqual({
      podSelector: {}, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 15020 }] }],
    });
    // the scraper reads the proxy's port, which the proxy does not intercept: no ALLOW rule for it
    expect(objects.filter(o => o.kind === 'AuthorizationPolicy').map(o => o.metadata?.name).sort()).toEqual(['api-allow-ingress', 'default-deny-all']);
    expect(() => shop(NamespaceMesh.sidecar({ revision: 'Not A Label!' }))).toThrow(/mesh.revision/);
  });

  test('ambient: dataplane label, HBONE 15008 on both sides of each flow, probe source, no istiod or 15020 hole', () => {
    const objects = synthApp(shop(NamespaceMesh.ambient(), { monitoring: true }).app);
    expect(findObject(objects, 'Namespace', 'shop').metadata?.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient' });
    // web's rule, then the kubelet's probes (on the probe port only: data-plane.test.ts)
    expect(ports(policy(objects, 'api-allow-ingress').ingress)).toEqual([['8080/TCP', '15008/TCP'], ['8080/TCP']]);
    expect(ports(policy(objects, 'web-allow-egress').egress)).toEqual([['8080/TCP', '15008/TCP']]);
    expect(policy(objects, 'web-allow-ingress').ingress).toEqual([{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata?.name === 'namespace-allow-ingress')).toEqual([]);
    expect(ports(policy(objects, 'namespace-allow-egress').egress)).toEqual([['53/TCP', '53/UDP']]);
    // the mesh authorizes only the declared port, never its transport
    expect((findObject(objects, 'AuthorizationPolicy', 'api-allow-ingress', 'shop').spec as Rec).rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
  });

  test('a namespace as the server: one ALLOW policy without selector; UDP ports stay L4 only; small ranges are listed', () => {
    const s = shop();
    const dns = new HardenedDeployment(s.chart, 'dns', { containers: [container({ name: 'dns', ports: [{ number: 8080 }, { number: 5353, protocol: Protocol.UDP }] })] });
    dns.allowFrom(s.web, { ports: [Port.udp(5353), Port.tcp(8080)] });
    s.ns.allowFrom(Peer.namespace('tools'), { ports: [Port.tcpRange(9000, 9002)] });
    const objects = synthApp(s.app);
    expect(findObject(objects, 'AuthorizationPolicy', 'namespace-allow-ingress', 'shop').spec).toEqual({
      action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['tools'] } }], to: [{ operation: { ports: ['9000', '9001', '9002'] } }] }],
    });
    expect((findObject(objects, 'AuthorizationPolicy', 'dns-allow-ingress', 'shop').spec as Rec).rules[0].to).toEqual([{ operation: { ports: ['8080'] } }]);
    expect(ports(policy(objects, 'dns-allow-ingress').ingress)).toEqual([['8080/TCP', '5353/UDP']]);
  });

  test('no mesh, no mesh objects or holes (the NetworkPolicies are unchanged)', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new HardenedNamespace(cluster, 'shop');
    const chart = new Chart(app, 'w', { namespace: 'shop' });
    const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
    new HardenedDeployment(chart, 'api', { containers: [container({ name: 'api' })] }).allowFrom(web, { ports: [Port.tcp(8080)] });
    const objects = synthApp(app);
    expect(objects.filter(isIstioObject)).toEqual([]);
    expect(ports(policy(objects, 'namespace-allow-egress').egress)).toEqual([['53/TCP', '53/UDP']]);
  });

  test('installValues: CNI on, root namespace and trust domain; seccompProfile only from Istio 1.28; ambient profile', () => {
    const values = (kubernetesVersion: string, mesh = NamespaceMesh.sidecar()) => {
      const app = testApp({ kubernetesVersion });
      const cluster = new Chart(app, 'cluster');
      const m = new IstioMesh(cluster, 'mesh');
      new HardenedNamespace(cluster, 'shop', { mesh });
      return m.installValues();
    };
    expect(values('1.28')).toEqual({ meshConfig: { rootNamespace: 'istio-system', trustDomain: 'cluster.local', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }, pilot: { cni: { enabled: true } } });
    expect(values('1.36')).toEqual({
      meshConfig: { rootNamespace: 'istio-system', trustDomain: 'cluster.local', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }, pilot: { cni: { enabled: true }, env: { ENABLE_NATIVE_SIDECARS: 'true' } },
      global: { proxy: { seccompProfile: { type: 'RuntimeDefault' } } },
    });
    expect(values('1.36', NamespaceMesh.ambient())).toEqual({
      profile: 'ambient', meshConfig: { rootNamespace: 'istio-system', trustDomain: 'cluster.local', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }, pilot: { cni: { enabled: true } },
      global: { proxy: { seccompProfile: { type: 'RuntimeDefault' } } },
    });
    expect(values('1.28', NamespaceMesh.ambient())).toMatchObject({ profile: 'ambient' });
  });
});

describe('refused at synth, with the construct path', () => {
  test('a meshed namespace without an IstioMesh', () => {
    const app = testApp();
    new HardenedNamespace(new Chart(app, 'cluster'), 'shop', { mesh: NamespaceMesh.sidecar() });
    expect(() => app.synthObjects()).toThrow(/\[cluster\/shop\] mesh: "sidecar" puts the namespace in the mesh, but the app declares no IstioMesh/);
  });

  test('two IstioMeshes', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new IstioMesh(cluster, 'mesh');
    expect(() => new IstioMesh(cluster, 'mesh2')).toThrow(/\[cluster\/mesh2\].*second IstioMesh.*cluster\/mesh/);
  });

  test('an IP block, pods without identity, or a workload of a namespace outside the mesh, calling into the mesh', () => {
    const ipBlock = shop();
    ipBlock.api.allowFrom(Peer.ipBlock('10.0.0.0/8'), { ports: [Port.tcp(8080)] });
    expect(() => ipBlock.app.synthObjects()).toThrow(/\[shop-workloads\/api\] peer: "10.0.0.0\/8" is an IP block sending into the meshed namespace "shop", where STRICT mTLS refuses/);

    const anonymous = shop();
    anonymous.api.allowFrom(Peer.pods('ingress', { app: 'nginx' }), { ports: [Port.tcp(8080)] });
    expect(() => anonymous.app.synthObjects()).toThrow(/has no mesh identity.*serviceAccount/);

    const outside = shop();
    new HardenedNamespace(outside.cluster, 'legacy');
    const old = new HardenedDeployment(new Chart(outside.app, 'legacy-workloads', { namespace: 'legacy' }), 'old', { containers: [container({ name: 'old' })] });
    old.allowTo(outside.api, { ports: [Port.tcp(8080)] });
    expect(() => outside.app.synthObjects()).toThrow(/is in namespace "legacy", which is not in the mesh/);
    // the reverse (a meshed client calling out of the mesh) is fine: the server side has no mesh policy
    const reverse = shop();
    new HardenedNamespace(reverse.cluster, 'legacy');
    const target = new HardenedDeployment(new Chart(reverse.app, 'legacy-workloads', { namespace: 'legacy' }), 'old', { containers: [container({ name: 'old' })] });
    reverse.web.allowTo(target, { ports: [Port.tcp(8080)] });
    expect(() => reverse.app.synthObjects()).not.toThrow();
  });

  test('a port range too wide for AuthorizationPolicy', () => {
    const wide = shop();
    wide.api.allowFrom(wide.web, { ports: [Port.tcpRange(8000, 8200)] });
    expect(() => wide.app.synthObjects()).toThrow(/spans more than 100 ports into a meshed workload/);
  });

  test('Kubernetes/Istio pairs outside Istio\'s stated range warn (the override is honoured); unknown lines and versions are refused', () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation(m => void warnings.push(String(m)));
    try {
      shop(NamespaceMesh.sidecar(), { kubernetesVersion: '1.28', istioVersion: '1.28' }).app.synthObjects();
      shop(NamespaceMesh.sidecar(), { kubernetesVersion: '1.36', istioVersion: '1.24' }).app.synthObjects();
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toContainEqual(expect.stringMatching(/istioVersion: Istio 1.28 does not support Kubernetes 1.28 \(it supports 1.30 to 1.34\); Istio 1.24 does, so the mesh runs outside what Istio tests/));
    expect(warnings).toContainEqual(expect.stringMatching(/istioVersion: Istio 1.24 does not support Kubernetes 1.36 \(it supports 1.28 to 1.31\); Istio 1.31 does/));
    expect(() => shop(NamespaceMesh.sidecar(), { kubernetesVersion: '1.40' }).app.synthObjects()).toThrow(/kubernetesVersion: "1.40" is outside the Kubernetes versions this library writes for \(1.28 to 1.37\)/);
    expect(() => shop(NamespaceMesh.sidecar(), { istioVersion: '1.19' }).app.synthObjects()).toThrow(/is not a known Istio line/);
    expect(() => shop(NamespaceMesh.sidecar(), { istioVersion: 'latest' }).app.synthObjects()).toThrow(/is not an Istio version/);
  });

  test('a Job or CronJob in a sidecar namespace before Kubernetes 1.29 (the proxy would keep it running)', () => {
    const withJob = (mesh: NamespaceMesh, kubernetesVersion?: string) => {
      const s = shop(mesh, { kubernetesVersion });
      new HardenedJob(s.chart, 'migrate', { containers: [container({ name: 'migrate' })] });
      new HardenedCronJob(s.chart, 'export', { containers: [container({ name: 'export' })], schedule: '0 3 * * *' });
      return s.app;
    };
    expect(() => withJob(NamespaceMesh.sidecar(), '1.28').synthObjects()).toThrow(/\[shop-workloads\/migrate\] namespace: "shop" is a sidecar-mode mesh namespace, and on Kubernetes 1.28 the injected istio-proxy is an ordinary container that never exits, so this Job would never complete. Fix: put namespace "shop" in the ambient mesh/);
    expect(() => withJob(NamespaceMesh.ambient(), '1.28').synthObjects()).not.toThrow();
    expect(() => withJob(NamespaceMesh.sidecar()).synthObjects()).not.toThrow(); // 1.36: native sidecars
  });

  test('ambient before Istio 1.24', () => {
    expect(() => shop(NamespaceMesh.ambient(), { istioVersion: '1.23' }).app.synthObjects()).toThrow(/\[cluster\/shop\] mesh: "ambient" needs Istio 1.24 or later, and the app targets Istio 1.23/);
  });

  test('the Istio version from the context key', () => {
    const { app } = shop(NamespaceMesh.sidecar(), { kubernetesVersion: '1.32', context: { [ISTIO_VERSION_CONTEXT]: '1.29' } });
    synthApp(app);
    expect(app.model.istio.version).toBe('1.29'); // the default for 1.32 would be 1.31
  });
});

describe('restricted compatibility in meshed namespaces (policy pass)', () => {
  test('TPROXY, capNetBindService and uid 1337 fail synth naming the construct', () => {
    const { app, api } = shop();
    const deployment = api.podTemplateObject;
    deployment.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { 'sidecar.istio.io/interceptionMode': 'TPROXY', 'sidecar.istio.io/capNetBindService': 'true' }));
    deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 1337));
    let message = '';
    try { app.synthObjects(); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/\[shop-workloads\/api[^\]]*\] HARDENED-13: Deployment shop\/api asks for TPROXY interception/);
    expect(message).toMatch(/HARDENED-13: Deployment shop\/api grants the injected proxy NET_BIND_SERVICE/);
    expect(message).toMatch(/HARDENED-13: Deployment shop\/api runs as uid 1337/);
  });

  test('opting out of injection fails synth unless excepted', () => {
    const optOut = () => {
      const s = shop();
      s.api.podTemplateObject.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { 'sidecar.istio.io/inject': 'false' }));
      return s;
    };
    expect(() => optOut().app.synthObjects()).toThrow(/HARDENED-14: Deployment shop\/api opts out of sidecar injection/);
    const excepted = optOut();
    PolicyException.add(excepted.api, { id: 'HARDENED-14', reason: 'Batch exporter that talks only to an external bucket; reviewed by the platform team.' });
    expect(() => excepted.app.synthObjects()).not.toThrow();
  });
});
