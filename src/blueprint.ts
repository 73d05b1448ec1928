import { createHash } from 'crypto';
import { App, Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import {
  ContainerImage, HardenedContainerProps, HardenedDeployment, HardenedNamespace, Peer, Port, PolicyException, SandboxRuntime, SandboxRuntimeClass,
} from '../constructs';

/**
 * An example image in an example registry, pinned by a digest derived from its name. Real
 * blueprints take digests from their registry (`crane digest`, Renovate); these are stand-ins
 * that keep the example reproducible offline.
 */
export function exampleImage(name: string): ContainerImage {
  const digest = createHash('sha256').update(name).digest('hex');
  return ContainerImage.fromDigest(`registry.example.com/storefront/${name}@sha256:${digest}`);
}

function httpContainer(name: string, port: number, extra: Partial<HardenedContainerProps> = {}): HardenedContainerProps {
  return {
    name,
    image: exampleImage(name),
    ports: [{ number: port, name: 'http' }],
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    readiness: Probe.fromHttpGet('/ready', { port }),
    liveness: Probe.fromHttpGet('/healthz', { port }),
    writablePaths: ['/tmp'],
    ...extra,
  };
}

/**
 * The default blueprint: a storefront in three namespaces. `web` (storefront) serves the
 * ingress controller and calls `api` (backend); `api` calls `postgres` (data) and a payment
 * provider outside the cluster; `thumbnailer` (backend) processes untrusted uploads inside a
 * gVisor sandbox. Every namespace denies all traffic but cluster DNS and these flows.
 */
export function buildDefaultBlueprint(app: App): void {
  const cluster = new Chart(app, 'cluster');
  const gvisor = new SandboxRuntimeClass(cluster, 'gvisor', { runtime: SandboxRuntime.GVISOR });
  new SandboxRuntimeClass(cluster, 'kata', { runtime: SandboxRuntime.KATA_QEMU });
  const storefront = new HardenedNamespace(cluster, 'storefront');
  const backend = new HardenedNamespace(cluster, 'backend');
  const data = new HardenedNamespace(cluster, 'data', {
    resourceQuota: { 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi', 'pods': '20', 'services.loadbalancers': '0', 'services.nodeports': '0' },
  });

  const web = new HardenedDeployment(new Chart(app, 'storefront-workloads', { namespace: storefront.name }), 'web', {
    containers: [httpContainer('web', 8080, { writablePaths: ['/tmp', '/var/cache/nginx'] })],
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
  });
  web.allowFrom(Peer.namespace('ingress-nginx'), { ports: [Port.tcp(8080)] });

  const backendChart = new Chart(app, 'backend-workloads', { namespace: backend.name });
  const api = new HardenedDeployment(backendChart, 'api', {
    containers: [httpContainer('api', 8080)],
    replicas: 3,
  });
  web.allowTo(api, { ports: [Port.tcp(8080)] });
  api.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(443)] });

  const thumbnailer = new HardenedDeployment(backendChart, 'thumbnailer', {
    containers: [httpContainer('thumbnailer', 8081, {
      resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '512Mi' }, ephemeralStorage: { request: '1Gi', limit: '2Gi' } },
    })],
    runtimeClass: gvisor,
  });
  api.allowTo(thumbnailer, { ports: [Port.tcp(8081)] });

  const postgres = new HardenedDeployment(new Chart(app, 'data-workloads', { namespace: data.name }), 'postgres', {
    containers: [{
      name: 'postgres',
      image: exampleImage('postgres'),
      ports: [{ number: 5432, name: 'postgres' }],
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '2Gi' } },
      readiness: Probe.fromCommand(['pg_isready', '-U', 'postgres']),
      liveness: Probe.fromCommand(['pg_isready', '-U', 'postgres']),
      writablePaths: ['/tmp', '/var/run/postgresql', '/var/lib/postgresql/data'],
    }],
    replicas: 1,
    runAsUser: 70,
    runAsGroup: 70,
    fsGroup: 70,
  });
  PolicyException.add(postgres, {
    id: 'HARDENED-10',
    reason: 'Single-primary PostgreSQL: a second replica of this Deployment would be a second primary with its own data; high availability needs a replication operator, not more replicas.',
  });
  api.allowTo(postgres, { ports: [Port.tcp(5432)] });
}
