/** Helpers shared by the rules that read pod specs. Private module. */
import type { KubeObject } from '../kube-object';
import { podTemplateOf, type PlainRecord, type PodTemplateView } from '../pss';
import { asRecord } from '../pss/pod-template';

export { asRecord, type PlainRecord, type PodTemplateView };

/** The container lists of a pod spec. */
export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One container, with where it is. */
export interface ContainerEntry {
  readonly container: PlainRecord;
  readonly list: ContainerList;
  readonly index: number;
  /** Its name, or `#<index>` when it has none. */
  readonly name: string;
  /** Path in the original object, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** True for an init container with `restartPolicy: Always` (a native sidecar, Kubernetes 1.28+). */
  readonly sidecar: boolean;
}

/** The pod view of a pod-bearing object (Pod, Deployment, StatefulSet, Job, ...), if it is one. */
export function podOf(object: KubeObject): PodTemplateView | undefined {
  return podTemplateOf(object);
}

/** The containers of the given lists, in the order of `lists`, then index. */
export function containersOf(pod: PodTemplateView, lists: readonly ContainerList[]): ContainerEntry[] {
  const out: ContainerEntry[] = [];
  for (const list of lists) {
    const items = pod.spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => {
      const container = asRecord(item);
      if (!container) return;
      const name = typeof container.name === 'string' && container.name !== '' ? container.name : `#${index}`;
      out.push({
        container, list, index, name,
        path: `${pod.specPath}.${list}[${index}]`,
        sidecar: list === 'initContainers' && container.restartPolicy === 'Always',
      });
    });
  }
  return out;
}

/** `init container "x"`, `container "x"`, `ephemeral container "x"` or `sidecar container "x"`, for messages. */
export function label(c: ContainerEntry): string {
  const what = c.list === 'containers' ? 'container' : c.sidecar ? 'sidecar container' : c.list === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${what} ${JSON.stringify(c.name)}`;
}

/** `metadata.namespace` as written, or `""`. */
export function namespaceOf(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  return typeof ns === 'string' ? ns : '';
}

/** The API group of an apiVersion (`""` for the core group). */
export function apiGroup(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The string labels of a metadata mapping. */
export function labelsOf(metadata: PlainRecord | undefined): Readonly<Record<string, string>> {
  const labels = asRecord(metadata?.labels);
  const out: Record<string, string> = {};
  if (!labels) return out;
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Whether a `metav1.LabelSelector` selects `labels`. An empty selector (`{}`) selects
 * everything; a missing or malformed one selects nothing.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const sel = asRecord(selector);
  if (!sel) return false;
  const matchLabels = asRecord(sel.matchLabels) ?? {};
  for (const [k, v] of Object.entries(matchLabels)) {
    if (labels[k] !== v) return false;
  }
  const expressions = sel.matchExpressions ?? [];
  if (!Array.isArray(expressions)) return false;
  for (const raw of expressions) {
    const e = asRecord(raw);
    if (!e || typeof e.key !== 'string') return false;
    const values = Array.isArray(e.values) ? e.values : [];
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
