/** Helpers of the mesh rules: which data-plane mode a namespace of the input runs. Private module. */
import type { KubeObject } from '../../kube-object';
import { apiGroup, asRecord, labelsOf, namespaceOf } from '../_pod';
import type { RuleContext } from '../types';

/** The data-plane mode of a meshed namespace. */
export type MeshMode = 'sidecar' | 'ambient';

/** The uid and gid of the Istio proxy: traffic of processes running as it is not redirected. */
export const PROXY_UID = 1337;

/**
 * The mesh mode of the Namespace named `name` in the input, from its labels as Istio reads them:
 * `istio.io/dataplane-mode=ambient`, else `istio-injection=enabled` or an `istio.io/rev` label
 * (without `istio-injection=disabled`). Undefined when the namespace is not in the input or not meshed.
 */
export function meshModeOf(context: RuleContext, name: string): MeshMode | undefined {
  const ns = context.find('Namespace', '', name);
  if (!ns || apiGroup(ns.apiVersion) !== '') return undefined;
  const labels = labelsOf(asRecord(ns.metadata));
  if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  if (labels['istio-injection'] === 'enabled') return 'sidecar';
  if (labels['istio.io/rev'] !== undefined && labels['istio-injection'] !== 'disabled') return 'sidecar';
  return undefined;
}

/** The mesh mode of the namespace `object` lives in. */
export function meshModeOfObject(context: RuleContext, object: KubeObject): MeshMode | undefined {
  const ns = namespaceOf(object);
  return ns === '' ? undefined : meshModeOf(context, ns);
}

/** The labels of the Namespace named `name` in the input. */
export function namespaceLabels(context: RuleContext, name: string): Readonly<Record<string, string>> {
  return labelsOf(asRecord(context.find('Namespace', '', name)?.metadata));
}
