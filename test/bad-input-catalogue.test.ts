/**
 * The catalogue of bad inputs: each fails (at construction or at synth) with an error that names
 * the construct path, the field, the bad value and the fix, and leaves the previous output byte
 * for byte as it was. Where the API server's rule is not obvious, the case names the Kubernetes
 * validation it mirrors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AdmissionProps, AppArmorProfile, ConcurrencyPolicy, ContainerImage, EnvValueFrom, GatewayTls, HardenedApp, HardenedGateway, HardenedAppProps, HardenedContainerProps, HardenedCronJob, HardenedDeployment,
  HardenedInputError, HardenedJob, HardenedNamespace, HardenedNamespaceProps, HardenedStatefulSet, IngressTls, IstioMesh, JobRestartPolicy, NamespaceMesh, Peer, PeerDataPlane, PodManagementPolicy, PodSecurityLevel, PodVolume,
  PolicyException, Port, SandboxRuntime, SandboxRuntimeClass, SeccompProfile, SynthValidationError, VolumeAccessMode,
} from '../constructs';
import { scanGateReporter, type ScanGateProps } from '../constructs/admission';
import { container, DIGEST } from './support/fixtures';
import { withoutWarnings } from './support/manifests';

interface Env { app: HardenedApp; cluster: Chart; shop: HardenedNamespace; chart: Chart; web: HardenedDeployment }

let outdir: string;
let before: Record<string, string>;

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** A valid app: a namespace and a Deployment; every case breaks one thing in a fresh copy. */
function env(props: HardenedAppProps = {}): Env {
  const app = new HardenedApp({ outdir, ...props });
  const cluster = new Chart(app, 'cluster');
  const shop = new HardenedNamespace(cluster, 'shop');
  const chart = new Chart(app, 'w', { namespace: 'shop' });
  const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
  return { app, cluster, shop, chart, web };
}

const batch = (name: string): HardenedContainerProps => container({ name, ports: [], readiness: undefined, liveness: undefined });
const c = (overrides: Partial<HardenedContainerProps>) => container({ name: 'api', ...overrides });
const deploy = (e: Env, overrides: Partial<HardenedContainerProps> = {}, props: object = {}) => new HardenedDeployment(e.chart, 'api', { containers: [c(overrides)], ...props });
const controller = Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
const gateway = (dataPlane?: PeerDataPlane) => Peer.pods('gw', { app: 'gw' }, { serviceAccount: 'gw', ...(dataPlane ? { dataPlane } : {}) });
const expose = (e: Env, overrides: object) => e.web.exposeViaIngress({ host: 'shop.example.com', ingressClassName: 'nginx', tls: IngressTls.fromSecret('shop-tls'), controller, ...overrides } as never);
/** An IstioMesh, namespace `edge` (one LoadBalancer) and the HardenedGateway `public` in it, with these props. */
const gw = (e: Env, props: object = {}) => {
  new IstioMesh(e.cluster, 'mesh');
  new HardenedNamespace(e.cluster, 'edge', { resourceQuota: { 'services.loadbalancers': '1' } });
  return new HardenedGateway(new Chart(e.app, 'g', { namespace: 'edge' }), 'public', {
    hostnames: ['shop.example.com'], tls: GatewayTls.fromSecret('public-tls'), proxyImage: ContainerImage.fromDigest(`docker.io/istio/proxyv2@${DIGEST}`), ...props,
  } as never);
};
const route = (e: Env, options: object, props: object = {}) => e.web.exposeViaGateway(gw(e, props), { hostnames: ['shop.example.com'], ...options } as never);
const REASON = 'A reviewer-facing sentence that explains the exception.';
/** An app of its own with these admission props. */
const admissionApp = (admission: AdmissionProps) => new HardenedApp({ outdir, admission });
/** An app of its own with these props and one namespace (the version is read at the first construct). */
const targeting = (props: HardenedAppProps, ns: HardenedNamespaceProps = {}) => new HardenedNamespace(new Chart(new HardenedApp({ outdir, ...props }), 'c'), 'n', ns);

/** Scan reports of the cases, one folder each (the paths appear in the messages). */
const SCANS = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-scans-'));
const IMAGE = `registry.example.com/team/app@${DIGEST}`;
/** A Trivy report of the app's image with one finding (these fields overridden). */
const trivy = (finding: object = {}, top: object = {}) => JSON.stringify({
  SchemaVersion: 2, ArtifactName: IMAGE,
  Results: [{ Target: 'app (debian 12)', Vulnerabilities: [{ VulnerabilityID: 'CVE-2024-1', PkgName: 'openssl', InstalledVersion: '3.0.11-1', Severity: 'CRITICAL', ...finding }] }],
  ...top,
});
/** The valid app scanned by the gate over `folder` holding `files` (written now). */
const scanned = (folder: string, files: Record<string, string>, props: ScanGateProps = {}) => (e: Env) => {
  const dir = path.join(SCANS, folder);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const app = new HardenedApp({ outdir, reporters: [scanGateReporter({ reportDir: dir, now: new Date('2026-12-01T00:00:00Z'), ...props })] });
  new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
  new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container({ name: 'web' })] });
  e.app = app;
};
const report = (folder: string) => path.join(SCANS, folder, 'app.json');
const WAIVER = { vulnerabilityId: 'CVE-2024-1', reason: 'Only reachable through a code path the service never enables.' };

/** [case, break the app, construct path, field, bad value (as rendered in the message)]. */
type Case = [string, (e: Env) => void, string, string, string];

