/**
 * The `exempt` variable: an object excepted in code (a `PolicyException`, an image accepted by
 * tag) is exempt from the matching admission rule by namespace, kind and name, and so are the
 * objects its controller creates (its ReplicaSets or Jobs and their Pods, named after it), in
 * that namespace only. Never by a label or annotation, which anyone creating an object could write.
 */
import type { CelVariable } from './pod-variables';

/** Controllers that name what they create `<owner>-<suffix>`: ReplicaSets (of Deployments) and Jobs (of CronJobs). */
const NAMED_CHILD_KINDS = "['ReplicaSet', 'Job']";

/**
 * True when `object` is, or was created for, an object listed in `variables.params.exemptions`:
 * same namespace, and the same kind and name, or owned by it, or owned by a ReplicaSet/Job named
 * after it.
 */
export const EXEMPT_VARIABLE: CelVariable = {
  name: 'exempt',
  expression: 'has(variables.params.exemptions) && has(object.metadata.namespace) && variables.params.exemptions.exists(e, e.namespace == object.metadata.namespace && ('
    + '(e.kind == object.kind && has(object.metadata.name) && e.name == object.metadata.name)'
    + ' || (has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(o, (o.kind == e.kind && o.name == e.name)'
    + ` || (o.kind in ${NAMED_CHILD_KINDS} && o.name.startsWith(e.name + '-'))))))`,
};

/** Guards a check: exempt objects pass. */
export function guarded(expression: string): string {
  return `variables.exempt || (${expression})`;
}
