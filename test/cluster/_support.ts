/**
 * Helpers of the real API server suites: which minors run, a fresh cluster per suite, apply and
 * dry-run helpers, waiting for what the controllers create. The cluster is the upstream
 * kube-apiserver and kube-controller-manager (src/cluster/test-cluster.ts); nothing here judges
 * an object: every verdict is the server's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transformSync } from 'esbuild';
import { applyObjects, verdictLine, type ApplyVerdict } from '../../src/cluster/apply';
import { KubeClient, statusMessage, type KubeJson, type KubeResponse } from '../../src/cluster/kube-client';
import { readManifests, type ManifestObject } from '../../src/cluster/manifests';
import { buildableMinors, buildCluster, hasGo, startCluster, stopCluster } from '../../src/cluster/test-cluster';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The minors the suites run at: the oldest and the newest supported target the Go module proxy
 * serves (1.35, 1.37) and the default (1.36); `CLUSTER_MINORS=1.36` narrows them.
 */
export function clusterMinors(): string[] {
  const wanted = (process.env.CLUSTER_MINORS ?? '1.35,1.36,1.37').split(',').map(s => s.trim()).filter(Boolean);
  return wanted.filter(m => buildableMinors().includes(m));
}

/** `describe` when Go is on PATH, else `describe.skip` (test/cluster/_note-without-go.js says so once per run). */
export function describeIfGo(): jest.Describe {
  return hasGo() ? describe : describe.skip;
}

/** The instance the suites start (their own state directory; a person's `npm run cluster` cluster is not touched). */
const SUITE_INSTANCE = 'suite';

/** A client of a fresh cluster of `minor` for the enclosing describe block (started in beforeAll, stopped in afterAll). */
export function useCluster(minor: string): () => KubeClient {
  let client: KubeClient | undefined;
  beforeAll(async () => {
    await stopCluster(minor, SUITE_INSTANCE);
    buildCluster('gatekeeper', line => process.stderr.write(`${line}\n`)); // the suites use Gatekeeper's code too
    client = new KubeClient(await startCluster(minor, { instance: SUITE_INSTANCE, log: line => process.stderr.write(`${line}\n`) }));
  }, 20 * 60_000); // a cold build of the binary takes minutes
  afterAll(async () => {
    client?.close();
    await stopCluster(minor, SUITE_INSTANCE);
  }, 60_000);
  return () => {
    if (!client) throw new Error('the cluster did not start');
    return client;
  };
}

/** Objects as manifest objects (file unknown). */
export function asManifests(objects: readonly KubeJson[], file = '<synthesized>'): ManifestObject[] {
  return objects.map(object => ({ object: JSON.parse(JSON.stringify(object)) as KubeJson, file }));
}

/** Applies objects in the safe order and returns the verdicts; the rejected ones as lines. */
export async function applyAll(client: KubeClient, objects: readonly ManifestObject[]): Promise<{ verdicts: ApplyVerdict[]; rejected: string[] }> {
  const verdicts = await applyObjects(client, objects);
  return { verdicts, rejected: verdicts.filter(v => !v.accepted).map(verdictLine) };
}

/** The CRDs a blueprint needs: Istio, Gatekeeper (its own CRDs, not the match reference), Gateway API, Sigstore policy-controller and Kyverno, copied from ../shared/crds. */
export function fixtureCrds(): ManifestObject[] {
  const dir = path.join(ROOT, 'test', 'fixtures', 'crds');
  return ['istio', 'gatekeeper', 'gateway-api', 'sigstore', 'kyverno'].flatMap(group => readManifests(path.join(dir, group))
    .filter(m => !m.file.startsWith('reference/'))
    .map(m => ({ ...m, file: `${group}/${m.file}` })));
}

/** A server-side dry-run CREATE of `object` (all admission runs, nothing is stored). */
export async function dryRunCreate(client: KubeClient, object: KubeJson): Promise<KubeResponse> {
  const resource = await client.resourceOf(String(object.apiVersion), String(object.kind));
  if (!resource) throw new Error(`no resource for ${object.apiVersion} ${object.kind}`);
  return client.request('POST', `${client.pathOf(resource, object.metadata?.namespace)}?dryRun=All&fieldValidation=Strict`, object);
}

/** The server's verdict on a dry-run create: `admitted`, or the message. */
export async function admission(client: KubeClient, object: KubeJson): Promise<{ admitted: boolean; message: string }> {
  const r = await dryRunCreate(client, object);
  return { admitted: r.status === 201 || r.status === 200, message: r.status < 300 ? '' : statusMessage(r) };
}

/** Polls `check` every 200 ms until it returns a value, or throws `what` after `timeoutMs`. */
export async function eventually<T>(what: () => string | Promise<string>, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${await what()} (after ${timeoutMs / 1000} s)`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** The Pods of a namespace. */
export async function podsIn(client: KubeClient, namespace: string): Promise<KubeJson[]> {
  return (await client.get<{ items: KubeJson[] }>(`/api/v1/namespaces/${namespace}/pods`)).items;
}

/** Warning events of a namespace, `reason: message` (FailedCreate and the like). */
export async function warningEvents(client: KubeClient, namespace: string): Promise<string[]> {
  const events = (await client.get<{ items: { type: string; reason: string; message: string; involvedObject: { kind: string; name: string } }[] }>(`/api/v1/namespaces/${namespace}/events`)).items;
  return events.filter(e => e.type === 'Warning').map(e => `${e.involvedObject.kind} ${namespace}/${e.involvedObject.name} ${e.reason}: ${e.message}`);
}

/** The Job `kubectl create job --from=cronjob/NAME` creates: the CronJob's job template, owned by it, marked manual. */
export function jobFromCronJob(cronJob: KubeJson & { spec: { jobTemplate: { metadata?: Record<string, unknown>; spec: unknown } }; metadata: { uid?: string } }, name: string): KubeJson {
  const template = cronJob.spec.jobTemplate;
  const meta = (template.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name, namespace: cronJob.metadata.namespace,
      labels: meta.labels ?? {},
      annotations: { ...(meta.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: String(cronJob.metadata.name), uid: String(cronJob.metadata.uid), controller: true, blockOwnerDeletion: true }],
    },
    spec: template.spec,
  };
}

/** Runs examples/storefront/main.ts with 'cdk8s-hardened' pointing at this repository, and returns its dist/ objects. */
export function synthStorefront(): ManifestObject[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'storefront-'));
  try {
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'storefront', 'main.ts'), 'utf8')
      .replace(/outdir: 'dist'/g, `outdir: ${JSON.stringify(path.join(work, 'dist'))}`)
      .replace(/(from ['"])cdk8s-hardened(['"])/g, `$1${path.join(ROOT, 'src', 'index')}$2`);
    if (!source.includes(path.join(work, 'dist'))) throw new Error('examples/storefront/main.ts no longer writes to outdir: \'dist\'');
    const js = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
    const mod = { exports: {} };
    new Function('require', 'module', 'exports', js)(require, mod, mod.exports);
    return readManifests(path.join(work, 'dist'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

