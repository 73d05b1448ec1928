/**
 * The CEL variables every admission policy declares, so that one expression judges a Pod and the
 * pod template of every pod-bearing kind alike. The checks' CEL (in `policy/pss/checks/*.ts` and
 * the rule files) reads only these variables (and `variables.params`, `variables.exempt`).
 */

/** A named CEL expression, as in `spec.variables` of a ValidatingAdmissionPolicy. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

const TEMPLATE = (holder: string) => `(has(${holder}.metadata) ? ${holder}.metadata : {})`;

/**
 * The pod variables, in dependency order: `podSpec`, `podMeta`, `annotations`, `podSc`,
 * `containers` (init, regular, ephemeral), `isWindows`, `hostUsersFalse`, `specUnchanged` (an
 * update that leaves the pod spec or pod template as it was).
 */
export const POD_VARIABLES: readonly CelVariable[] = [
  {
    name: 'podSpec',
    expression: "object.kind == 'Pod' ? object.spec"
      + " : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec"
      + " : object.kind == 'PodTemplate' ? object.template.spec"
      + ' : object.spec.template.spec',
  },
  {
    name: 'podMeta',
    expression: "object.kind == 'Pod' ? object.metadata"
      + ` : object.kind == 'CronJob' ? ${TEMPLATE('object.spec.jobTemplate.spec.template')}`
      + ` : object.kind == 'PodTemplate' ? ${TEMPLATE('object.template')}`
      + ` : ${TEMPLATE('object.spec.template')}`,
  },
  { name: 'annotations', expression: 'has(variables.podMeta.annotations) ? variables.podMeta.annotations : {}' },
  { name: 'podSc', expression: 'has(variables.podSpec.securityContext) ? variables.podSpec.securityContext : {}' },
  {
    name: 'containers',
    expression: ['initContainers', 'containers', 'ephemeralContainers']
      .map(list => `(has(variables.podSpec.${list}) ? variables.podSpec.${list} : [])`).join(' + '),
  },
  { name: 'isWindows', expression: "has(variables.podSpec.os) && has(variables.podSpec.os.name) && variables.podSpec.os.name == 'windows'" },
  { name: 'hostUsersFalse', expression: 'has(variables.podSpec.hostUsers) && variables.podSpec.hostUsers == false' },
  // an update that leaves the pod spec (of a Pod) or the pod template (of the other kinds) as it
  // was is not judged again: like Pod Security Admission for Pods, and so that controllers keep
  // working on workloads admitted before a policy denied (the ReplicaSet replicas the Deployment
  // controller sets, the finalizer the garbage collector removes, labels, owner references)
  {
    name: 'specUnchanged',
    expression: 'oldObject != null && ('
      + "object.kind == 'Pod' ? has(oldObject.spec) && oldObject.spec == object.spec"
      + " : object.kind == 'CronJob' ? has(oldObject.spec) && has(oldObject.spec.jobTemplate) && oldObject.spec.jobTemplate == object.spec.jobTemplate"
      + " : object.kind == 'PodTemplate' ? has(oldObject.template) && oldObject.template == object.template"
      + ' : has(oldObject.spec) && has(oldObject.spec.template) && oldObject.spec.template == object.spec.template)',
  },
];