const CASES: Case[] = [
  // --- found by the real API server (test/cluster boundary differential)
  ['CronJob name of 53 characters (its Jobs append 11)', e => new HardenedCronJob(e.chart, 'c', { name: `c${'x'.repeat(52)}`, schedule: '@daily', containers: [batch('c')] }), 'w/c', 'name', `"c${'x'.repeat(52)}"`],
  ['StatefulSet name of 53 characters (its pods\' controller-revision-hash label would exceed 63)', e => new HardenedStatefulSet(e.chart, 's', { name: `s${'x'.repeat(52)}`, containers: [c({})] }), 'w/s', 'name', `"s${'x'.repeat(52)}"`],
  ['CronJob schedule with day of week 7', e => new HardenedCronJob(e.chart, 'c', { schedule: '0 0 * * 7', containers: [batch('c')] }), 'w/c', 'schedule', '"0 0 * * 7"'],
  ['Ingress host that is an IP address', e => expose(e, { host: '10.0.0.1' }), 'w/web', 'exposeViaIngress.host', '"10.0.0.1"'],
  // --- the Gateway API (issue 21; test/cluster/_gateway.ts says which of these the CRDs also reject)
  ['Gateway route hostname with a wildcard inside', e => route(e, { hostnames: ['shop.*.example.com'] }), 'w/web', 'exposeViaGateway.hostnames[0]', '"shop.*.example.com"'],
  ['Gateway route hostname that is an IP address (the CRD pattern admits it)', e => route(e, { hostnames: ['10.0.0.1'] }), 'w/web', 'exposeViaGateway.hostnames[0]', '"10.0.0.1"'],
  ['Gateway route hostname with uppercase', e => route(e, { hostnames: ['Shop.example.com'] }), 'w/web', 'exposeViaGateway.hostnames[0]', '"Shop.example.com"'],
  ['Gateway route hostname with a port', e => route(e, { hostnames: ['shop.example.com:443'] }), 'w/web', 'exposeViaGateway.hostnames[0]', '"shop.example.com:443"'],
  ['Gateway listener hostname with a wildcard inside', e => gw(e, { hostnames: ['shop.*.example.com'] }), 'g/public', 'hostnames[0]', '"shop.*.example.com"'],
  ['Gateway without TLS (the CRD admits an HTTPS listener without it)', e => gw(e, { tls: undefined }), 'g/public', 'tls', '(unset)'],
  ['Gateway proxy image by tag (the blueprint\'s own HARDENED-1 would deny Istio\'s Deployment)', e => gw(e, { proxyImage: ContainerImage.fromTag('docker.io/istio/proxyv2:1.31.0', { reason: REASON }) }), 'g/public', 'proxyImage', '"docker.io/istio/proxyv2:1.31.0"'],
  ['Gateway route to a port no container listens on', e => route(e, { containerPort: 9999 }), 'w/web', 'exposeViaGateway.containerPort', '9999'],
  ['two Gateway routes claiming one hostname and path (the API picks the older)', e => {
    const g = gw(e);
    e.web.exposeViaGateway(g, { hostnames: ['shop.example.com'] });
    deploy(e).exposeViaGateway(g, { hostnames: ['shop.example.com'], paths: ['/'] });
  }, 'w/api', 'exposeViaGateway.hostnames[0]', '"shop.example.com"'],
  ['Gateway route from a namespace the gateway does not allow', e => route(e, {}, { allowedRouteNamespaces: ['edge'] }), 'w/web', 'exposeViaGateway.gateway', '"g/public"'],
  ['Gateway in a meshed namespace (its deny-all policy would refuse the listeners)', e => {
    new IstioMesh(e.cluster, 'mesh');
    new HardenedNamespace(e.cluster, 'edge', { mesh: NamespaceMesh.sidecar() });
    new HardenedGateway(new Chart(e.app, 'g', { namespace: 'edge' }), 'public', { tls: GatewayTls.fromSecret('t'), proxyImage: ContainerImage.fromDigest(`docker.io/istio/proxyv2@${DIGEST}`) });
  }, 'g/public', 'namespace', '"edge"'],
  // --- admission parameters (issue "Admission that never wedges"): each would make the cluster deny the wrong things
  ['admission action outside the enum (a binding without validationActions)', () => admissionApp({ action: 'Block' as never }), 'HardenedApp', 'admission.action', '"Block"'],
  ['admission registry with a scheme', () => admissionApp({ allowedRegistries: ['https://registry.example.com'] }), 'HardenedApp', 'admission.allowedRegistries[0]', '"https://registry.example.com"'],
  ['admission registry with a wildcard', () => admissionApp({ allowedRegistries: ['*.example.com'] }), 'HardenedApp', 'admission.allowedRegistries[0]', '"*.example.com"'],
  ['admission registry that is empty', () => admissionApp({ allowedRegistries: [''] }), 'HardenedApp', 'admission.allowedRegistries[0]', '""'],
  ['admission host path that is relative', () => admissionApp({ allowedHostPaths: [{ pathPrefix: 'var/log', readOnly: true }] }), 'HardenedApp', 'admission.allowedHostPaths[0].pathPrefix', '"var/log"'],
  ['admission host path "" (would allow every host path)', () => admissionApp({ allowedHostPaths: [{ pathPrefix: '', readOnly: false }] }), 'HardenedApp', 'admission.allowedHostPaths[0].pathPrefix', '""'],
  ['admission host path with ..', () => admissionApp({ allowedHostPaths: [{ pathPrefix: '/var/../etc', readOnly: true }] }), 'HardenedApp', 'admission.allowedHostPaths[0].pathPrefix', '"/var/../etc"'],
  ['admission capability in lower case', () => admissionApp({ allowedCapabilities: ['net_bind_service'] }), 'HardenedApp', 'admission.allowedCapabilities[0]', '"net_bind_service"'],
  ['admission capability with the CAP_ prefix', () => admissionApp({ allowedCapabilities: ['CAP_NET_BIND_SERVICE'] }), 'HardenedApp', 'admission.allowedCapabilities[0]', '"CAP_NET_BIND_SERVICE"'],
  ['admission capability that does not exist', () => admissionApp({ allowedCapabilities: ['NET_BIND'] }), 'HardenedApp', 'admission.allowedCapabilities[0]', '"NET_BIND"'],
  ['admission excluded namespace that is not a name (Kube_System would not exclude kube-system)', () => admissionApp({ excludedNamespaces: ['Kube_System'] }), 'HardenedApp', 'admission.excludedNamespaces[0]', '"Kube_System"'],
  // --- HardenedNamespace
  ['namespace name with uppercase (IsDNS1123Label)', e => new HardenedNamespace(e.cluster, 'Shop2'), 'cluster/Shop2', 'name', '"Shop2"'],
  ['namespace name of 64 characters', e => new HardenedNamespace(e.cluster, 'n', { name: 'a'.repeat(64) }), 'cluster/n', 'name', `"${'a'.repeat(64)}"`],
  ['namespace named kube-system (cuts cluster DNS)', e => new HardenedNamespace(e.cluster, 'kube-system'), 'cluster/kube-system', 'name', '"kube-system"'],
  ['namespace named istio-system', e => new HardenedNamespace(e.cluster, 'mesh', { name: 'istio-system' }), 'cluster/mesh', 'name', '"istio-system"'],
  ['two namespaces with one name', e => new HardenedNamespace(e.cluster, 'again', { name: 'shop' }), 'cluster/again', 'name', '"shop"'],
  ['namespace in a chart with a namespace', e => new HardenedNamespace(e.chart, 'inner'), 'w/inner', 'chart.namespace', '"shop"'],
  ['enforce lowered without a reason', e => new HardenedNamespace(e.cluster, 'legacy', { enforce: PodSecurityLevel.BASELINE }), 'cluster/legacy', 'enforce', '"baseline"'],
  ['enforce lowered with a boilerplate reason', e => new HardenedNamespace(e.cluster, 'legacy', { enforce: PodSecurityLevel.PRIVILEGED, enforceReason: 'TODO' }), 'cluster/legacy', 'enforceReason', '"TODO"'],
  ['enforceReason without a lowered level', e => new HardenedNamespace(e.cluster, 'n2', { enforceReason: REASON }), 'cluster/n2', 'enforceReason', JSON.stringify(REASON)],
  ['audit weaker than enforce', e => new HardenedNamespace(e.cluster, 'n3', { audit: PodSecurityLevel.BASELINE }), 'cluster/n3', 'audit', '"baseline"'],
  ['Pod Security version v2', e => new HardenedNamespace(e.cluster, 'n4', { podSecurityVersion: 'v2.0' }), 'cluster/n4', 'podSecurityVersion', '"v2.0"'],
  ['quota key that is not a resource name (ValidateResourceQuotaResourceName)', e => new HardenedNamespace(e.cluster, 'n5', { resourceQuota: { cpus: '4' } }), 'cluster/n5', 'resourceQuota', '"cpus"'],
  ['quota object count that is not whole', e => new HardenedNamespace(e.cluster, 'n6', { resourceQuota: { pods: '1.5' } }), 'cluster/n6', 'resourceQuota["pods"]', '"1.5"'],
  ['quota quantity that is not a quantity', e => new HardenedNamespace(e.cluster, 'n7', { resourceQuota: { 'requests.cpu': 'eight' } }), 'cluster/n7', 'resourceQuota["requests.cpu"]', '"eight"'],
  ['default request above the default limit', e => new HardenedNamespace(e.cluster, 'n8', { defaultRequest: { cpu: '2', memory: '128Mi' } }), 'cluster/n8', 'defaultRequest.cpu', '"2"'],
  ['namespace label with a bad key', e => new HardenedNamespace(e.cluster, 'n9', { labels: { 'bad key': 'x' } }), 'cluster/n9', 'labels["bad key"]', '"bad key"'],
  ['namespace label value of 64 characters', e => new HardenedNamespace(e.cluster, 'n10', { labels: { team: 'x'.repeat(64) } }), 'cluster/n10', 'labels["team"]', `"${'x'.repeat(64)}"`],
  ['namespace with both data-plane labels', e => new HardenedNamespace(e.cluster, 'n11', { labels: { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' } }), 'cluster/n11', 'labels["istio-injection"]', '"enabled"'],
  ['namespace with a data-plane label contradicting its mesh (the mesh\'s label won silently)', e => { new IstioMesh(e.cluster, 'mesh'); new HardenedNamespace(e.cluster, 'n12', { mesh: NamespaceMesh.ambient(), labels: { 'istio.io/rev': 'canary' } }); }, 'cluster/n12', 'labels["istio.io/rev"]', '"canary"'],
  ['enforce level capitalised (blamed the audit level, with a wrong fix)', e => new HardenedNamespace(e.cluster, 'n13', { enforce: 'Restricted' as PodSecurityLevel }), 'cluster/n13', 'enforce', '"Restricted"'],
  ['a reporter file outside outdir (path traversal; was a plain Error without a fix)', e => {
    const app = new HardenedApp({ outdir, reporters: [() => ({ '../escape.md': 'x' })] });
    new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
    e.app = app;
  }, 'HardenedApp', 'reporters', '"../escape.md"'],
  // --- every workload kind: names, namespace, identity
  ['workload name with uppercase', e => new HardenedDeployment(e.chart, 'Api', { containers: [c({})] }), 'w/Api', 'name', '"Api"'],
  ['workload name reserved for namespace policies', e => new HardenedDeployment(e.chart, 'namespace', { containers: [c({})] }), 'w/namespace', 'name', '"namespace"'],
  ['workload name starting with a digit needs a Service (IsDNS1035Label)', e => new HardenedDeployment(e.chart, '2api', { containers: [c({})] }), 'w/2api', 'name', '"2api"'],
  ['workload outside any namespace', e => new HardenedDeployment(new Chart(e.app, 'loose'), 'api', { containers: [c({})] }), 'loose/api', 'namespace', '(unset)'],
  ['workload id already taken in its scope', e => new HardenedDeployment(e.chart, 'web', { containers: [c({})] }), 'w', 'id', '"web"'],
  ['replicas 0', e => deploy(e, {}, { replicas: 0 }), 'w/api', 'replicas', '0'],
  ['replicas 1.5', e => deploy(e, {}, { replicas: 1.5 }), 'w/api', 'replicas', '1.5'],
  ['autoscaling with minReplicas 1', e => deploy(e, {}, { autoscaling: { minReplicas: 1, maxReplicas: 3 } }), 'w/api', 'autoscaling.minReplicas', '1'],
  ['autoscaling below its minimum', e => deploy(e, {}, { autoscaling: { minReplicas: 3, maxReplicas: 2 } }), 'w/api', 'autoscaling.maxReplicas', '2'],
  ['replicas set together with autoscaling', e => deploy(e, {}, { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }), 'w/api', 'replicas', '3'],
  ['no containers', e => new HardenedDeployment(e.chart, 'api', { containers: [] }), 'w/api', 'containers', '[]'],
  ['runAsUser 0 (root)', e => deploy(e, {}, { runAsUser: 0 }), 'w/api', 'runAsUser', '0'],
  ['fsGroup negative', e => deploy(e, {}, { fsGroup: -1 }), 'w/api', 'fsGroup', '-1'],
  ['seccomp Localhost profile with ..', e => deploy(e, {}, { seccompProfile: SeccompProfile.localhost('../etc/profile.json') }), 'w/api', 'seccompProfile.localhostProfile', '"../etc/profile.json"'],
  ['seccomp Localhost profile as an absolute path', e => deploy(e, {}, { seccompProfile: SeccompProfile.localhost('/var/lib/kubelet/seccomp/p.json') }), 'w/api', 'seccompProfile.localhostProfile', '"/var/lib/kubelet/seccomp/p.json"'],
  ['AppArmor Localhost profile with a space', e => deploy(e, {}, { appArmorProfile: AppArmorProfile.localhost('my profile') }), 'w/api', 'appArmorProfile.localhostProfile', '"my profile"'],
  ['SELinux level that is not an MCS level', e => deploy(e, {}, { seLinuxOptions: { level: 'top-secret' } }), 'w/api', 'seLinuxOptions.level', '"top-secret"'],
  ['negative termination grace period', e => deploy(e, {}, { terminationGracePeriodSeconds: -1 }), 'w/api', 'terminationGracePeriodSeconds', '-1'],
  ['Kubernetes patch version instead of a minor', () => targeting({ kubernetesVersion: '1.28.3' }), 'HardenedApp', 'kubernetesVersion', '"1.28.3"'],
  ['Kubernetes version latest (names no version)', () => targeting({ kubernetesVersion: 'latest' }), 'HardenedApp', 'kubernetesVersion', '"latest"'],
  ['Kubernetes version beyond the known lines', () => targeting({ kubernetesVersion: 'v1.99' }), 'HardenedApp', 'kubernetesVersion', '"v1.99"'],
  ['Kubernetes version before 1.28', () => targeting({ kubernetesVersion: '1.27' }), 'HardenedApp', 'kubernetesVersion', '"1.27"'],
  ['Pod Security version newer than the target', () => targeting({ kubernetesVersion: '1.35' }, { podSecurityVersion: 'v1.36' }), 'c/n', 'podSecurityVersion', '"v1.36"'],
  // --- containers
  ['container name with uppercase', e => deploy(e, { name: 'API' }), 'w/api', 'containers[0].name', '"API"'],
  ['two containers with one name', e => new HardenedDeployment(e.chart, 'api', { containers: [c({}), c({ ports: [{ number: 9000 }] })] }), 'w/api', 'containers[1].name', '"api"'],
  ['image digest too short', e => deploy(e, { image: ContainerImage.fromDigest('nginx@sha256:abc') }), 'w/api', 'containers[0].image', '"nginx@sha256:abc"'],
  ['image tag latest', e => deploy(e, { image: ContainerImage.fromTag('nginx:latest', { reason: REASON }) }), 'w/api', 'containers[0].image', '"nginx:latest"'],
  ['image without a tag', e => deploy(e, { image: ContainerImage.fromTag('nginx', { reason: REASON }) }), 'w/api', 'containers[0].image', '"nginx"'],
  ['tag accepted with a boilerplate reason', e => deploy(e, { image: ContainerImage.fromTag('nginx:1.27', { reason: 'TODO' }) }), 'w/api', 'containers[0].image.reason', '"TODO"'],
  ['resources missing', e => deploy(e, { resources: undefined as never }), 'w/api', 'containers[0].resources', '(unset)'],
  ['cpu that is not a quantity', e => deploy(e, { resources: { cpu: { request: 'lots', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } }), 'w/api', 'containers[0].resources.cpu.request', '"lots"'],
  ['request above limit', e => deploy(e, { resources: { cpu: { request: '2', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } }), 'w/api', 'containers[0].resources.cpu.limit', '"1"'],
  ['memory in milli units (half a byte)', e => deploy(e, { resources: { cpu: { request: '1', limit: '1' }, memory: { request: '512m', limit: '1Gi' } } }), 'w/api', 'containers[0].resources.memory.request', '"512m"'],
  ['ephemeral storage in milli units', e => deploy(e, { resources: { cpu: { request: '1', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' }, ephemeralStorage: { request: '1Gi', limit: '2000m' } } }), 'w/api', 'containers[0].resources.ephemeralStorage.limit', '"2000m"'],
  ['zero cpu request', e => deploy(e, { resources: { cpu: { request: '0', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } }), 'w/api', 'containers[0].resources.cpu.request', '"0"'],
  ['readiness probe missing on a Deployment', e => deploy(e, { readiness: undefined }), 'w/api', 'containers[0].readiness', '(unset)'],
  ['liveness probe missing on a StatefulSet', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({ liveness: undefined })] }), 'w/db', 'containers[0].liveness', '(unset)'],
  ['container port 70000 (IsValidPortNum)', e => deploy(e, { ports: [{ number: 70000 }] }), 'w/api', 'containers[0].ports[0].number', '70000'],
  ['port name of 16 characters (IsValidPortName)', e => deploy(e, { ports: [{ number: 8080, name: 'a-very-long-name' }] }), 'w/api', 'containers[0].ports[0].name', '"a-very-long-name"'],
  ['port declared twice', e => deploy(e, { ports: [{ number: 8080 }, { number: 8080 }] }), 'w/api', 'containers[0].ports[1].number', '8080'],
  ['two ports with one name', e => deploy(e, { ports: [{ number: 8080, name: 'http' }, { number: 8081, name: 'http' }] }), 'w/api', 'containers[0].ports[1].name', '"http"'],
  ['protocol HTTP (core/v1 Protocol)', e => deploy(e, { ports: [{ number: 8080, protocol: 'HTTP' as never }] }), 'w/api', 'containers[0].ports[0].protocol', '"HTTP"'],
  ['two container ports on one Service port', e => deploy(e, { ports: [{ number: 8080, name: 'a', servicePort: 80 }, { number: 8081, name: 'b', servicePort: 80 }] }), 'w/api', 'containers.ports[1].servicePort', '80'],
  ['environment variable name with a space', e => deploy(e, { env: { 'LOG LEVEL': 'info' } }), 'w/api', 'containers[0].env', '"LOG LEVEL"'],
  ['writable path that is relative', e => deploy(e, { writablePaths: ['tmp'] }), 'w/api', 'containers[0].writablePaths[0]', '"tmp"'],
  ['writable path listed twice', e => deploy(e, { writablePaths: ['/tmp', '/tmp'] }), 'w/api', 'containers[0].writablePaths[1]', '"/tmp"'],
  ['two writable paths that map to one volume name', e => deploy(e, { writablePaths: ['/var/cache', '/var-cache'] }), 'w/api', 'containers[0].writablePaths[1]', '"/var-cache"'],
  ['a size for a path that is not writable', e => deploy(e, { writablePathSizesMiB: { '/data': 10 } }), 'w/api', 'containers[0].writablePathSizesMiB', '"/data"'],
  ['a writable path size of 0', e => deploy(e, { writablePaths: ['/tmp'], writablePathSizesMiB: { '/tmp': 0 } }), 'w/api', 'containers[0].writablePathSizesMiB["/tmp"]', '0'],
  ['envValueFrom also set as a plain value', e => deploy(e, { env: { TOKEN: 'x' }, envValueFrom: { TOKEN: EnvValueFrom.secretKey('s', 'k') } }), 'w/api', 'containers[0].envValueFrom', '"TOKEN"'],
  ['envValueFrom from a Secret name with an underscore', e => deploy(e, { envValueFrom: { A: EnvValueFrom.secretKey('db_creds', 'k') } }), 'w/api', 'containers[0].envValueFrom["A"].name', '"db_creds"'],
  ['envValueFrom key with a slash', e => deploy(e, { envValueFrom: { A: EnvValueFrom.configMapKey('cfg', 'a/b') } }), 'w/api', 'containers[0].envValueFrom["A"].key', '"a/b"'],
  ['mount at a relative path', e => deploy(e, { mounts: [{ path: 'etc/x', volume: PodVolume.fromSecret('x') }] }), 'w/api', 'containers[0].mounts[0].path', '"etc/x"'],
  ['a Secret mounted writable', e => deploy(e, { mounts: [{ path: '/etc/x', volume: PodVolume.fromSecret('x'), writable: true }] }), 'w/api', 'containers[0].mounts[0].writable', 'true'],
  ['a subPath that leaves the volume', e => deploy(e, { mounts: [{ path: '/etc/x', volume: PodVolume.fromConfigMap('x'), subPath: '../y' }] }), 'w/api', 'containers[0].mounts[0].subPath', '"../y"'],
  ['a token that expires in one minute', e => deploy(e, { mounts: [{ path: '/t', volume: PodVolume.fromServiceAccountToken({ audience: 'vault', expirationSeconds: 60 }) }] }), 'w/api', 'volume.expirationSeconds', '60'],
  ['a token without an audience', e => deploy(e, { mounts: [{ path: '/t', volume: PodVolume.fromServiceAccountToken({ audience: '' }) }] }), 'w/api', 'volume.audience', '""'],
  ['an init container with a readiness probe', e => e.web.addInitContainer(c({ name: 'init', ports: [] })), 'w/web', 'addInitContainer("init").readiness', '"probe"'],
  ['a native sidecar on Kubernetes 1.28', () => env({ kubernetesVersion: '1.28' }).web.addSidecar(batch('proxy')), 'w/web', 'addSidecar("proxy")', '"proxy"'],
  ['a native sidecar on the main container\'s port (one network namespace)', e => e.web.addSidecar(c({ name: 'proxy', ports: [{ number: 8080 }] })), 'w/web', 'addSidecar("proxy").ports[0].number', '8080'],
  ['a mount at a writable path up to a trailing slash', e => deploy(e, { writablePaths: ['/tmp'], mounts: [{ path: '/tmp/', volume: PodVolume.fromSecret('x') }] }), 'w/api', 'containers[0].mounts[0].path', '"/tmp/"'],
  ['a writable path listed twice up to a trailing slash', e => deploy(e, { writablePaths: ['/cache', '/cache/'] }), 'w/api', 'containers[0].writablePaths[1]', '"/cache/"'],
  ['a second container with the name of the first', e => e.web.addContainer(c({ name: 'web', ports: [{ number: 9000 }] })), 'w/web', 'addContainer("web").name', '"web"'],
  // --- StatefulSet, Job, CronJob
  ['claim name with uppercase', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({})], volumeClaims: [{ name: 'Data', mountPath: '/d', storage: '1Gi' }] }), 'w/db', 'volumeClaims[0].name', '"Data"'],
  ['claim size that is not a quantity', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({})], volumeClaims: [{ name: 'data', mountPath: '/d', storage: 'big' }] }), 'w/db', 'volumeClaims[0].storage', '"big"'],
  ['claim size in milli units (thousandths of a byte)', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({})], volumeClaims: [{ name: 'data', mountPath: '/d', storage: '1500m' }] }), 'w/db', 'volumeClaims[0].storage', '"1500m"'],
  ['claim with an unknown access mode', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({})], volumeClaims: [{ name: 'data', mountPath: '/d', storage: '1Gi', accessMode: 'ReadWriteAll' as VolumeAccessMode }] }), 'w/db', 'volumeClaims[0].accessMode', '"ReadWriteAll"'],
  ['claim mounted where a writable path is', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({ writablePaths: ['/d'] })], volumeClaims: [{ name: 'data', mountPath: '/d', storage: '1Gi' }] }), 'w/db', 'volumeClaims[0].mountPath', '"/d"'],
  ['claim mounted at a writable path up to a trailing slash', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({ writablePaths: ['/d'] })], volumeClaims: [{ name: 'data', mountPath: '/d/', storage: '1Gi' }] }), 'w/db', 'volumeClaims[0].mountPath', '"/d/"'],
  ['podManagementPolicy misspelled (was written as OrderedReady)', e => new HardenedStatefulSet(e.chart, 'db', { containers: [c({})], podManagementPolicy: 'Paralel' as PodManagementPolicy }), 'w/db', 'podManagementPolicy', '"Paralel"'],
  ['Job restartPolicy Always (batch/v1 ValidateJob)', e => new HardenedJob(e.chart, 'j', { containers: [batch('j')], restartPolicy: 'Always' as JobRestartPolicy }), 'w/j', 'restartPolicy', '"Always"'],
  ['Job backoffLimit -1', e => new HardenedJob(e.chart, 'j', { containers: [batch('j')], backoffLimit: -1 }), 'w/j', 'backoffLimit', '-1'],
  ['Job without a deadline (0 seconds)', e => new HardenedJob(e.chart, 'j', { containers: [batch('j')], activeDeadlineSeconds: 0 }), 'w/j', 'activeDeadlineSeconds', '0'],
  ['cron minute 61', e => new HardenedCronJob(e.chart, 'cj', { schedule: '61 * * * *', containers: [batch('cj')] }), 'w/cj', 'schedule', '"61 * * * *"'],
  ['cron with four fields', e => new HardenedCronJob(e.chart, 'cj', { schedule: '0 * * *', containers: [batch('cj')] }), 'w/cj', 'schedule', '"0 * * *"'],
  ['cron @every with a duration that is not a Go duration', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@every 5 minutes', containers: [batch('cj')] }), 'w/cj', 'schedule', '"@every 5 minutes"'],
  ['cron @every under a second (the parser silently runs it every second)', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@every 500ms', containers: [batch('cj')] }), 'w/cj', 'schedule', '"@every 500ms"'],
  ['cron on February 30 (never runs: admitted by the API server, no Job ever created)', e => new HardenedCronJob(e.chart, 'cj', { schedule: '0 0 30 2 *', containers: [batch('cj')] }), 'w/cj', 'schedule', '"0 0 30 2 *"'],
  ['cron on the 31st of April, June, September and November only (never runs)', e => new HardenedCronJob(e.chart, 'cj', { schedule: '0 12 31 4,6,9,11 *', containers: [batch('cj')] }), 'w/cj', 'schedule', '"0 12 31 4,6,9,11 *"'],
  ['cron time zone in lower case (utc: Go matches names exactly)', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@daily', timeZone: 'utc', containers: [batch('cj')] }), 'w/cj', 'timeZone', '"utc"'],
  ['cron time zone Local (the API server refuses it)', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@daily', timeZone: 'Local', containers: [batch('cj')] }), 'w/cj', 'timeZone', '"Local"'],
  ['cron with TZ= (refused since Kubernetes 1.27)', e => new HardenedCronJob(e.chart, 'cj', { schedule: 'TZ=UTC 0 0 * * *', containers: [batch('cj')] }), 'w/cj', 'schedule', '"TZ=UTC 0 0 * * *"'],
  ['cron time zone that does not exist', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@daily', timeZone: 'Europe/Atlantis', containers: [batch('cj')] }), 'w/cj', 'timeZone', '"Europe/Atlantis"'],
  ['cron concurrency policy Sometimes', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@daily', concurrencyPolicy: 'Sometimes' as ConcurrencyPolicy, containers: [batch('cj')] }), 'w/cj', 'concurrencyPolicy', '"Sometimes"'],
  ['CronJob Job settings: ttlSecondsAfterFinished -1 (named by the CronJob\'s path, not the chart)', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@daily', ttlSecondsAfterFinished: -1, containers: [batch('cj')] }), 'w/cj', 'ttlSecondsAfterFinished', '-1'],
  ['cron starting deadline of 5 seconds', e => new HardenedCronJob(e.chart, 'cj', { schedule: '@daily', startingDeadlineSeconds: 5, containers: [batch('cj')] }), 'w/cj', 'startingDeadlineSeconds', '5'],
  // --- Ingress
  ['Ingress host with a scheme', e => expose(e, { host: 'https://shop.example.com' }), 'w/web', 'exposeViaIngress.host', '"https://shop.example.com"'],
  ['Ingress without TLS', e => expose(e, { tls: undefined }), 'w/web', 'exposeViaIngress.tls', '(unset)'],
  ['Ingress without a class', e => expose(e, { ingressClassName: '' }), 'w/web', 'exposeViaIngress.ingressClassName', '""'],
  ['Ingress path without a slash', e => expose(e, { paths: ['api'] }), 'w/web', 'exposeViaIngress.paths[0]', '"api"'],
  ['Ingress to a port nobody listens on', e => expose(e, { containerPort: 9999 }), 'w/web', 'exposeViaIngress.containerPort', '9999'],
  ['Ingress TLS Secret with uppercase', e => expose(e, { tls: IngressTls.fromSecret('Shop-TLS') }), 'w/web', 'exposeViaIngress.tls.secretName', '"Shop-TLS"'],
  ['Ingress path with %2F (networking/v1 validateHTTPIngressPath)', e => expose(e, { paths: ['/a%2Fb'] }), 'w/web', 'exposeViaIngress.paths[0]', '"/a%2Fb"'],
  ['Ingress path with /./', e => expose(e, { paths: ['/a/./b'] }), 'w/web', 'exposeViaIngress.paths[0]', '"/a/./b"'],
  ['Ingress path ending in /.', e => expose(e, { paths: ['/a/.'] }), 'w/web', 'exposeViaIngress.paths[0]', '"/a/."'],
  ['Ingress Prefix path that is a regular expression (matched literally)', e => expose(e, { paths: ['/api/(.*)'] }), 'w/web', 'exposeViaIngress.paths[0]', '"/api/(.*)"'],
  ['Ingress Prefix path that is a glob (matched literally)', e => expose(e, { paths: ['/static/*'] }), 'w/web', 'exposeViaIngress.paths[0]', '"/static/*"'],
  ['the same host and path exposed by two workloads', e => { expose(e, { paths: ['/api'] }); new HardenedDeployment(e.chart, 'api', { containers: [c({})] }).exposeViaIngress({ host: 'shop.example.com', paths: ['/api'], ingressClassName: 'nginx', tls: IngressTls.fromSecret('shop-tls'), controller }); }, 'w/api', 'exposeViaIngress.paths[0]', '"/api"'],
  ['Ingress for a Job without a Service', e => new HardenedJob(e.chart, 'j', { containers: [batch('j')] }).exposeViaIngress({ host: 'a.example.com', ingressClassName: 'nginx', tls: IngressTls.fromSecret('t'), controller }), 'w/j', 'exposeViaIngress', '"j"'],
  // --- connectivity
  ['a flow without ports', e => e.web.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [] }), 'w/web', 'allowTo.ports', '[]'],
  ['a flow to port 0', e => e.web.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(0)] }), 'w/web', 'allowTo.ports[0].port', '0'],
  ['a port range written backwards', e => e.web.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcpRange(9000, 8000)] }), 'w/web', 'allowTo.ports[0].endPort', '8000'],
  ['a flow on protocol ICMP (networking/v1 NetworkPolicyPort: TCP, UDP, SCTP)', e => e.web.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [{ protocol: 'ICMP', port: 1 } as unknown as Port] }), 'w/web', 'allowTo.ports[0].protocol', '"ICMP"'],
  ['a CIDR with prefix 33', e => e.web.allowTo(Peer.ipBlock('10.0.0.0/33'), { ports: [Port.tcp(443)] }), 'w/web', 'allowTo.peer.cidr', '"10.0.0.0/33"'],
  ['a CIDR with host bits set', e => e.web.allowTo(Peer.ipBlock('10.0.0.1/8'), { ports: [Port.tcp(443)] }), 'w/web', 'allowTo.peer.cidr', '"10.0.0.1/8"'],
  ['an IPv4-mapped IPv6 CIDR (strict CIDR validation)', e => e.web.allowTo(Peer.ipBlock('::ffff:10.0.0.0/104'), { ports: [Port.tcp(443)] }), 'w/web', 'allowTo.peer.cidr', '"::ffff:10.0.0.0/104"'],
  ['an except outside its block (networking/v1 ValidateIPBlock)', e => e.web.allowTo(Peer.ipBlock('10.0.0.0/8', ['192.168.0.0/16']), { ports: [Port.tcp(443)] }), 'w/web', 'allowTo.peer.except[0]', '"192.168.0.0/16"'],
  ['an except equal to its block', e => e.web.allowTo(Peer.ipBlock('10.0.0.0/8', ['10.0.0.0/8']), { ports: [Port.tcp(443)] }), 'w/web', 'allowTo.peer.except[0]', '"10.0.0.0/8"'],
  ['a peer namespace name with uppercase', e => e.web.allowFrom(Peer.namespace('Ingress'), { ports: [Port.tcp(8080)] }), 'w/web', 'allowFrom.peer.namespace', '"Ingress"'],
  ['a flow between two peers the app does not own', e => e.app.model.connectivity.addFlow(e.web, 'allowTo', Peer.namespace('a'), Peer.namespace('b'), { ports: [Port.tcp(1)] }), 'w/web', 'allowTo.peer', '"1/a"'],
  // --- runtime classes and exceptions
  ['a "sandbox" whose handler is plain runc', e => new SandboxRuntimeClass(e.cluster, 'fake', { runtime: SandboxRuntime.custom('fake', 'runc', { cpu: '0', memory: '0' }, {}) }), 'cluster/fake', 'runtime.handler', '"runc"'],
  ['a toleration effect outside the three Kubernetes accepts', e => new SandboxRuntimeClass(e.cluster, 'x', { runtime: SandboxRuntime.custom('x', 'runsc', { cpu: '1', memory: '1Mi' }, {}, [{ key: 'k', value: 'v', effect: 'NoRun' }]) }), 'cluster/x', 'runtime.tolerations[0].effect', '"NoRun"'],
  ['a runtime overhead that is not a quantity', e => new SandboxRuntimeClass(e.cluster, 'y', { runtime: SandboxRuntime.custom('y', 'runsc', { cpu: 'some', memory: '1Mi' }, {}) }), 'cluster/y', 'runtime.overhead.cpu', '"some"'],
  ['an exception to an unknown rule', e => PolicyException.add(e.web, { id: 'HARDENED-99', reason: REASON }), 'w/web', 'PolicyException.id', '"HARDENED-99"'],
  ['an exception with a boilerplate reason', e => PolicyException.add(e.web, { id: 'HARDENED-10', reason: 'false positive' }), 'w/web', 'PolicyException.reason', '"false positive"'],
  ['a mesh scraper that is a workload of another app', e => { const other = env(); new IstioMesh(e.cluster, 'mesh', { monitoring: other.web }); }, 'cluster/mesh', 'monitoring', '"w/web"'],
  ['an exception whose reason is a to-do ("TODO: ...")', e => PolicyException.add(e.web, { id: 'HARDENED-10', reason: 'TODO: explain why this workload needs it' }), 'w/web', 'PolicyException.reason', '"TODO: explain why this workload needs it"'],
  ['an exception with a path of spaces', e => PolicyException.add(e.web, { id: 'HARDENED-10', reason: REASON, path: ' ' }), 'w/web', 'PolicyException.path', '" "'],
  ['the same exception twice', e => { PolicyException.add(e.web, { id: 'HARDENED-11', reason: REASON }); PolicyException.add(e.web, { id: 'HARDENED-11', reason: REASON }); }, 'w/web', 'PolicyException.id', '"HARDENED-11"'],
  // --- the data plane of each pair (issue 18)
  ['one outside peer declared with two data planes', e => { e.web.allowFrom(gateway(), { ports: [Port.tcp(8080)] }); e.web.allowTo(gateway(PeerDataPlane.AMBIENT), { ports: [Port.tcp(8080)] }); }, 'w/web', 'allowTo.peer.dataPlane', '"ambient"'],
  ['IstioMesh ipFamilies empty (no probe source at all)', e => new IstioMesh(e.cluster, 'mesh', { ipFamilies: [] }), 'cluster/mesh', 'ipFamilies', '[]'],
  ['a sidecar namespace without DNS (pilot-agent resolves istiod)', e => { new IstioMesh(e.cluster, 'mesh'); new HardenedNamespace(e.cluster, 'sc', { mesh: NamespaceMesh.sidecar(), allowDns: false }); }, 'cluster/sc', 'allowDns', 'false'],
  ['a namespace outside the mesh calling a peer under mesh-wide STRICT', e => { new IstioMesh(e.cluster, 'mesh'); e.web.allowTo(gateway(), { ports: [Port.tcp(8080)] }); }, 'w/web', 'peer', '"2/gw/app=gw@gw"'],
  ['a peer declared outside the mesh calling into an ambient workload', e => {
    new IstioMesh(e.cluster, 'mesh');
    new HardenedNamespace(e.cluster, 'amb', { mesh: NamespaceMesh.ambient() });
    new HardenedDeployment(new Chart(e.app, 'a', { namespace: 'amb' }), 'api', { containers: [c({})] }).allowFrom(gateway(PeerDataPlane.NONE), { ports: [Port.tcp(8080)] });
  }, 'a/api', 'peer', '"2/gw/app=gw@gw"'],
];

