import { Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import {
  ContainerImage,
  HardenedApp,
  HardenedDeployment,
  HardenedNamespace,
  Peer,
  PolicyException,
  Port,
  securityReportReporter,
} from 'cdk8s-hardened';

// HardenedApp, not cdk8s's App: it validates the whole blueprint at synth time and, with this
// reporter, writes dist/SECURITY-REPORT.md next to the manifests. It writes dist/ atomically, and
// only when synth succeeds (cdk8s.yaml gives the CLI its own scratch directory, cdk8s.out).
const app = new HardenedApp({ outdir: 'dist', reporters: [securityReportReporter()] });

// Cluster-scoped objects: two namespaces that enforce Pod Security "restricted" and deny all
// traffic but cluster DNS and the flows declared below.
const cluster = new Chart(app, 'cluster');
const shop = new HardenedNamespace(cluster, 'shop');
const payments = new HardenedNamespace(cluster, 'payments');

// Images are pinned by digest (take them from your registry: `crane digest`, Renovate).
const web = new HardenedDeployment(new Chart(app, 'shop-workloads', { namespace: shop.name }), 'web', {
  containers: [{
    name: 'web',
    image: ContainerImage.fromDigest('registry.example.com/shop/web@sha256:3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a'),
    ports: [{ number: 8080, name: 'http' }],
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
    liveness: Probe.fromHttpGet('/healthz', { port: 8080 }),
    writablePaths: ['/tmp'],
  }],
  autoscaling: { minReplicas: 2, maxReplicas: 6 },
});
web.allowFrom(Peer.namespace('ingress-nginx'), { ports: [Port.tcp(8080)] });

const paymentsChart = new Chart(app, 'payments-workloads', { namespace: payments.name });
const checkout = new HardenedDeployment(paymentsChart, 'checkout', {
  containers: [{
    name: 'checkout',
    image: ContainerImage.fromDigest('registry.example.com/payments/checkout@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0'),
    ports: [{ number: 8443, name: 'https' }],
    resources: { cpu: { request: '200m', limit: '1' }, memory: { request: '256Mi', limit: '512Mi' } },
    readiness: Probe.fromHttpGet('/ready', { port: 8443 }),
    liveness: Probe.fromHttpGet('/healthz', { port: 8443 }),
  }],
  replicas: 3,
});
web.allowTo(checkout, { ports: [Port.tcp(8443)] });
// The card processor, outside the cluster.
checkout.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(443)] });

const ledger = new HardenedDeployment(paymentsChart, 'ledger', {
  containers: [{
    name: 'ledger',
    image: ContainerImage.fromDigest('registry.example.com/payments/ledger@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9'),
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
// A single replica fails the high-availability rule; say why that is accepted, and it appears
// in the security report as an exception instead of a finding.
PolicyException.add(ledger, {
  id: 'HARDENED-10',
  reason: 'Single-primary PostgreSQL: a second replica would be a second primary with its own data; high availability comes from the replication operator, not from more replicas.',
});
checkout.allowTo(ledger, { ports: [Port.tcp(5432)] });

app.synth();
