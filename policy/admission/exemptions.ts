/**
 * The `exempt` variable: an object excepted in code (a `PolicyException`, an image accepted by
 * tag) is exempt from the matching admission rule by namespace, kind and name, and so are the
 * objects its controller creates (its ReplicaSets or Jobs and their Pods, named after it), in
 * that namespace only. Never by a label or annotation, which anyone creating an object could write.
 */
import { POD_BEARING_KINDS } from '../pod-bearing-kinds';
import type { CelVariable } from './pod-variables';
import type { AdmissionExemption } from './types';

/** The alphabet of the pod-template-hash a Deployment appends to its ReplicaSets' names (`rand.SafeEncodeString`). */
const POD_TEMPLATE_HASH = '[bcdfghjklmnpqrstvwxz2456789]{1,10}';

/** One exemption as the policies' parameters carry it: the object, and the names of the objects its controller creates that own Pods. */
export interface ExemptionParameter extends AdmissionExemption {
  /** The excepted object's `apiVersion` (`apps/v1`): an owner reference counts only with it. */
  readonly apiVersion: string;
  /** Whether its controller creates Pods itself (StatefulSet, DaemonSet, Job, ReplicaSet, ReplicationController). */
  readonly podOwner: boolean;
  /** The kind of the intermediate objects (`ReplicaSet` of a Deployment, `Job` of a CronJob), or `""`. */
  readonly childKind: string;
  /** Their `apiVersion`, or `""`. */
  readonly childApiVersion: string;
  /** An RE2 pattern for their names (`^web-<pod-template-hash>$`, `^export-(<minutes>|manual...)$`), or `""`. */
  readonly childPattern: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The `apiVersion` the API server serves a pod-bearing kind at (`apps/v1`, `v1`). */
function apiVersionOf(kind: string): string {
  const k = POD_BEARING_KINDS.find(p => p.kind === kind);
  return k === undefined ? '' : k.group === '' ? k.version : `${k.group}/${k.version}`;
}

const POD_OWNERS = new Set(['StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'ReplicationController']);

/**
 * The parameter form of an exemption. A CronJob's Jobs are named `<name>-<minutes>` by its
 * controller and `<name>-manual[-<suffix>]` by convention when made by hand
 * (`kubectl create job --from=cronjob/<name> <name>-manual`, see docs/admission.md).
 */
export function exemptionParameter(e: AdmissionExemption): ExemptionParameter {
  const base = { namespace: e.namespace, kind: e.kind, name: e.name, apiVersion: apiVersionOf(e.kind), podOwner: POD_OWNERS.has(e.kind) };
  if (e.kind === 'Deployment') return { ...base, childKind: 'ReplicaSet', childApiVersion: 'apps/v1', childPattern: `^${escapeRegExp(e.name)}-${POD_TEMPLATE_HASH}$` };
  if (e.kind === 'CronJob') return { ...base, childKind: 'Job', childApiVersion: 'batch/v1', childPattern: `^${escapeRegExp(e.name)}-([0-9]{1,12}|manual(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?)$` };
  return { ...base, childKind: '', childApiVersion: '', childPattern: '' };
}

/**
 * True when `object` is, or was created for, an object listed in `variables.params.exemptions`, in
 * the same namespace: the object itself (kind and name); what its controller creates directly (a
 * StatefulSet's, DaemonSet's, Job's or ReplicaSet's Pods, a Deployment's ReplicaSets, a CronJob's
 * Jobs); or a Pod of one of its ReplicaSets or Jobs, recognised by kind, API version and the name
 * pattern. An owner reference counts only as the controller reference (`controller: true`) with the
 * owner's real API version: a `ReplicaSet` of `example.com/v1`, or a Pod claiming a CronJob as its
 * owner (no controller creates that), does not.
 */
export const EXEMPT_VARIABLE: CelVariable = {
  name: 'exempt',
  expression: 'has(variables.params.exemptions) && has(object.metadata.namespace) && variables.params.exemptions.exists(e, e.namespace == object.metadata.namespace && ('
    + '(e.kind == object.kind && has(object.metadata.name) && e.name == object.metadata.name)'
    + ' || (has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(o, has(o.controller) && o.controller == true && ('
    + "(o.apiVersion == e.apiVersion && o.kind == e.kind && o.name == e.name && (object.kind == 'Pod' ? e.podOwner : object.kind == e.childKind))"
    + " || (object.kind == 'Pod' && e.childKind != '' && o.apiVersion == e.childApiVersion && o.kind == e.childKind && o.name.matches(e.childPattern)))))))",
};

/** Guards a check: exempt objects pass, and so do updates of a Pod that leave its spec unchanged. */
export function guarded(expression: string): string {
  return `variables.exempt || variables.specUnchanged || (${expression})`;
}
