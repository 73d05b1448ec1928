import { createHash } from 'crypto';
import { Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import {
  ContainerImage, EnvValueFrom, GatewayTls, HardenedApp, HardenedContainerProps, HardenedContainerResources, HardenedCronJob, HardenedDeployment,
  HardenedGateway, HardenedJob, HardenedNamespace, HardenedStatefulSet, IstioMesh, KubernetesApiServer, NamespaceMesh, Peer, PeerDataPlane, Port, PolicyException, RESTRICTED_DEFAULTS,
  SandboxRuntime, SandboxRuntimeClass, ImageSignatures, SignatureTrust,
} from 'cdk8s-hardened';

/**
 * An example image in an example registry, pinned by a digest derived from its name. Real
 * blueprints take digests from their registry (`crane digest`, Renovate); these are stand-ins
 * that keep the example reproducible offline.
 */
export function exampleImage(name: string): ContainerImage {
  const digest = createHash('sha256').update(name).digest('hex');
  return ContainerImage.fromDigest(`registry.example.com/storefront/${name}@sha256:${digest}`);
}

/** Who signs the images of the shop's registry: its release workflow on GitHub Actions, keyless (Sigstore's Fulcio and Rekor), for tags v<semver>. */
export const STOREFRONT_RELEASES = {
  name: 'storefront-releases',
  images: ['registry.example.com'],
  trust: SignatureTrust.keyless({
    issuer: 'https://token.actions.githubusercontent.com',
    subjectRegExp: '^https://github\\.com/example/storefront/\\.github/workflows/release\\.yml@refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+$',
  }),
};

/** Requests and limits of a small service. */
const SMALL: HardenedContainerResources = { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } };

/** Where the database answers, for its clients. */
const DATABASE_HOST = 'postgres.data.svc';

function httpContainer(name: string, port: number, extra: Partial<HardenedContainerProps> = {}): HardenedContainerProps {
  return {
    name,
    image: exampleImage(name),
    ports: [{ number: port, name: 'http' }],
    resources: SMALL,
    readiness: Probe.fromHttpGet('/ready', { port }),
    liveness: Probe.fromHttpGet('/healthz', { port }),
    writablePaths: ['/tmp'],
    ...extra,
  };
}

/** The cluster's Prometheus (with a sidecar), allowed to scrape the sidecars' merged metrics (15020) and nothing else. */
export const PROMETHEUS = Peer.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' }, { serviceAccount: 'prometheus', dataPlane: PeerDataPlane.SIDECAR });

/**
 * The default blueprint: a small web shop in three namespaces.
 * - `web` (storefront, a Deployment) is the only public entry point: an HTTPRoute on the Istio
 *   Gateway `public` (namespace `edge`: HTTPS with a cert-manager certificate, HTTP only redirects),
 *   reachable only from the gateway's pods, on its container port; it calls `api`.
 * - `api` (backend) calls `postgres` and a payment provider outside the cluster; its database
 *   password comes from a Secret. `migrate` (backend, a Job) applies the schema before the API.
 * - `thumbnailer` (backend) processes untrusted uploads inside a gVisor sandbox.
 * - `postgres` (data, a StatefulSet) keeps its data on a volume claim; `export` (data, a nightly
 *   CronJob) dumps it, and may talk to the database and nothing else.
 * Every namespace denies all traffic but cluster DNS and these flows, at L4 (NetworkPolicies) and
 * in the Istio mesh (STRICT mTLS, ALLOW rules by workload identity derived from the same flows).
 */
