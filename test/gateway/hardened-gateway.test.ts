import { GatewayRouteKind } from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { findObject, synthApp, withoutWarnings } from '../support/manifests';
import { isGatewayApiObject, validateAgainstIstioCrd } from '../mesh/_support';
import { gatewayApp, PROXY_IMAGE } from './_support';

const spec = (o: KubeObject) => o.spec as any;

describe('HardenedGateway and exposeViaGateway', () => {
  const built = gatewayApp({ monitoring: true });
  built.web.exposeViaGateway(built.gateway, { hostnames: ['shop.example.com'], paths: ['/', '/static'] });
  built.grpc.exposeViaGateway(built.gateway, { hostnames: ['orders.api.example.com'], kind: GatewayRouteKind.GRPC, grpcServices: ['shop.v1.Orders'], containerPort: 9090 });
  const objects = synthApp(built.app);

  test('every Gateway API object is valid against the upstream CRDs (schema and CEL)', () => {
    const gatewayObjects = objects.filter(isGatewayApiObject);
    expect(gatewayObjects.map(o => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`).sort()).toEqual([
      'GRPCRoute api/orders-public', 'Gateway edge/public', 'HTTPRoute edge/public-https-redirect', 'HTTPRoute shop/web-public',
    ]);
    gatewayObjects.forEach(validateAgainstIstioCrd);
  });

  test('HTTPS listeners terminate TLS with the certificate; HTTP only redirects; routes only from the attaching namespaces', () => {
    const gw = findObject(objects, 'Gateway', 'public', 'edge');
    expect(spec(gw).gatewayClassName).toBe('istio');
    expect(spec(gw).infrastructure).toEqual({ labels: {}, annotations: {}, parametersRef: { group: '', kind: 'ConfigMap', name: 'public-gateway-parameters' } });
    const selector = { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['api', 'shop'] }] } };
    expect(spec(gw).listeners).toEqual([
      { name: 'https-shop-example-com', hostname: 'shop.example.com', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-tls' }] },
        allowedRoutes: { kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }], namespaces: selector } },
      { name: 'https-wildcard-api-example-com', hostname: '*.api.example.com', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-tls' }] },
        allowedRoutes: { kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }], namespaces: selector } },
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], namespaces: { from: 'Same' } } },
    ]);
    const redirect = findObject(objects, 'HTTPRoute', 'public-https-redirect', 'edge');
    expect(spec(redirect).parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http' }]);
    expect(spec(redirect).rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  test('routes attach to the HTTPS listeners that serve their hostnames, never to HTTP, and point at the Service port', () => {
    const http = findObject(objects, 'HTTPRoute', 'web-public', 'shop');
    expect(spec(http)).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'https-shop-example-com' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }, { path: { type: 'PathPrefix', value: '/static' } }], backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }] }],
    });
    const grpc = findObject(objects, 'GRPCRoute', 'orders-public', 'api');
    expect(spec(grpc)).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'https-wildcard-api-example-com' }],
      hostnames: ['orders.api.example.com'],
      rules: [{ matches: [{ method: { type: 'Exact', service: 'shop.v1.Orders' } }], backendRefs: [{ group: '', kind: 'Service', name: 'orders', port: 9090 }] }],
    });
  });

  test('the gateway pods: the listener ports from anywhere, 15020 from the scraper; egress to istiod and the two backend ports (HBONE to the ambient one)', () => {
    const ingress = findObject(objects, 'NetworkPolicy', 'public-istio-allow-ingress', 'edge');
    expect(spec(ingress).podSelector).toEqual({ matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } });
    expect(spec(ingress).ingress.map((r: any) => [r.from, r.ports.map((p: any) => p.port)])).toEqual([
      [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], [15020]],
      [[{ ipBlock: { cidr: '0.0.0.0/0' } }], [80, 443]],
      [[{ ipBlock: { cidr: '::/0' } }], [80, 443]],
    ]);
    const egress = findObject(objects, 'NetworkPolicy', 'public-istio-allow-egress', 'edge');
    expect(spec(egress).egress.map((r: any) => [r.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.to[0].podSelector.matchLabels, r.ports.map((p: any) => p.port)])).toEqual([
      ['api', { 'app.kubernetes.io/name': 'orders' }, [9090, 15008]],
      ['shop', { 'app.kubernetes.io/name': 'web' }, [8080]],
      ['istio-system', { app: 'istiod' }, [15012]],
    ]);
  });

  test('each backend admits the gateway on exactly its container port: NetworkPolicy by pod labels, AuthorizationPolicy by the principal of <gateway>-istio', () => {
    const gatewayPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } };
    expect(spec(findObject(objects, 'NetworkPolicy', 'web-allow-ingress', 'shop')).ingress).toEqual([{ from: [gatewayPeer], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    // orders is ambient: HBONE from the gateway, and (issue 18) the kubelet's probes on its probe port only
    expect(spec(findObject(objects, 'NetworkPolicy', 'orders-allow-ingress', 'api')).ingress).toEqual([
      { from: [gatewayPeer], ports: [{ protocol: 'TCP', port: 9090 }, { protocol: 'TCP', port: 15008 }] },
      { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    for (const [ns, name, port] of [['shop', 'web', '8080'], ['api', 'orders', '9090']]) {
      expect(spec(findObject(objects, 'AuthorizationPolicy', `${name}-allow-ingress`, ns)).rules).toEqual([
        { from: [{ source: { principals: ['cluster.local/ns/edge/sa/public-istio'] } }], to: [{ operation: { ports: [port] } }] },
      ]);
    }
  });

  test('the edge namespace is not in the mesh and gets no mesh policies', () => {
    const inEdge = objects.filter(o => o.metadata?.namespace === 'edge').map(o => o.kind);
    expect(inEdge).not.toContain('AuthorizationPolicy');
    expect(inEdge).not.toContain('PeerAuthentication');
    expect(findObject(objects, 'Namespace', 'edge').metadata?.labels).not.toHaveProperty('istio-injection');
  });

  test('before Kubernetes 1.30 the parameters give AppArmor by the beta annotation', () => {
    const old = gatewayApp({ app: { kubernetesVersion: '1.29', istioVersion: '1.24' } });
    old.web.exposeViaGateway(old.gateway, { hostnames: ['shop.example.com'] });
    const cm = withoutWarnings(() => synthApp(old.app)).find(o => o.kind === 'ConfigMap')!;
    const deployment = require('js-yaml').load((cm.data as any).deployment);
    expect(deployment.spec.template.metadata).toEqual({ annotations: { 'container.apparmor.security.beta.kubernetes.io/istio-proxy': 'runtime/default' } });
    expect(deployment.spec.template.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('the parameters ConfigMap hardens what Istio lets us set', () => {
    const cm = findObject(objects, 'ConfigMap', 'public-gateway-parameters', 'edge');
    expect(Object.keys(cm.data as object).sort()).toEqual(['deployment', 'horizontalPodAutoscaler', 'podDisruptionBudget', 'service']);
    const yaml = require('js-yaml');
    const deployment = yaml.load((cm.data as any).deployment);
    expect(deployment.spec.template.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'RuntimeDefault' } });
    expect(deployment.spec.template.spec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([['kubernetes.io/hostname', 'DoNotSchedule'], ['topology.kubernetes.io/zone', 'ScheduleAnyway']]);
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.template.spec.containers).toEqual([{
      name: 'istio-proxy', image: PROXY_IMAGE.reference, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      livenessProbe: { tcpSocket: { port: 15021 }, periodSeconds: 10, failureThreshold: 3 },
    }]);
    expect(yaml.load((cm.data as any).horizontalPodAutoscaler).spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(yaml.load((cm.data as any).podDisruptionBudget)).toEqual({ spec: { minAvailable: 1 } });
    expect(yaml.load((cm.data as any).service)).toEqual({ spec: { type: 'LoadBalancer' } });
  });
});

describe('reachability of the exposed backends (the evaluator that reads NetworkPolicies and AuthorizationPolicies together)', () => {
  const built = gatewayApp();
  built.web.exposeViaGateway(built.gateway, { hostnames: ['shop.example.com'] });
  built.grpc.exposeViaGateway(built.gateway, { hostnames: ['orders.api.example.com'], kind: GatewayRouteKind.GRPC, containerPort: 9090 });
  const objects = synthApp(built.app);
  const { computeReachability, defaultLayers } = require('../../analysis/report');
  const matrix = computeReachability(objects, { layers: defaultLayers(objects) });

  test('from outside the inputs, each backend is reached by the gateway pods only, on exactly its container port', () => {
    const into = matrix.external.filter((f: any) => f.direction === 'ingress').map((f: any) => [`${f.workload.namespace}/${f.workload.name}`, f.peer.description ?? f.peer.cidr ?? f.peer.type, f.ports.map((p: any) => p.port)]);
    // the NetworkPolicies also open HBONE 15008 to the ambient backend and the ambient probe source; the AuthorizationPolicy layer admits neither
    const gatewayPods = 'pods matching {gateway.networking.k8s.io/gateway-name=public} in namespace edge (not among the inputs)';
    expect(into).toEqual([['api/orders', gatewayPods, [9090]], ['shop/web', gatewayPods, [8080]]]);
  });
});
