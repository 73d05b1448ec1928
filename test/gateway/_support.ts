import { Chart } from 'cdk8s';
import {
  ContainerImage, GatewayTls, HardenedApp, HardenedAppProps, HardenedDeployment, HardenedGateway, HardenedGatewayProps, HardenedNamespace,
  IstioMesh, NamespaceMesh, Peer, RESTRICTED_DEFAULTS,
} from '../../constructs';
import { container, DIGEST } from '../support/fixtures';
import { testApp } from '../support/manifests';

/** A proxyv2 image pinned by digest (a syntactically valid stand-in). */
export const PROXY_IMAGE = ContainerImage.fromDigest(`docker.io/istio/proxyv2@${DIGEST}`);

/** An app with an IstioMesh, gateway namespace `edge` (names prefixed with `namespacePrefix`) (one LoadBalancer allowed), sidecar `shop` and ambient `api` namespaces. */
export function gatewayApp(options: { app?: HardenedAppProps; gateway?: Partial<HardenedGatewayProps>; monitoring?: boolean; namespacePrefix?: string } = {}) {
  const p = options.namespacePrefix ?? '';
  const app: HardenedApp = testApp(options.app);
  const cluster = new Chart(app, 'cluster');
  new IstioMesh(cluster, 'mesh', options.monitoring ? { monitoring: Peer.pods('monitoring', { app: 'prometheus' }, { serviceAccount: 'prometheus' }) } : {});
  const edge = new HardenedNamespace(cluster, `${p}edge`, { resourceQuota: { ...RESTRICTED_DEFAULTS.resourceQuota, 'services.loadbalancers': '1' } });
  const shop = new HardenedNamespace(cluster, `${p}shop`, { mesh: NamespaceMesh.sidecar() });
  const api = new HardenedNamespace(cluster, `${p}api`, { mesh: NamespaceMesh.ambient() });
  const gateway = new HardenedGateway(new Chart(app, 'edge-gateway', { namespace: `${p}edge` }), 'public', {
    hostnames: ['shop.example.com', '*.api.example.com'], tls: GatewayTls.fromSecret('public-tls'), proxyImage: PROXY_IMAGE, ...options.gateway,
  });
  const shopChart = new Chart(app, 'shop-workloads', { namespace: `${p}shop` });
  const apiChart = new Chart(app, 'api-workloads', { namespace: `${p}api` });
  const web = new HardenedDeployment(shopChart, 'web', { containers: [container({ name: 'web', ports: [{ number: 8080, name: 'http', servicePort: 80 }] })] });
  const grpc = new HardenedDeployment(apiChart, 'orders', { containers: [container({ name: 'orders', ports: [{ number: 9090, name: 'grpc' }, { number: 9091, name: 'admin' }] })] });
  return { app, cluster, edge, shop, api, gateway, web, grpc, shopChart, apiChart };
}
