/**
 * The `exempt` variable: an object excepted in code (a `PolicyException`, an image accepted by
 * tag) is exempt from the matching admission rule by namespace, kind and name, and so are the
 * objects its controller creates (its ReplicaSets or Jobs and their Pods, named after it), in
 * that namespace only. Never by a label or annotation, which anyone creating an object could write.
 */
import type { CelVariable } from './pod-variables';
import type { AdmissionExemption } from './types';

/** The alphabet of the pod-template-hash a Deployment appends to its ReplicaSets' names (`rand.SafeEncodeString`). */
const POD_TEMPLATE_HASH = '[bcdfghjklmnpqrstvwxz2456789]{1,10}';

/** One exemption as the policies' parameters carry it: the object, and the names of the objects its controller creates that own Pods. */
export interface ExemptionParameter extends AdmissionExemption {
  /** The kind of the intermediate objects (`ReplicaSet` of a Deployment, `Job` of a CronJob), or `""`. */
  readonly childKind: string;
  /** An RE2 pattern for their names (`^web-<pod-template-hash>$`, `^export-<minutes>$`), or `""`. */
  readonly childPattern: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The parameter form of an exemption. */
export function exemptionParameter(e: AdmissionExemption): ExemptionParameter {
  const base = { namespace: e.namespace, kind: e.kind, name: e.name };
  if (e.kind === 'Deployment') return { ...base, childKind: 'ReplicaSet', childPattern: `^${escapeRegExp(e.name)}-${POD_TEMPLATE_HASH}$` };
  if (e.kind === 'CronJob') return { ...base, childKind: 'Job', childPattern: `^${escapeRegExp(e.name)}-[0-9]{1,12}$` };
  return { ...base, childKind: '', childPattern: '' };
}

/**
 * True when `object` is, or was created for, an object listed in `variables.params.exemptions`, in
 * the same namespace: the object itself (kind and name), an object it owns (a StatefulSet's,
 * DaemonSet's or Job's Pods, a Deployment's ReplicaSets, a CronJob's Jobs), or a Pod owned by one of
 * its ReplicaSets or Jobs, recognised by kind and the name pattern its controller gives them.
 */
export const EXEMPT_VARIABLE: CelVariable = {
  name: 'exempt',
  expression: 'has(variables.params.exemptions) && has(object.metadata.namespace) && variables.params.exemptions.exists(e, e.namespace == object.metadata.namespace && ('
    + '(e.kind == object.kind && has(object.metadata.name) && e.name == object.metadata.name)'
    + ' || (has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(o, (o.kind == e.kind && o.name == e.name)'
    + " || (e.childKind != '' && o.kind == e.childKind && o.name.matches(e.childPattern))))))",
};

/** Guards a check: exempt objects pass, and so do updates of a Pod that leave its spec unchanged. */
export function guarded(expression: string): string {
  return `variables.exempt || variables.specUnchanged || (${expression})`;
}
