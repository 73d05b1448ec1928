/**
 * The one table of the Kubernetes kinds that carry a pod (a Pod, or a pod template): where each
 * keeps its pod template, its API group (and the legacy groups it was once served from), version
 * and resource. The Pod Security checker, the admission policies, the report and the diff read it.
 */
import type { KubeObject } from './kube-object';

/** One pod-bearing kind. */
export interface PodBearingKind {
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Its API group (`""` for core), as the API server serves it today. */
  readonly group: string;
  /** Groups it was served from before (`extensions`), still read from old manifests. */
  readonly legacyGroups: readonly string[];
  /** Its API version. */
  readonly version: string;
  /** Its resource (plural), e.g. `deployments`. */
  readonly resource: string;
  /** The path of the pod template in the object (empty for a Pod, whose spec is the pod's). */
  readonly templatePath: readonly string[];
  /** Whether it runs pods itself (every kind but PodTemplate, which only holds one). */
  readonly runsPods: boolean;
}

const TEMPLATE = ['spec', 'template'] as const;

/** Pods and every kind that carries a pod template, core kinds first. */
export const POD_BEARING_KINDS: readonly PodBearingKind[] = [
  { kind: 'Pod', group: '', legacyGroups: [], version: 'v1', resource: 'pods', templatePath: [], runsPods: true },
  { kind: 'PodTemplate', group: '', legacyGroups: [], version: 'v1', resource: 'podtemplates', templatePath: ['template'], runsPods: false },
  { kind: 'ReplicationController', group: '', legacyGroups: [], version: 'v1', resource: 'replicationcontrollers', templatePath: TEMPLATE, runsPods: true },
  { kind: 'ReplicaSet', group: 'apps', legacyGroups: ['extensions'], version: 'v1', resource: 'replicasets', templatePath: TEMPLATE, runsPods: true },
  { kind: 'Deployment', group: 'apps', legacyGroups: ['extensions'], version: 'v1', resource: 'deployments', templatePath: TEMPLATE, runsPods: true },
  { kind: 'StatefulSet', group: 'apps', legacyGroups: [], version: 'v1', resource: 'statefulsets', templatePath: TEMPLATE, runsPods: true },
  { kind: 'DaemonSet', group: 'apps', legacyGroups: ['extensions'], version: 'v1', resource: 'daemonsets', templatePath: TEMPLATE, runsPods: true },
  { kind: 'Job', group: 'batch', legacyGroups: [], version: 'v1', resource: 'jobs', templatePath: TEMPLATE, runsPods: true },
  { kind: 'CronJob', group: 'batch', legacyGroups: [], version: 'v1', resource: 'cronjobs', templatePath: ['spec', 'jobTemplate', 'spec', 'template'], runsPods: true },
];

const BY_KIND = new Map(POD_BEARING_KINDS.map(k => [k.kind, k]));

/** The API group of an `apiVersion` (`""` for `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The pod-bearing kind of `object`, when its kind and API group are one of the table's. */
export function podBearingKindOf(object: Pick<KubeObject, 'kind' | 'apiVersion'>): PodBearingKind | undefined {
  const kind = typeof object.kind === 'string' ? BY_KIND.get(object.kind) : undefined;
  if (kind === undefined || typeof object.apiVersion !== 'string') return undefined;
  const group = apiGroupOf(object.apiVersion);
  return group === kind.group || kind.legacyGroups.includes(group) ? kind : undefined;
}
