import { testApp } from './manifests';
import { App, Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import { ContainerImage, HardenedAppProps, HardenedContainerProps, HardenedNamespace } from '../../constructs';

/** A digest that is syntactically valid. */
export const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** A minimal valid container. */
export function container(overrides: Partial<HardenedContainerProps> = {}): HardenedContainerProps {
  return {
    name: 'app',
    image: ContainerImage.fromDigest(`registry.example.com/team/app@${DIGEST}`),
    ports: [{ number: 8080, name: 'http' }],
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
    liveness: Probe.fromHttpGet('/healthz', { port: 8080 }),
    ...overrides,
  };
}

/** An app with a cluster chart holding HardenedNamespace `shop`, and a chart in that namespace. */
export function shopApp(props: HardenedAppProps = {}): { app: App; cluster: Chart; shop: HardenedNamespace; chart: Chart } {
  const app = testApp(props);
  const cluster = new Chart(app, 'cluster');
  const shop = new HardenedNamespace(cluster, 'shop');
  const chart = new Chart(app, 'shop-workloads', { namespace: 'shop' });
  return { app, cluster, shop, chart };
}
