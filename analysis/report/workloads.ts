import { objectIndex } from './object-index';
import type { KubeObject } from '../../policy/kube-object';
import { POD_BEARING_KINDS, podBearingKindOf } from '../../policy/pod-bearing-kinds';
import { podSpecContainers, podTemplateOf } from '../../policy/pss/pod-template';
import { asNumber, asString, compareStrings, Dict, dictArray, path, stringMap } from './read';

/** The label every namespace carries implicitly (set by the API server since Kubernetes 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The namespace Kubernetes assumes when `metadata.namespace` is absent. */
export const DEFAULT_NAMESPACE = 'default';

/** Identifies one workload: its kind, namespace and name. */
export interface WorkloadRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One port declared by a container of a workload's pod template. */
export interface ContainerPort {
  readonly container: string;
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** A workload together with what the evaluator and the report read from its pod template. */
export interface WorkloadInfo extends WorkloadRef {
  /** Pod template labels (or the Pod's own labels). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** `serviceAccountName` of the pod template, `default` when absent. */
  readonly serviceAccountName: string;
  /** Container ports of all containers (including init containers). */
  readonly ports: readonly ContainerPort[];
  /** The pod spec as found in the manifest (`{}` when absent). */
  readonly podSpec: Readonly<Record<string, unknown>>;
  /** The object the workload was read from. */
  readonly object: KubeObject;
}

/** A namespace with its labels (declared ones plus the implicit {@link NAMESPACE_NAME_LABEL}). */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Whether a `Namespace` object for it is among the inputs. */
  readonly declared: boolean;
  /** The Namespace object, when declared. */
  readonly object?: KubeObject;
}

/** Whether `kind` is a workload kind: one that runs pods (POD_BEARING_KINDS of the engine, PodTemplate aside). */
export function isWorkloadKind(kind: string): boolean {
  return POD_BEARING_KINDS.some(k => k.kind === kind && k.runsPods);
}

/** `metadata.namespace` of an object, defaulting to {@link DEFAULT_NAMESPACE}. */
export function namespaceOf(obj: KubeObject): string {
  return obj.metadata?.namespace ?? DEFAULT_NAMESPACE;
}

/**
 * Flattens `kind: List` objects (as produced by `kubectl get -o yaml`) into their items;
 * other objects are returned unchanged, in order.
 */
export function flattenObjects(objects: readonly KubeObject[]): readonly KubeObject[] {
  return objectIndex(objects).flat;
}

/** All containers of a pod spec: `initContainers` first, then `containers`, then `ephemeralContainers` (the engine's reader). */
export function allContainers(podSpec: Dict): readonly Dict[] {
  return podSpecContainers(podSpec) as Dict[];
}

/** Compares workload refs by namespace, then name, then kind. */
export function compareWorkloadRefs(a: WorkloadRef, b: WorkloadRef): number {
  return compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name) || compareStrings(a.kind, b.kind);
}

/** A stable string key `namespace/kind/name` for a workload. */
export function workloadKey(w: WorkloadRef): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

/** Reads every workload from `objects`, sorted by namespace, name, kind. */
export function extractWorkloads(objects: readonly KubeObject[]): WorkloadInfo[] {
  const out: WorkloadInfo[] = [];
  for (const obj of flattenObjects(objects)) {
    if (!podBearingKindOf(obj)?.runsPods) continue; // the engine's reader: kind and API group
    const template = podTemplateOf(obj);
    const podSpec = (template?.spec ?? {}) as Dict;
    const ports: ContainerPort[] = [];
    for (const c of [...dictArray(podSpec.initContainers), ...dictArray(podSpec.containers)]) {
      for (const p of dictArray(c.ports)) {
        const containerPort = asNumber(p.containerPort);
        if (containerPort === undefined) continue;
        const name = asString(p.name);
        ports.push({
          container: asString(c.name) ?? '',
          ...(name !== undefined ? { name } : {}),
          containerPort,
          protocol: asString(p.protocol) ?? 'TCP',
        });
      }
    }
    out.push({
      kind: obj.kind,
      namespace: namespaceOf(obj),
      name: obj.metadata?.name ?? '',
      podLabels: stringMap(path(template, 'metadata', 'labels')),
      serviceAccountName: asString(podSpec.serviceAccountName) ?? asString(podSpec.serviceAccount) ?? 'default',
      ports,
      podSpec,
      object: obj,
    });
  }
  return out.sort(compareWorkloadRefs);
}

/**
 * Every namespace mentioned by the inputs (declared `Namespace` objects and the namespaces of
 * namespaced objects), sorted by name, each with the implicit {@link NAMESPACE_NAME_LABEL} added
 * when absent.
 */
export function extractNamespaces(objects: readonly KubeObject[]): NamespaceInfo[] {
  const byName = new Map<string, NamespaceInfo>();
  const flat = flattenObjects(objects);
  for (const obj of flat) {
    if (obj.kind !== 'Namespace' || !obj.metadata?.name) continue;
    const name = obj.metadata.name;
    byName.set(name, {
      name,
      // The API server always sets this label to the namespace name, overriding any declared value.
      labels: { ...(obj.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name },
      declared: true,
      object: obj,
    });
  }
  for (const obj of flat) {
    if (obj.kind === 'Namespace') continue;
    if (!isWorkloadKind(obj.kind) && obj.metadata?.namespace === undefined) continue;
    const name = namespaceOf(obj);
    if (!byName.has(name)) byName.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, declared: false });
  }
  return [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
}
