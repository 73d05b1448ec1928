/**
 * The local test cluster: the real kube-apiserver and kube-controller-manager of one Kubernetes
 * minor, built from the upstream k8s.io/kubernetes Go module (cluster/), and an embedded etcd,
 * each its own process on loopback. Start and stop are idempotent; a start reuses a running,
 * healthy cluster of the same minor; a stop leaves nothing running and removes etcd's data.
 *
 * Authentication: a static admin token (group system:masters) written into the state directory
 * at start, and a token for the controller-manager as `system:kube-controller-manager`, which
 * runs every controller with its own ServiceAccount's credentials, as a kubeadm cluster does.
 * Authorization: RBAC. Admission: the API server's default plugins (Pod Security,
 * ValidatingAdmissionPolicy, ServiceAccount, LimitRanger, ResourceQuota, ...). No kubelet or
 * scheduler: pods are admitted and stay Pending.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { KubeClient, type KubeEndpoint } from './kube-client';
import { exitedEarly, freePort, httpOk, launch, waitFor } from './processes';

/** The repository root (this file is src/cluster/test-cluster.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The Kubernetes minors the test cluster can be built at: each has a cluster/go-1.N.mod. */
export function buildableMinors(): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, 'cluster'))
    .map(f => /^go-(1\.\d+)\.mod$/.exec(f)?.[1])
    .filter((m): m is string => m !== undefined)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/** What a running cluster wrote about itself. */
interface ClusterState {
  readonly minor: string;
  readonly server: string;
  readonly etcdClientPort: number;
  readonly pids: { readonly etcd: number; readonly apiserver: number; readonly controllerManager: number };
}

/**
 * The directory a cluster of `minor` keeps its state, certificates, logs and etcd data in. The
 * command line uses the default instance; the test suites name their own, so that a person's
 * cluster and the suites' never meet.
 */
export function stateDir(minor: string, instance?: string): string {
  return path.join(REPO_ROOT, '.cluster', instance === undefined ? minor : `${minor}-${instance}`);
}

/** The path of the built binary of `minor`. */
export function binaryPath(minor: string): string {
  return path.join(REPO_ROOT, '.cluster', 'bin', minor, 'testcluster');
}

/** True when the `go` command is on PATH. */
export function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds the binary of a minor (`1.36`), or Gatekeeper's tools (`gatekeeper`), unless it is up to
 * date (cluster/build.sh: the Go build cache and a stamp of the module and source files); Go's
 * errors go to stderr.
 * @throws Error when the build fails
 */
export function buildCluster(minor: string, log: (line: string) => void = () => undefined): void {
  const started = Date.now();
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'cluster', 'build.sh'), minor], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cluster/build.sh ${minor} failed (exit ${r.status}); see its output above`);
  const out = r.stdout.trim();
  if (out !== '') log(`${out} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function readState(minor: string, instance?: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir(minor, instance), 'state.json'), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The endpoint of the cluster of `minor` as the admin, when its state files exist. */
export function endpointOf(minor: string, instance?: string): KubeEndpoint | undefined {
  const state = readState(minor, instance);
  if (!state) return undefined;
  const dir = stateDir(minor, instance);
  try {
    return {
      server: state.server,
      ca: fs.readFileSync(path.join(dir, 'certs', 'apiserver.crt'), 'utf8'),
      token: fs.readFileSync(path.join(dir, 'admin.token'), 'utf8').trim(),
    };
  } catch {
    return undefined;
  }
}

