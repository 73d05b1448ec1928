/**
 * Applies directories of manifests to an API server in a safe order, with server-side apply and
 * strict field validation, and reports the server's verdict on each object.
 */
import { constraintCrdsOf } from './gatekeeper-crds';
import { KubeClient, statusMessage, type KubeJson } from './kube-client';
import { ApplyPhase, byPhase, describeObject, readManifests, type ManifestObject } from './manifests';

/** The server's verdict on one object. */
export interface ApplyVerdict {
  readonly object: KubeJson;
  /** The manifest it came from, relative to its directory; empty for objects made by this tool. */
  readonly file: string;
  readonly accepted: boolean;
  /** The server's message when it rejected the object. */
  readonly message?: string;
}

/** Options of {@link applyDirectories}. */
export interface ApplyOptions {
  /** Receives one line per object and per step. @default - none */
  readonly log?: (line: string) => void;
  /** How long to wait for a CRD to be established. @default 30 s */
  readonly establishTimeoutMs?: number;
}

/** One `ACCEPTED ...` or `REJECTED ...: message` line. */
export function verdictLine(v: ApplyVerdict): string {
  return v.accepted ? `ACCEPTED ${describeObject(v.object)}` : `REJECTED ${describeObject(v.object)}: ${v.message}`;
}

/**
 * Applies every manifest of each directory, one directory after the other; within a directory:
 * CustomResourceDefinitions and APIServices (then waits until each CRD is established), admission
 * policies and Gatekeeper ConstraintTemplates (then the Constraint CRDs of the templates, see
 * gatekeeper-crds.ts), their bindings and Constraints, Namespaces, the other cluster-scoped
 * objects, everything else.
 */
export async function applyDirectories(client: KubeClient, dirs: readonly string[], options: ApplyOptions = {}): Promise<ApplyVerdict[]> {
  const verdicts: ApplyVerdict[] = [];
  for (const dir of dirs) verdicts.push(...await applyObjects(client, readManifests(dir), options));
  return verdicts;
}

/** Applies objects in the order of {@link applyDirectories}. */
export async function applyObjects(client: KubeClient, objects: readonly ManifestObject[], options: ApplyOptions = {}): Promise<ApplyVerdict[]> {
  const log = options.log ?? (() => undefined);
  const timeout = options.establishTimeoutMs ?? 30_000;
  const verdicts: ApplyVerdict[] = [];
  const phases = byPhase(objects);
  for (const phase of [ApplyPhase.API_DEFINITIONS, ApplyPhase.ADMISSION_POLICIES, ApplyPhase.ADMISSION_BINDINGS, ApplyPhase.NAMESPACES, ApplyPhase.OBJECTS]) {
    const done = await applyAll(client, phase === ApplyPhase.OBJECTS ? await clusterScopedFirst(client, phases[phase]) : phases[phase], log);
    verdicts.push(...done);
    const accepted = done.filter(v => v.accepted).map(v => v.object);
    if (phase === ApplyPhase.API_DEFINITIONS) {
      await establish(client, accepted.filter(o => o.kind === 'CustomResourceDefinition'), timeout);
    } else if (phase === ApplyPhase.ADMISSION_POLICIES) {
      const templates = accepted.filter(o => o.kind === 'ConstraintTemplate');
      if (templates.length > 0) {
        const crds = constraintCrdsOf(templates);
        log(`gatekeeper: no Gatekeeper controller runs here; creating the Constraint CRDs of ${templates.length} ConstraintTemplates as Gatekeeper's controller does (cluster/gatekeeper-crds)`);
        const made = await applyAll(client, crds.map(object => ({ object, file: '' })), log);
        verdicts.push(...made);
        await establish(client, made.filter(v => v.accepted).map(v => v.object), timeout);
      }
      await policiesObserved(client, accepted.filter(o => o.kind === 'ValidatingAdmissionPolicy'), timeout);
    }
  }
  return verdicts;
}

/** Cluster-scoped objects (RuntimeClasses, ClusterRoles, ...) before namespaced ones, each in input order: a Pod's controller may create it at once. */
async function clusterScopedFirst(client: KubeClient, objects: readonly ManifestObject[]): Promise<ManifestObject[]> {
  const scoped = await Promise.all(objects.map(async o => (await client.resourceOf(String(o.object.apiVersion), String(o.object.kind)))?.namespaced ?? true));
  return [...objects.filter((_, i) => !scoped[i]), ...objects.filter((_, i) => scoped[i])];
}

async function applyAll(client: KubeClient, objects: readonly ManifestObject[], log: (line: string) => void): Promise<ApplyVerdict[]> {
  const out: ApplyVerdict[] = [];
  for (const { object, file } of objects) {
    const r = await client.apply(object);
    const verdict: ApplyVerdict = r.status >= 200 && r.status < 300
      ? { object, file, accepted: true }
      : { object, file, accepted: false, message: statusMessage(r) };
    log(verdictLine(verdict));
    out.push(verdict);
  }
  return out;
}

/** Waits until every CRD has the condition Established=True, then refreshes discovery. */
async function establish(client: KubeClient, crds: readonly KubeJson[], timeoutMs: number): Promise<void> {
  if (crds.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata?.name}`;
    for (;;) {
      const r = await client.request('GET', path);
      const conditions = ((r.body as { status?: { conditions?: { type: string; status: string }[] } })?.status?.conditions) ?? [];
      if (conditions.some(c => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${crd.metadata?.name} is not established after ${timeoutMs / 1000} s`);
      await new Promise(res => setTimeout(res, 100));
    }
  }
  client.refreshDiscovery();
  // discovery lags the Established condition by a moment: wait until it lists every new kind
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    const version = spec.versions.find(v => v.served)!.name;
    while (!(await client.resourceOf(`${spec.group}/${version}`, spec.names.kind))) {
      if (Date.now() > deadline) throw new Error(`discovery does not list ${spec.names.kind}.${spec.group} after ${timeoutMs / 1000} s`);
      await new Promise(res => setTimeout(res, 200));
      client.refreshDiscovery();
    }
  }
}

/**
 * Waits until the API server's policy controller has type-checked every ValidatingAdmissionPolicy
 * (`status.observedGeneration` is its generation): the sign that the server has loaded it.
 */
async function policiesObserved(client: KubeClient, policies: readonly KubeJson[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const p of policies) {
    const version = String(p.apiVersion);
    for (;;) {
      const r = await client.request('GET', `/apis/${version}/validatingadmissionpolicies/${p.metadata?.name}`);
      const body = r.body as { metadata?: { generation?: number }; status?: { observedGeneration?: number } };
      if (r.status === 200 && body.status?.observedGeneration === body.metadata?.generation) break;
      if (Date.now() > deadline) break; // not fatal: the policy applies as soon as the server loads it
      await new Promise(res => setTimeout(res, 100));
    }
  }
}
