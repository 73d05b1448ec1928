import type { KubeObject } from '../kube-object';
import type { RuleContext } from './types';

function namespaceOf(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  return typeof ns === 'string' ? ns : '';
}

/**
 * Builds the context of one run over `objects`: indexes by kind and namespace, built once, so
 * rules that relate objects stay linear in the input size.
 */
export function createRuleContext(objects: readonly KubeObject[]): RuleContext {
  const byKindNs = new Map<string, KubeObject[]>();
  const byName = new Map<string, KubeObject>();
  for (const object of objects) {
    if (object === null || typeof object !== 'object' || typeof object.kind !== 'string') continue;
    const key = `${object.kind}\0${namespaceOf(object)}`;
    let list = byKindNs.get(key);
    if (!list) byKindNs.set(key, (list = []));
    list.push(object);
    const name = object.metadata?.name;
    if (typeof name === 'string' && !byName.has(`${key}\0${name}`)) byName.set(`${key}\0${name}`, object);
  }
  const memos = new Map<string, unknown>();
  const empty: readonly KubeObject[] = Object.freeze([]);
  return {
    objects,
    objectsOf: (kind, namespace) => byKindNs.get(`${kind}\0${namespace}`) ?? empty,
    find: (kind, namespace, name) => byName.get(`${kind}\0${namespace}\0${name}`),
    memo<T>(key: string, compute: () => T): T {
      if (!memos.has(key)) memos.set(key, compute());
      return memos.get(key) as T;
    },
  };
}