/** True when every process of the cluster of `minor` runs and the API server is ready. */
export async function isRunning(minor: string, instance?: string): Promise<boolean> {
  const state = readState(minor, instance);
  if (!state || !Object.values(state.pids).every(alive)) return false;
  const endpoint = endpointOf(minor, instance);
  if (!endpoint) return false;
  const client = new KubeClient(endpoint);
  try {
    return (await client.request('GET', '/readyz')).status === 200;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** Options of {@link startCluster}. */
export interface StartOptions {
  /** Progress lines (one per component). @default - none */
  readonly log?: (line: string) => void;
  /** A named instance, with its own state directory (see {@link stateDir}). @default - the command line's */
  readonly instance?: string;
}

/**
 * Starts the cluster of `minor`, or reuses it when it runs; builds the binary first when needed.
 * Resolves when the API server is ready and the controller-manager has created the `default`
 * ServiceAccount (its controllers run).
 * @returns the admin endpoint
 */
export async function startCluster(minor: string, options: StartOptions = {}): Promise<KubeEndpoint> {
  const log = options.log ?? (() => undefined);
  const instance = options.instance;
  if (await isRunning(minor, instance)) {
    log(`cluster ${minor}: running, reused (${readState(minor, instance)!.server})`);
    return endpointOf(minor, instance)!;
  }
  await stopCluster(minor, instance);
  buildCluster(minor, log);
  const started = Date.now();
  const binary = binaryPath(minor);
  const dir = stateDir(minor, instance);
  const certs = path.join(dir, 'certs');
  fs.mkdirSync(certs, { recursive: true, mode: 0o700 });
  const keys = spawnSync(binary, ['keys', dir], { encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(`testcluster keys: ${keys.stderr}`);

  const adminToken = crypto.randomBytes(24).toString('hex');
  const controllerToken = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(path.join(dir, 'admin.token'), `${adminToken}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'tokens.csv'),
    `${adminToken},admin,admin,"system:masters"\n${controllerToken},system:kube-controller-manager,system:kube-controller-manager\n`, { mode: 0o600 });

  const [etcdClientPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiPort}`;

  const etcdLog = path.join(dir, 'etcd.log');
  const etcd = launch(binary, ['etcd', '--data-dir', path.join(dir, 'etcd'), '--client-port', String(etcdClientPort), '--peer-port', String(etcdPeerPort)], etcdLog);
  await waitFor('etcd', 20_000, () => httpOk(`http://127.0.0.1:${etcdClientPort}/health`), exitedEarly(etcd, etcdLog));
  log(`cluster ${minor}: etcd ready on 127.0.0.1:${etcdClientPort} (${elapsed(started)})`);

  const apiLog = path.join(dir, 'apiserver.log');
  const apiserver = launch(binary, [
    'apiserver',
    `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
    `--cert-dir=${certs}`,
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true', // as kubeadm and managed clusters run it: Pod Security, not this flag, decides
    '--endpoint-reconciler-type=none', // no kubelet or Service traffic here; from 1.37 the lease reconciler refuses loopback
    '--profiling=false',
    '--v=0',
  ], apiLog);
  const writeState = (controllerManager: number) => fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({
    minor, server, etcdClientPort, pids: { etcd: etcd.pid!, apiserver: apiserver.pid!, controllerManager },
  } satisfies ClusterState, null, 2));
  writeState(apiserver.pid!); // so that a stop finds both while the controller-manager is not started
  await waitFor('kube-apiserver', 60_000, async () => {
    if (!fs.existsSync(path.join(certs, 'apiserver.crt'))) return false;
    const client = new KubeClient({ server, ca: fs.readFileSync(path.join(certs, 'apiserver.crt'), 'utf8'), token: adminToken });
    try {
      return (await client.request('GET', '/readyz')).status === 200;
    } finally {
      client.close();
    }
  }, exitedEarly(apiserver, apiLog));
  log(`cluster ${minor}: kube-apiserver ready on ${server} (${elapsed(started)})`);

  const kubeconfig = path.join(dir, 'controller-manager.kubeconfig');
  fs.writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'local',
    clusters: [{ name: 'local', cluster: { 'server': server, 'certificate-authority': path.join(certs, 'apiserver.crt') } }],
    users: [{ name: 'controller-manager', user: { token: controllerToken } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'controller-manager' } }],
  }), { mode: 0o600 });
  const kcmLog = path.join(dir, 'controller-manager.log');
  const kcm = launch(binary, [
    'controller-manager',
    `--kubeconfig=${kubeconfig}`,
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${path.join(dir, 'sa.key')}`,
    `--root-ca-file=${path.join(certs, 'apiserver.crt')}`,
    '--leader-elect=false',
    '--secure-port=0',
    '--v=0',
  ], kcmLog);
  writeState(kcm.pid!);
  const endpoint = endpointOf(minor, instance)!;
  const client = new KubeClient(endpoint);
  try {
    await waitFor('kube-controller-manager', 60_000,
      async () => (await client.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200, exitedEarly(kcm, kcmLog));
  } finally {
    client.close();
  }
  log(`cluster ${minor}: kube-controller-manager running (${elapsed(started)})`);
  return endpoint;
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Stops every process of the cluster of `minor` and removes its state; does nothing when none runs. */
export async function stopCluster(minor: string, instance?: string): Promise<boolean> {
  const state = readState(minor, instance);
  let stopped = false;
  if (state) {
    const pids = [state.pids.controllerManager, state.pids.apiserver, state.pids.etcd];
    for (const pid of pids) {
      if (!alive(pid)) continue;
      stopped = true;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone meanwhile
      }
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  fs.rmSync(stateDir(minor, instance), { recursive: true, force: true });
  return stopped;
}
