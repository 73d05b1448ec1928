/**
 * One index of the objects per analysis run: `kind: List` objects flattened once, and the objects
 * by kind and by kind, namespace and name. Memoized on the array (the report and the diff pass the
 * same array to every step of a run), so no step rescans every object for every workload.
 */
import type { KubeObject } from '../../policy/kube-object';
import { dictArray } from './read';

/** The objects of one run, flattened and by kind. */
export interface ObjectIndex {
  /** Every object, `kind: List` objects replaced by their items, in order. */
  readonly flat: readonly KubeObject[];
  /** The objects of `kind`, in order. */
  ofKind(kind: string): readonly KubeObject[];
  /** The object of `kind` named `name` in `namespace` (the default namespace when unset), the first when several. */
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
}

const INDEXES = new WeakMap<readonly KubeObject[], ObjectIndex>();
const NONE: readonly KubeObject[] = [];

/** The index of `objects`, built on first use. */
export function objectIndex(objects: readonly KubeObject[]): ObjectIndex {
  const cached = INDEXES.get(objects);
  if (cached !== undefined) return cached;
  const flat: KubeObject[] = [];
  for (const o of objects) {
    if (o.kind.endsWith('List') && Array.isArray(o.items)) {
      for (const item of dictArray(o.items)) {
        if (typeof item.kind === 'string' && typeof item.apiVersion === 'string') flat.push(item as KubeObject);
      }
    } else {
      flat.push(o);
    }
  }
  const byKind = new Map<string, KubeObject[]>();
  const byName = new Map<string, KubeObject>();
  for (const o of flat) {
    const list = byKind.get(o.kind) ?? [];
    byKind.set(o.kind, list);
    list.push(o);
    const key = `${o.kind}\0${o.metadata?.namespace ?? 'default'}\0${o.metadata?.name ?? ''}`;
    if (!byName.has(key)) byName.set(key, o);
  }
  const index: ObjectIndex = {
    flat,
    ofKind: kind => byKind.get(kind) ?? NONE,
    find: (kind, namespace, name) => byName.get(`${kind}\0${namespace}\0${name}`),
  };
  INDEXES.set(objects, index);
  return index;
}