export function buildDefaultBlueprint(app: HardenedApp): void {
  const cluster = new Chart(app, 'cluster');
  const gvisor = new SandboxRuntimeClass(cluster, 'gvisor', { runtime: SandboxRuntime.GVISOR });
  // Istio 1.31 (the newest line for Kubernetes 1.36): mesh-wide STRICT mTLS; storefront with
  // sidecars, backend and data (a Job, a CronJob) in ambient mode, which also runs them on 1.28.
  // the injected sidecar proxy: the installed Istio's proxyv2, mirrored and pinned (the signatures cover it)
  new IstioMesh(cluster, 'mesh', { monitoring: PROMETHEUS, proxyImage: exampleImage('istio-proxyv2') });
  // signed images only: every image of the shop comes from its registry, signed keyless by its
  // release workflow (a stand-in identity, like the example digests); policy-controller enforces it
  new ImageSignatures(cluster, 'signatures', { authorities: [STOREFRONT_RELEASES] });
  const storefront = new HardenedNamespace(cluster, 'storefront', { mesh: NamespaceMesh.sidecar() });
  const backend = new HardenedNamespace(cluster, 'backend', { mesh: NamespaceMesh.ambient() });
  const data = new HardenedNamespace(cluster, 'data', {
    mesh: NamespaceMesh.ambient(),
    resourceQuota: { 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi', 'pods': '20', 'services.loadbalancers': '0', 'services.nodeports': '0' },
  });
  // the gateway's namespace is not in the mesh (its pods are Istio proxies themselves); its quota allows the one LoadBalancer
  const edge = new HardenedNamespace(cluster, 'edge', { resourceQuota: { ...RESTRICTED_DEFAULTS.resourceQuota, 'services.loadbalancers': '1' } });
  const gateway = new HardenedGateway(new Chart(app, 'edge-gateway', { namespace: edge.name }), 'public', {
    hostnames: ['shop.example.com'],
    tls: GatewayTls.fromCertManager('letsencrypt'),
    proxyImage: exampleImage('istio-proxyv2'), // the installed Istio's proxyv2, mirrored and pinned
  });
  const databasePassword = EnvValueFrom.secretKey('postgres-credentials', 'password');

  const web = new HardenedDeployment(new Chart(app, 'storefront-workloads', { namespace: storefront.name }), 'web', {
    containers: [httpContainer('web', 8080, { writablePaths: ['/tmp', '/var/cache/nginx'] })],
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
  });
  web.exposeViaGateway(gateway, { hostnames: ['shop.example.com'] });
  // the payment provider, by name: a ServiceEntry for storefront, reached through web's sidecar under REGISTRY_ONLY
  web.allowTo(Peer.host('api.stripe.com'), { ports: [Port.tcp(443)] });

  const backendChart = new Chart(app, 'backend-workloads', { namespace: backend.name });
  const api = new HardenedDeployment(backendChart, 'api', {
    containers: [httpContainer('api', 8080, { envValueFrom: { DATABASE_PASSWORD: databasePassword }, env: { DATABASE_HOST } })],
    replicas: 3,
  });
  web.allowTo(api, { ports: [Port.tcp(8080)] });
  api.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(443)] });

  const migrate = new HardenedJob(backendChart, 'migrate', {
    containers: [{
      name: 'migrate',
      image: exampleImage('migrate'),
      args: ['up'],
      resources: SMALL,
      env: { DATABASE_HOST },
      envValueFrom: { DATABASE_PASSWORD: databasePassword },
    }],
    backoffLimit: 2,
    activeDeadlineSeconds: 600,
  });

  const thumbnailer = new HardenedDeployment(backendChart, 'thumbnailer', {
    containers: [httpContainer('thumbnailer', 8081, {
      resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '512Mi' }, ephemeralStorage: { request: '1Gi', limit: '2Gi' } },
    })],
    runtimeClass: gvisor,
  });
  api.allowTo(thumbnailer, { ports: [Port.tcp(8081)] });
  // its replicas elect a leader through a Lease: the blueprint's one grant of API access
  thumbnailer.grantApi({
    server: KubernetesApiServer.at(['10.0.0.10/32'], 6443), // the control plane: kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes
    rules: [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['thumbnailer-leader'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] }, // RBAC cannot restrict create by name
    ],
  });

  const dataChart = new Chart(app, 'data-workloads', { namespace: data.name });
  const postgres = new HardenedStatefulSet(dataChart, 'postgres', {
    containers: [{
      name: 'postgres',
      image: exampleImage('postgres'),
      ports: [{ number: 5432, name: 'postgres' }],
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '1Gi', limit: '2Gi' } },
      readiness: Probe.fromCommand(['pg_isready', '-U', 'postgres']),
      liveness: Probe.fromCommand(['pg_isready', '-U', 'postgres']),
      env: { PGDATA: '/var/lib/postgresql/data/pgdata' },
      envValueFrom: { POSTGRES_PASSWORD: databasePassword },
      writablePaths: ['/tmp', '/var/run/postgresql'],
    }],
    volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', storage: '20Gi' }],
    replicas: 1,
    runAsUser: 70,
    runAsGroup: 70,
    fsGroup: 70,
  });
  PolicyException.add(postgres, {
    id: 'HARDENED-10',
    reason: 'Single-primary PostgreSQL: a second replica of this StatefulSet would be a second primary with its own data; high availability needs a replication operator, not more replicas.',
  });
  api.allowTo(postgres, { ports: [Port.tcp(5432)] });
  migrate.allowTo(postgres, { ports: [Port.tcp(5432)] });

  const exporter = new HardenedCronJob(dataChart, 'export', {
    schedule: '30 2 * * *',
    timeZone: 'Etc/UTC',
    containers: [{
      name: 'export',
      image: exampleImage('pg-export'),
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
      env: { PGHOST: DATABASE_HOST },
      envValueFrom: { PGPASSWORD: databasePassword },
      writablePaths: ['/export'],
      writablePathSizesMiB: { '/export': 1024 },
    }],
  });
  exporter.allowTo(postgres, { ports: [Port.tcp(5432)] });
}
