import type { KubeMetadata, KubeObject } from '../kube-object';
import { podBearingKindOf } from '../pod-bearing-kinds';

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

/**
 * Finds the pod metadata and pod spec of a pod-bearing object.
 *
 * Supported kinds: those of POD_BEARING_KINDS (`policy/pod-bearing-kinds.ts`), from their API groups.
 *
 * @returns the view, or `undefined` when the object is not of a pod-bearing kind or has no pod spec mapping.
 */
export function podTemplateOf(obj: KubeObject): PodTemplateView | undefined {
  const kind = podBearingKindOf(obj);
  if (kind === undefined) {
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

/** Every container of a pod spec: `initContainers`, then `containers`, then `ephemeralContainers` (entries that are not mappings skipped). */
export function podSpecContainers(spec: PlainRecord): PlainRecord[] {
  const out: PlainRecord[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    for (const c of items) {
      const record = asRecord(c);
      if (record !== undefined) out.push(record);
    }
  }
  return out;
}