/** Bad inputs only synth can see: [case, break the app, construct path, field, bad value]. */
const SYNTH_CASES: Case[] = [
  // --- the scan gate fails closed: what it cannot read with certainty fails, never passes
  ['a finding of severity SEVERE (not a Trivy severity: was ranked UNKNOWN and passed)', scanned('severe', { 'app.json': trivy({ Severity: 'SEVERE' }) }), 'scan gate', `${report('severe')} Results[0].Vulnerabilities[0].Severity`, '"SEVERE"'],
  ['a finding of severity critical in lower case (passed)', scanned('lower', { 'app.json': trivy({ Severity: 'critical' }) }), 'scan gate', `${report('lower')} Results[0].Vulnerabilities[0].Severity`, '"critical"'],
  ['a finding without a severity (passed)', scanned('nosev', { 'app.json': trivy({ Severity: undefined }) }), 'scan gate', `${report('nosev')} Results[0].Vulnerabilities[0].Severity`, '(unset)'],
  ['a finding without a vulnerability id', scanned('noid', { 'app.json': trivy({ VulnerabilityID: undefined }) }), 'scan gate', `${report('noid')} Results[0].Vulnerabilities[0].VulnerabilityID`, '(unset)'],
  ['an allow-list expiry of 2027-02-30 (Date.parse accepts it: the entry waived a CRITICAL finding)', scanned('feb30', { 'app.json': trivy() }, { allowList: [{ ...WAIVER, expires: '2027-02-30' }] }), 'scan gate', 'scan allow-list entry 0 (CVE-2024-1) expires', '"2027-02-30"'],
  ['an allow-list expiry of 2027-02-29 (not a leap year)', scanned('feb29', { 'app.json': trivy() }, { allowList: [{ ...WAIVER, expires: '2027-02-29' }] }), 'scan gate', 'scan allow-list entry 0 (CVE-2024-1) expires', '"2027-02-29"'],
  ['a truncated report, even with missing reports ignored (was a raw SyntaxError)', scanned('truncated', { 'app.json': trivy().slice(0, 60) }, { missingReport: 'ignore' }), 'scan gate', report('truncated'), '"60 bytes"'],
  ['a report whose Results is an object (was a raw TypeError)', scanned('object', { 'app.json': trivy({}, { Results: { Target: 'x' } }) }), 'scan gate', `${report('object')} Results`, '{"Target":"x"}'],
  ['a report whose Vulnerabilities is a string', scanned('vulnstring', { 'app.json': trivy({}, { Results: [{ Target: 'x', Vulnerabilities: 'CVE-2024-1' }] }) }), 'scan gate', `${report('vulnstring')} Results[0].Vulnerabilities`, '"CVE-2024-1"'],
  ['a report that is null (was a raw TypeError)', scanned('null', { 'app.json': 'null' }), 'scan gate', report('null'), 'null'],
  ['a report without ArtifactName (was a raw TypeError)', scanned('noartifact', { 'app.json': trivy({}, { ArtifactName: undefined }) }), 'scan gate', `${report('noartifact')} ArtifactName`, '(unset)'],
  ['a report whose RepoDigests is a string (String.includes matched a substring)', scanned('repodigests', { 'app.json': trivy({}, { Metadata: { RepoDigests: `${IMAGE}x` } }) }), 'scan gate', `${report('repodigests')} Metadata.RepoDigests`, JSON.stringify(`${IMAGE}x`)],
  ['a reportDir that does not exist (was a raw ENOENT)', scanned('present', {}, { reportDir: path.join(SCANS, 'nowhere') }), 'scan gate', 'reportDir', JSON.stringify(path.join(SCANS, 'nowhere'))],
  ['a threshold in lower case (blamed a LOW finding instead of itself)', scanned('threshold', { 'app.json': trivy({ Severity: 'LOW' }) }, { threshold: 'high' as never }), 'scan gate', 'threshold', '"high"'],
  ['missingReport outside its enum', scanned('missing', {}, { missingReport: 'skip' as never }), 'scan gate', 'missingReport', '"skip"'],
  ['a flow to a port no container listens on', e => deploy(e).allowFrom(e.web, { ports: [Port.tcp(9999)] }), 'w/api', 'allowFrom', 'port 9999/TCP'],
  ['a Gateway certificate in another namespace the app does not define (no ReferenceGrant can be written)', e => void route(e, {}, { tls: GatewayTls.fromSecret('wildcard', { namespace: 'certs' }) }), 'g/public', 'tls.namespace', '"certs"'],
  ['a Gateway LoadBalancer its namespace quota refuses', e => { new IstioMesh(e.cluster, 'mesh'); new HardenedNamespace(e.cluster, 'edge'); e.web.exposeViaGateway(new HardenedGateway(new Chart(e.app, 'g', { namespace: 'edge' }), 'public', { tls: GatewayTls.fromSecret('t'), proxyImage: ContainerImage.fromDigest(`docker.io/istio/proxyv2@${DIGEST}`) }), { hostnames: ['shop.example.com'] }); }, 'g/public', 'serviceType', '"LoadBalancer"'],
  ['a workload in a namespace no HardenedNamespace defines', e => new HardenedDeployment(new Chart(e.app, 'x', { namespace: 'shops' }), 'api', { containers: [c({})] }), 'x/api', 'namespace', '"shops"'],
  ['Peer.namespace naming a namespace the app defines (one-sided)', e => e.web.allowFrom(Peer.namespace('shop'), { ports: [Port.tcp(8080)] }), 'w/web', 'allowFrom', 'Peer.namespace("shop")'],
  ['Peer.pods matching no workload of an owned namespace (dead flow)', e => e.web.allowTo(Peer.pods('shop', { app: 'nothing' }), { ports: [Port.tcp(80)] }), 'w/web', 'allowTo', 'Peer.pods("shop", {"app":"nothing"})'],
  ['a flow to a workload of another app', e => {
    const other = new HardenedApp({ outdir });
    new HardenedNamespace(new Chart(other, 'cluster'), 'shop');
    e.web.allowTo(new HardenedDeployment(new Chart(other, 'w', { namespace: 'shop' }), 'db', { containers: [c({ name: 'db' })] }), { ports: [Port.tcp(8080)] });
  }, 'w/web', 'allowTo', 'w/db belongs to another app'],
  ['a limit above the namespace LimitRange maximum', e => deploy(e, { resources: { cpu: { request: '1', limit: '8' }, memory: { request: '1Gi', limit: '1Gi' } } }), 'w/api', 'containers["api"].resources.cpu.limit', '"8" is above the cpu maximum'],
  ['an admission registry list without the blueprint\'s own registry (the cluster would deny the blueprint)', e => {
    const app = new HardenedApp({ outdir, admission: { allowedRegistries: ['ghcr.io/acme'] } });
    new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
    new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container({ name: 'web' })] });
    e.app = app;
  }, 'w/web/Resource/Resource', 'admission.allowedRegistries', 'would be denied by the app\'s own admission policy'],
  ['a quota that cannot hold the replicas', e => { new HardenedNamespace(e.cluster, 'tiny', { resourceQuota: { pods: '2' } }); new HardenedDeployment(new Chart(e.app, 't', { namespace: 'tiny' }), 'api', { containers: [c({})] }); }, 'cluster/tiny', 'quota', 'up to 3 pods'], // the namespace's quota, checked once per namespace
  ['a container added through cdk8s-plus', e => e.web.deployment.addContainer({ name: 'raw', image: `busybox@${DIGEST}` }), 'w/web', 'containers', '"raw"'],
  ['a pod-template label value of 64 characters set through the escape hatch (found by the real API server)', e => ApiObject.of(e.web.deployment).addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/tier', 'v'.repeat(64))), 'w/web/Resource/Resource', 'spec.template.metadata.labels["tier"]', `"${'v'.repeat(64)}"`],
  ['a pod-template label key with an uppercase prefix set through the escape hatch', e => ApiObject.of(e.web.deployment).addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/Example.COM~1x', 'x')), 'w/web/Resource/Resource', 'spec.template.metadata.labels["Example.COM/x"]', '"Example.COM/x"'],
  ['an unpinned-images annotation forged through the escape hatch (admission would deny what synth accepts)', e => ApiObject.of(e.web.deployment).addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { 'cdk8s-hardened.io/unpinned-images': 'web: trust me' })), 'w/web/Resource/Resource', 'spec.template.metadata.annotations["cdk8s-hardened.io/unpinned-images"]', '"web: trust me"'],
  ['an escape-hatch patch the typed serializer drops (misspelled priorityClassname)', e => ApiObject.of(e.web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassname', 'critical')), 'w/web/Resource/Resource', 'addJsonPatch(add /spec/template/spec/priorityClassname)', '"critical"'],
  ['an escape-hatch patch our hardening overwrites (seccomp Unconfined)', e => ApiObject.of(e.web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'Unconfined' })), 'w/web/Resource/Resource', 'addJsonPatch(add /spec/template/spec/containers/0/securityContext/seccompProfile)', '{"type":"Unconfined"}'],
  ['annotations above 256 KiB (ValidateAnnotationsSize)', e => deploy(e, { image: ContainerImage.fromTag('registry.example.com/api:1.0', { reason: `${'Accepted by tag because the vendor publishes no digests. '.repeat(5000)}` }) }), 'w/api/Resource/Resource', 'spec.template.metadata.annotations', 'bytes'],
  ['a probe on port 0', e => deploy(e, { readiness: kplus.Probe.fromTcpSocket({ port: 0 }) }), 'w/api/Resource/Resource', 'spec.template.spec.containers[0].readinessProbe.tcpSocket.port', '0'],
  ['a pod injection label in an ambient namespace (two data planes)', e => {
    const app = new HardenedApp({ outdir });
    const cluster = new Chart(app, 'cluster');
    new IstioMesh(cluster, 'mesh');
    new HardenedNamespace(cluster, 'shop', { mesh: NamespaceMesh.ambient() });
    new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container({ name: 'web' })], labels: { 'sidecar.istio.io/inject': 'true' } });
    e.app = app;
  }, 'w/web', 'labels["sidecar.istio.io/inject"]', '"true"'],
  ['a runtimeClass that no RuntimeClass of the app defines (one of another app)', e => {
    const gvisor = new SandboxRuntimeClass(new Chart(new HardenedApp({ outdir }), 'other'), 'gvisor', { runtime: SandboxRuntime.GVISOR });
    deploy(e, {}, { runtimeClass: gvisor });
  }, 'w/api/Resource/Resource', 'spec.template.spec.runtimeClassName', '"gvisor"'],
  ['an empty capabilities drop list set through the escape hatch (the message shows the value)', e => ApiObject.of(e.web.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/capabilities/drop', [])), 'w/web', 'spec.template.spec.containers[0].securityContext.capabilities.drop', 'it is []'],
  ['a stale exception (it covers no finding)', e => PolicyException.add(e.web, { id: 'HARDENED-10', reason: REASON }), 'w/web', 'PolicyException HARDENED-10', REASON],
  ['a credential in a plain env value', e => deploy(e, { env: { API_TOKEN: 'abc123' } }), 'w/api/Resource/Resource', 'HARDENED-16', 'API_TOKEN'],
  ['a duplicate object written by two constructs', e => new ApiObject(new Chart(e.app, 'dup'), 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' } }), 'w/web/ServiceAccount/Resource', 'metadata.name', 'dup/sa also writes'],
];

/** Valid inputs that were refused: [case, build it on the valid app, what the objects must show]. */
type ValidCase = [string, (e: Env) => void, (objects: readonly Record<string, any>[]) => void];
const cronWith = (timeZone: string, schedule = '@daily') => (e: Env) => void new HardenedCronJob(e.chart, 'cj', { schedule, timeZone, containers: [batch('cj')] });
const cronJobOf = (objects: readonly Record<string, any>[]) => objects.find(o => o.kind === 'CronJob')!;
const VALID_CASES: ValidCase[] = [
  ['time zone Asia/Kolkata (tzdata, not in ICU\'s canonical list)', cronWith('Asia/Kolkata'), o => expect(cronJobOf(o).spec.timeZone).toBe('Asia/Kolkata')],
  ['time zone Europe/Kyiv', cronWith('Europe/Kyiv'), o => expect(cronJobOf(o).spec.timeZone).toBe('Europe/Kyiv')],
  ['time zone US/Eastern (a backward link kube-apiserver\'s tzdata holds)', cronWith('US/Eastern'), o => expect(cronJobOf(o).spec.timeZone).toBe('US/Eastern')],
  ['schedule @every 1h (robfig/cron ParseStandard takes it)', e => void new HardenedCronJob(e.chart, 'cj', { schedule: '@every 1h', containers: [batch('cj')] }), o => expect(cronJobOf(o).spec.schedule).toBe('@every 1h')],
  ['two hosts with one construct id (api.shop.example.com, api-shop.example.com)', e => { expose(e, { host: 'api.shop.example.com' }); expose(e, { host: 'api-shop.example.com' }); }, o => {
    const ingresses = o.filter(x => x.kind === 'Ingress');
    expect(ingresses.map(i => [i.metadata.name, i.spec.rules[0].host])).toEqual([['web', 'api.shop.example.com'], ['web-api-shop-example-com-2', 'api-shop.example.com']]);
  }],
  ['Ingress host localhost (a DNS-1123 subdomain the API server accepts)', e => expose(e, { host: 'localhost' }), o => expect(o.find(x => x.kind === 'Ingress')!.spec.rules[0].host).toBe('localhost')],
  ['a native sidecar with probes on 1.30', e => e.web.addSidecar(c({ name: 'proxy', ports: [{ number: 9901 }], readiness: kplus.Probe.fromTcpSocket({ port: 9901 }), liveness: kplus.Probe.fromTcpSocket({ port: 9901 }) })), o => {
    const sidecar = o.find(x => x.kind === 'Deployment')!.spec.template.spec.initContainers[0];
    expect([sidecar.name, sidecar.restartPolicy, sidecar.readinessProbe.tcpSocket.port, sidecar.livenessProbe.tcpSocket.port]).toEqual(['proxy', 'Always', 9901, 9901]);
  }],
  ['two Secrets whose first 63 characters agree', e => deploy(e, { mounts: [{ path: '/a', volume: PodVolume.fromSecret(`${'s'.repeat(70)}-a`) }, { path: '/b', volume: PodVolume.fromSecret(`${'s'.repeat(70)}-b`) }] }), o => {
    const pod = o.find(x => x.kind === 'Deployment' && x.metadata.name === 'api')!.spec.template.spec;
    const secrets = pod.volumes.filter((v: any) => v.secret).map((v: any) => [v.name.length <= 63, v.secret.secretName]);
    expect(secrets).toEqual([[true, `${'s'.repeat(70)}-a`], [true, `${'s'.repeat(70)}-b`]]);
    expect(new Set(pod.volumes.map((v: any) => v.name)).size).toBe(pod.volumes.length);
    expect(pod.containers[0].volumeMounts.filter((m: any) => ['/a', '/b'].includes(m.mountPath)).map((m: any) => m.name)).toEqual(pod.volumes.filter((v: any) => v.secret).map((v: any) => v.name));
  }],
];

beforeAll(() => {
  outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-')), 'dist');
  env().app.synth();
  before = tree(outdir);
  expect(Object.keys(before)).toEqual(['cluster.yaml', 'shop.yaml']);
});
afterAll(() => {
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  fs.rmSync(SCANS, { recursive: true, force: true });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('the catalogue has more than 80 bad inputs, all distinct', () => {
  const names = [...CASES, ...SYNTH_CASES].map(([name]) => name);
  expect(names.length).toBeGreaterThan(80);
  expect(new Set(names).size).toBe(names.length);
});

describe.each(CASES)('bad input: %s', (_name, breakIt, constructPath, field, value) => {
  test('fails at construction with the construct path, the field, the value and the fix; the output stays', () => {
    let error: unknown;
    try {
      const e = env();
      breakIt(e);
      e.app.synth();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HardenedInputError);
    const e = error as HardenedInputError;
    expect({ constructPath: e.constructPath, field: e.field, value: e.value }).toEqual({ constructPath, field, value });
    expect(e.message).toMatch(new RegExp(`^\\[${escape(constructPath)}\\] ${escape(field)}: ${escape(value)} .+\\. Fix: .{10,}`));
    expect(tree(outdir)).toEqual(before);
  });
});

describe.each(SYNTH_CASES)('bad input seen at synth: %s', (_name, breakIt, constructPath, field, value) => {
  test('fails synth with the construct path, the field, the value and the fix; the output stays', () => {
    const e = env();
    breakIt(e);
    let error: unknown;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      e.app.synth();
    } catch (err) {
      error = err;
    } finally {
      warn.mockRestore();
    }
    expect(error).toBeInstanceOf(SynthValidationError);
    const lines = (error as SynthValidationError).errors;
    const line = lines.find(l => l.startsWith(`[${constructPath}] ${field}`));
    expect({ lines, found: line !== undefined }).toEqual({ lines, found: true });
    expect(line).toContain(value);
    expect(line).toMatch(/Fix: .{10,}/);
    expect(tree(outdir)).toEqual(before);
  });
});

describe.each(VALID_CASES)('valid input: %s', (_name, build, check) => {
  test('synthesizes (it was refused)', () => {
    const e = env({ kubernetesVersion: '1.30' });
    build(e);
    const objects = withoutWarnings(() => e.app.synthObjects().objects.map(o => o.object as Record<string, any>));
    check(objects);
  });
});

test('a plain cdk8s App is refused', () => {
  expect(() => new HardenedNamespace(new Chart(new App({ outdir }), 'c'), 'shop')).toThrow(/^\[c\/shop\] scope: "App" .*Fix: create the app with `new HardenedApp\(\)`/);
});
