import type { KubeMetadata, KubeObject } from '../kube-object';

/** A plain JSON/YAML mapping, read-only. */
export type PlainRecord = Readonly<Record<string, unknown>>;

/** Where the pod metadata and the pod spec of a pod-bearing object live. */
export interface PodTemplateView {
  /** The pod's metadata: the Pod's own, or the pod template's `metadata` (may be absent). */
  readonly metadata: KubeMetadata | undefined;
  /** The `PodSpec` mapping. */
  readonly spec: PlainRecord;
  /** Path of {@link spec} in the original object, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** Path of {@link metadata} in the original object, e.g. `spec.template.metadata`. */
  readonly metadataPath: string;
}

/** Returns `value` if it is a (non-array) mapping, else `undefined`. */
export function asRecord(value: unknown): PlainRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PlainRecord) : undefined;
}

/** API groups each pod-bearing kind may come from ('' is the core group). */
const POD_KINDS: Readonly<Record<string, { readonly groups: readonly string[]; readonly templatePath: readonly string[] }>> = {
  Pod: { groups: [''], templatePath: [] },
  PodTemplate: { groups: [''], templatePath: ['template'] },
  ReplicationController: { groups: [''], templatePath: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], templatePath: ['spec', 'template'] },
  Deployment: { groups: ['apps', 'extensions'], templatePath: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], templatePath: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], templatePath: ['spec', 'template'] },
  Job: { groups: ['batch'], templatePath: ['spec', 'template'] },
  CronJob: { groups: ['batch'], templatePath: ['spec', 'jobTemplate', 'spec', 'template'] },
};

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Finds the pod metadata and pod spec of a pod-bearing object.
 *
 * Supported kinds: `Pod` (`spec`), `PodTemplate` (`template.spec`), `ReplicationController`,
 * `ReplicaSet`, `Deployment`, `StatefulSet`, `DaemonSet`, `Job` (`spec.template.spec`) and
 * `CronJob` (`spec.jobTemplate.spec.template.spec`), from their built-in API groups.
 *
 * @returns the view, or `undefined` when the object is not of a pod-bearing kind or has no pod spec mapping.
 */
export function podTemplateOf(obj: KubeObject): PodTemplateView | undefined {
  const kind = POD_KINDS[obj.kind];
  if (kind === undefined || !Object.prototype.hasOwnProperty.call(POD_KINDS, obj.kind)) {
    return undefined;
  }
  if (typeof obj.apiVersion !== 'string' || !kind.groups.includes(apiGroup(obj.apiVersion))) {
    return undefined;
  }
  let holder: PlainRecord | undefined = obj;
  let prefix = '';
  for (const key of kind.templatePath) {
    holder = asRecord(holder?.[key]);
    prefix += `${key}.`;
  }
  const spec = asRecord(holder?.spec);
  if (holder === undefined || spec === undefined) {
    return undefined;
  }
  return {
    metadata: asRecord(holder.metadata) as KubeMetadata | undefined,
    spec,
    specPath: `${prefix}spec`,
    metadataPath: `${prefix}metadata`,
  };
}
