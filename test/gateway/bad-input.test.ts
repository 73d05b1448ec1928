import { Chart } from 'cdk8s';
import {
  ContainerImage, GatewayRouteKind, GatewayServiceType, GatewayTls, HardenedDeployment, HardenedGateway, HardenedNamespace, IngressTls, NamespaceMesh, Peer,
} from '../../constructs';
import { container } from '../support/fixtures';
import { synthApp, testApp } from '../support/manifests';
import { gatewayApp, PROXY_IMAGE } from './_support';

/** Each bad input fails with the construct path, the field, the value and a fix. */
describe('bad input to the Gateway API exposure', () => {
  const hostnames: [string, RegExp][] = [
    ['shop.*.example.com', /exposeViaGateway\.hostnames\[0\]: "shop\.\*\.example\.com" has a wildcard that is not the whole leftmost label\. Fix: write a wildcard as "\*\.example\.com"/],
    ['*shop.example.com', /has a wildcard that is not the whole leftmost label/],
    ['*.*.example.com', /has a wildcard that is not the whole leftmost label/],
    ['10.0.0.1', /"10\.0\.0\.1" is an IP address; SNI and the Host header match DNS names only\. Fix: give the DNS name clients use/],
    ['Shop.Example.com', /"Shop\.Example\.com" has uppercase letters, which the Gateway API refuses\. Fix: write it in lowercase, "shop\.example\.com"/],
    ['shop.example.com:8443', /"shop\.example\.com:8443" has a port \(or is an IPv6 address\); a hostname carries none\. Fix: drop the port/],
    ['https://shop.example.com', /has a scheme or a path/],
    ['shop', /is a single label; a public hostname has a domain/],
    ['shop_1.example.com', /is not a DNS name/],
  ];
  test.each(hostnames)('route hostname %s', (hostname, message) => {
    const { web, gateway } = gatewayApp({ gateway: { hostnames: undefined } });
    expect(() => web.exposeViaGateway(gateway, { hostnames: [hostname] })).toThrow(message);
  });

  test('a listener hostname is checked the same way, with its field', () => {
    expect(() => gatewayApp({ gateway: { hostnames: ['api.*.example.com'] } })).toThrow(/\[edge-gateway\/public\] hostnames\[0\]: "api\.\*\.example\.com" has a wildcard/);
  });

  test('a gateway without TLS', () => {
    expect(() => gatewayApp({ gateway: { tls: undefined as unknown as GatewayTls } })).toThrow(/\[edge-gateway\/public\] tls: \(unset\) is not set: a gateway listener without TLS serves plain HTTP\. Fix: give GatewayTls\.fromSecret/);
  });

  test('a proxy image by tag', () => {
    expect(() => gatewayApp({ gateway: { proxyImage: ContainerImage.fromTag('docker.io/istio/proxyv2:1.31.0', { reason: 'follows the install' }) } })).toThrow(
      /\[edge-gateway\/public\] proxyImage: "docker\.io\/istio\/proxyv2:1\.31\.0" is not an image pinned by digest: Istio would run its proxy by tag, which the app's admission policy HARDENED-1 denies\. Fix: give ContainerImage\.fromDigest/);
  });

  test('cert-manager without listener hostnames', () => {
    expect(() => gatewayApp({ gateway: { hostnames: undefined, tls: GatewayTls.fromCertManager('letsencrypt') } })).toThrow(/hostnames: \(unset\) is empty, and cert-manager issues a Gateway certificate only for listener hostnames/);
  });

  test('a route to a port no container listens on', () => {
    const { web, gateway } = gatewayApp();
    expect(() => web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'], containerPort: 9999 })).toThrow(/\[shop-workloads\/web\] exposeViaGateway\.containerPort: 9999 is not a TCP port any main container listens on\. Fix: give one of \[8080\]/);
  });

  test('a route without a port to a workload with several', () => {
    const { grpc, gateway } = gatewayApp();
    expect(() => grpc.exposeViaGateway(gateway, { hostnames: ['orders.api.example.com'], kind: GatewayRouteKind.GRPC })).toThrow(/containerPort: \(unset\) is needed: the workload has several TCP ports\. Fix: give one of \[9090,9091\]/);
  });

  test('two routes claiming the same hostname and path', () => {
    const { web, gateway, shopChart } = gatewayApp();
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'], paths: ['/', '/cart'] });
    const other = new HardenedDeployment(shopChart, 'cart', { containers: [container({ name: 'cart' })] });
    expect(() => other.exposeViaGateway(gateway, { hostnames: ['shop.example.com'], paths: ['/cart'] })).toThrow(
      /\[shop-workloads\/cart\] exposeViaGateway\.hostnames\[0\]: "shop\.example\.com" with path "\/cart" is already routed by shop-workloads\/web; the Gateway API would pick one route by creation time\. Fix: route each hostname and path to one backend/);
    expect(() => other.exposeViaGateway(gateway, { hostnames: ['shop.example.com'], paths: ['/cart/items'] })).not.toThrow();
  });

  test('a hostname no listener serves', () => {
    const { web, gateway } = gatewayApp();
    expect(() => web.exposeViaGateway(gateway, { hostnames: ['admin.example.com'] })).toThrow(/hostnames\[0\]: "admin\.example\.com" is served by no HTTPS listener of edge-gateway\/public \(shop\.example\.com, \*\.api\.example\.com\)/);
    expect(() => web.exposeViaGateway(gateway, { hostnames: ['api.example.com'] })).toThrow(/is served by no HTTPS listener/); // the wildcard does not cover its own domain
  });

  test('a route attaching to a gateway that does not allow its namespace', () => {
    const { web, gateway } = gatewayApp({ gateway: { allowedRouteNamespaces: ['api'] } });
    expect(() => web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] })).toThrow(
      /\[shop-workloads\/web\] exposeViaGateway\.gateway: "edge-gateway\/public" does not allow routes from namespace "shop" \(allowedRouteNamespaces: \["api"\]\)\. Fix: add "shop" to allowedRouteNamespaces/);
  });

  test('a cross-namespace certificate Secret without a ReferenceGrant (its namespace is not ours)', () => {
    const { app, web, gateway } = gatewayApp({ gateway: { tls: GatewayTls.fromSecret('wildcard-tls', { namespace: 'cert-store' }) } });
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    expect(() => synthApp(app)).toThrow(/\[edge-gateway\/public\] tls\.namespace: "cert-store" is not a namespace of this app, so no ReferenceGrant can be written there and the Gateway API refuses the cross-namespace certificate\. Fix: keep the Secret in namespace "edge"/);
  });

  test('a cross-namespace certificate Secret in a namespace of the app gets its ReferenceGrant', () => {
    const { app, cluster, web, gateway } = gatewayApp({ gateway: { tls: GatewayTls.fromSecret('wildcard-tls', { namespace: 'cert-store' }) } });
    new HardenedNamespace(cluster, 'cert-store');
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    const grant = synthApp(app).find(o => o.kind === 'ReferenceGrant')!;
    expect(grant.metadata?.namespace).toBe('cert-store');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }], to: [{ group: '', kind: 'Secret', name: 'wildcard-tls' }] });
  });

  test('a gateway in a meshed namespace', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new HardenedNamespace(cluster, 'edge', { mesh: NamespaceMesh.sidecar(), resourceQuota: { 'services.loadbalancers': '1' } });
    expect(() => new HardenedGateway(new Chart(app, 'gw', { namespace: 'edge' }), 'public', { tls: GatewayTls.fromSecret('tls'), proxyImage: PROXY_IMAGE })).toThrow(
      /\[gw\/public\] namespace: "edge" is in the mesh \(sidecar\); the gateway's pods are Istio proxies themselves, and the namespace's deny-all AuthorizationPolicy would refuse every request on the listeners\. Fix: put the gateway in a namespace without the mesh option/);
  });

  test('a LoadBalancer the namespace quota refuses, and a gateway without routes', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new HardenedNamespace(cluster, 'edge');
    const { IstioMesh } = require('../../constructs');
    new IstioMesh(cluster, 'mesh');
    new HardenedGateway(new Chart(app, 'gw', { namespace: 'edge' }), 'public', { tls: GatewayTls.fromSecret('tls'), proxyImage: PROXY_IMAGE });
    expect(() => synthApp(app)).toThrow(/routes: the gateway has no route[\s\S]*serviceType: "LoadBalancer" is refused by the ResourceQuota of namespace "edge" \(services\.loadbalancers: 0\)[\s\S]*Fix: allow one in the namespace's resourceQuota/);
  });

  test('ClusterIP needs no LoadBalancer quota', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new HardenedNamespace(cluster, 'edge');
    const { IstioMesh } = require('../../constructs');
    new IstioMesh(cluster, 'mesh');
    const gateway = new HardenedGateway(new Chart(app, 'gw', { namespace: 'edge' }), 'public', { tls: GatewayTls.fromSecret('tls'), proxyImage: PROXY_IMAGE, serviceType: GatewayServiceType.CLUSTER_IP });
    new HardenedNamespace(cluster, 'shop');
    const web = new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container()] });
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    expect(synthApp(app).filter(o => o.kind === 'Gateway')).toHaveLength(1);
  });

  test('a gateway without an IstioMesh', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new HardenedNamespace(cluster, 'edge', { resourceQuota: { 'services.loadbalancers': '1' } });
    const gateway = new HardenedGateway(new Chart(app, 'gw', { namespace: 'edge' }), 'public', { tls: GatewayTls.fromSecret('tls'), proxyImage: PROXY_IMAGE });
    new HardenedNamespace(cluster, 'shop');
    new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container()] }).exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    expect(() => synthApp(app)).toThrow(/\[gw\/public\] gatewayClassName: "istio" is served by Istio, whose gateway pods get their configuration and certificates from istiod, and the app declares no IstioMesh\. Fix: add `new IstioMesh/);
  });

  test('paths and gRPC services', () => {
    const { web, grpc, gateway } = gatewayApp();
    expect(() => web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'], paths: ['/a/../b'] })).toThrow(/paths\[0\]: "\/a\/\.\.\/b" is not an absolute, normalized URL path/);
    expect(() => web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'], paths: ['api'] })).toThrow(/paths\[0\]: "api" is not an absolute/);
    expect(() => grpc.exposeViaGateway(gateway, { hostnames: ['orders.api.example.com'], kind: GatewayRouteKind.GRPC, containerPort: 9090, grpcServices: ['shop/v1'] })).toThrow(/grpcServices\[0\]: "shop\/v1" is not a fully qualified gRPC service name/);
  });

  test('ingress-nginx into a meshed namespace carries service-upstream and upstream-vhost; another class is refused', () => {
    const { app, web, gateway } = gatewayApp();
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    web.exposeViaIngress({ host: 'legacy.example.com', ingressClassName: 'nginx', tls: IngressTls.fromSecret('legacy-tls'), controller: Peer.pods('ingress-nginx', { app: 'ingress-nginx' }, { serviceAccount: 'ingress-nginx' }) });
    const ingress = synthApp(app).find(o => o.kind === 'Ingress')!;
    expect(ingress.metadata?.annotations).toEqual({ 'nginx.ingress.kubernetes.io/service-upstream': 'true', 'nginx.ingress.kubernetes.io/upstream-vhost': 'web.shop.svc.cluster.local' });

    const other = gatewayApp();
    other.web.exposeViaGateway(other.gateway, { hostnames: ['shop.example.com'] });
    other.web.exposeViaIngress({ host: 'legacy.example.com', ingressClassName: 'traefik', tls: IngressTls.fromSecret('legacy-tls'), controller: Peer.pods('traefik', { app: 'traefik' }, { serviceAccount: 'traefik' }) });
    expect(() => synthApp(other.app)).toThrow(/\[shop-workloads\/web\] exposeViaIngress\.ingressClassName: "traefik" serves namespace "shop", which is in the mesh \(sidecar, STRICT mTLS\)[\s\S]*Fix: expose the workload through a HardenedGateway/);
  });
});

describe('the gateway pods and their namespace', () => {
  test('proxy resources that are not quantities, or above the LimitRange maximum', () => {
    expect(() => gatewayApp({ gateway: { resources: { cpu: { request: 'lots', limit: '1' }, memory: { request: '128Mi', limit: '512Mi' } } } })).toThrow(/\[edge-gateway\/public\] resources\.cpu\.request: "lots" is not a Kubernetes quantity/);
    const { app, web, gateway } = gatewayApp({ gateway: { resources: { cpu: { request: '100m', limit: '8' }, memory: { request: '128Mi', limit: '512Mi' } } } });
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    expect(() => synthApp(app)).toThrow(/\[edge-gateway\/public\] resources: the cpu limit 8 of the gateway's istio-proxy is above the maximum 4 of the LimitRange of namespace "edge", so the API server refuses the pods Istio creates/);
  });

  test('a quota that cannot hold the gateway at its most pods (the HPA maximum and the rollout surge)', () => {
    const { app, web, gateway } = gatewayApp({ gateway: { maxReplicas: 20 } });
    web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
    expect(() => synthApp(app)).toThrow(/\[edge-gateway\/public\] quota: the workloads of namespace "edge" declare limits of 25 cpu at their most pods, more than its ResourceQuota allows \(limits\.cpu: 16\)/);
  });
});
