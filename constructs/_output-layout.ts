import { ApiObject } from 'cdk8s';
import type { KubeObject } from '../policy/kube-object';
import { SynthValidationError } from './errors';

// Private module: where each rendered object goes (one file per namespace, cluster-scoped objects
// in one file) and in which order, and the checks that a layout is writable.

/**
 * The order of kinds inside every output file: what a cluster needs first comes first
 * (namespace guard rails before anything runs in the namespace, identities and config before
 * the workloads that use them, workloads before what scales or routes to them). Kinds not
 * listed follow, sorted by kind. Inside a kind, objects are sorted by name, then apiVersion.
 * Cluster-scoped and namespaced kinds share the list; each file holds the kinds it has.
 * Gatekeeper ConstraintTemplates come with the API definitions, their constraints (kinds of
 * their own, not listed) last.
 */
export const KIND_ORDER: readonly string[] = [
  // the namespace and its guard rails
  'Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy',
  // identities and configuration
  'ServiceAccount', 'Secret', 'ConfigMap',
  // APIs, storage and scheduling classes
  'CustomResourceDefinition', 'ConstraintTemplate', 'PriorityClass', 'RuntimeClass', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  // access control
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  // workloads and what fronts, protects and scales them
  'Service', 'PodDisruptionBudget', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob',
  'HorizontalPodAutoscaler', 'IngressClass', 'Ingress',
  // the Gateway API: grants first, then the gateway, then its routes
  'ReferenceGrant', 'Gateway', 'HTTPRoute', 'GRPCRoute',
  // admission
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
];

/** Base name of the file that holds the cluster-scoped objects (objects without `metadata.namespace`). */
export const CLUSTER_FILE_BASENAME = 'cluster';

/** One rendered object and the construct that rendered it. */
export interface RenderedObject {
  /** The object as it will be written (plain JSON). */
  readonly object: KubeObject;
  /** The `ApiObject` that rendered it: the typed link back to the construct tree. */
  readonly apiObject: ApiObject;
}

/** A rendered object placed in an output file. */
export interface PlacedObject extends RenderedObject {
  /** The manifest file it is written to, relative to outdir (e.g. `backend.yaml`). */
  readonly file: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

interface SortEntry extends PlacedObject {
  /** '' for the cluster file, so that it sorts first. */
  readonly fileKey: string;
  readonly path: string;
  readonly rank: number;
  readonly kind: string;
  readonly name: string;
  readonly apiVersion: string;
}

/**
 * Places every object in its file and sorts them: by file (cluster file first, then namespaces by
 * name), then {@link KIND_ORDER}, kind, name, apiVersion and construct path.
 * @throws SynthValidationError when a namespace is not a DNS label, would collide with the
 *   cluster file, or two objects have one identity (they would overwrite each other on apply)
 */
export function layOut(rendered: readonly RenderedObject[], extension: string): PlacedObject[] {
  const clusterFile = CLUSTER_FILE_BASENAME + extension;
  const errors: string[] = [];
  const entries: SortEntry[] = [];
  for (const r of rendered) {
    const path = r.apiObject.node.path;
    const namespace = r.object.metadata?.namespace;
    let file = clusterFile;
    if (namespace !== undefined && namespace !== null && namespace !== '') {
      if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace)) {
        errors.push(`[${path}] metadata.namespace: ${JSON.stringify(namespace)} is not a namespace name (a DNS-1123 label). Fix: use at most 63 lowercase letters, digits and "-".`);
        continue;
      }
      file = namespace + extension;
      if (file === clusterFile) {
        errors.push(`[${path}] metadata.namespace: "${namespace}" would share ${clusterFile} with the cluster-scoped objects. Fix: rename the namespace.`);
        continue;
      }
    }
    entries.push({
      ...r, file, path, fileKey: file === clusterFile ? '' : file,
      rank: KIND_RANK.get(r.object.kind) ?? KIND_ORDER.length,
      kind: String(r.object.kind), name: String(r.object.metadata?.name ?? ''), apiVersion: String(r.object.apiVersion),
    });
  }
  if (errors.length > 0) throw new SynthValidationError(errors, 'Synthesis failed with the following errors');
  entries.sort(compareEntries);
  checkDuplicates(entries);
  return entries.map(e => ({ object: e.object, apiObject: e.apiObject, file: e.file }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: SortEntry, b: SortEntry): number {
  return cmp(a.fileKey, b.fileKey) || a.rank - b.rank || cmp(a.kind, b.kind) || cmp(a.name, b.name)
    || cmp(a.apiVersion, b.apiVersion) || cmp(a.path, b.path);
}

/** Two objects with one identity (API group, kind, namespace, name) would overwrite each other on apply. */
function checkDuplicates(sorted: readonly SortEntry[]): void {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const e of sorted) {
    const group = e.apiVersion.includes('/') ? e.apiVersion.slice(0, e.apiVersion.indexOf('/')) : '';
    const key = `${e.file}\0${group}\0${e.kind}\0${e.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(`[${e.path}] metadata.name: ${JSON.stringify(e.name)} names a ${e.kind} of ${e.file} that ${first} also writes, so one would overwrite the other on apply. Fix: give one of them another name (or id), or create the object once.`);
    } else {
      seen.set(key, e.path);
    }
  }
  if (errors.length > 0) throw new SynthValidationError(errors, 'Synthesis failed with the following errors');
}
