/**
 * Admission, simulated from the generated objects themselves: which ValidatingAdmissionPolicy
 * (through its Binding) and which Gatekeeper Constraint (through its ConstraintTemplate) match a
 * request for an object, and what their CEL says, evaluated by the real CEL engine.
 */
import type { KubeObject } from '../../policy/kube-object';
import { POD_BEARING_KINDS } from '../../policy';
import { compilePolicy, type CompiledPolicy } from './_cel-engine';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One policy's answer for one object. */
export interface Verdict {
  readonly engine: 'ValidatingAdmissionPolicy' | 'Gatekeeper';
  readonly rule: string;
  /** What the engine does with a violation: VAP validationActions, Gatekeeper enforcementAction. */
  readonly actions: readonly string[];
  readonly denials: readonly string[];
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function selectorMatches(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** The admission objects of a synthesis, compiled once. */
export class AdmissionSimulator {
  private readonly vaps: { rule: string; policy: Json; bindings: Json[]; compiled: CompiledPolicy }[] = [];
  private readonly constraints: { rule: string; constraint: Json; compiled: CompiledPolicy }[] = [];

  constructor(objects: readonly KubeObject[]) {
    const all = objects as readonly Json[];
    for (const vap of all.filter(o => o.kind === 'ValidatingAdmissionPolicy')) {
      const bindings = all.filter(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.spec.policyName === vap.metadata.name);
      this.vaps.push({ rule: vap.metadata.labels['cdk8s-hardened.io/rule'], policy: vap, bindings, compiled: compilePolicy(vap.spec.variables ?? [], vap.spec.validations) });
    }
    for (const template of all.filter(o => o.kind === 'ConstraintTemplate')) {
      const kind = template.spec.crd.spec.names.kind;
      const code = template.spec.targets[0].code.find((c: Json) => c.engine === 'K8sNativeValidation');
      const compiled = compilePolicy(code.source.variables ?? [], code.source.validations);
      for (const constraint of all.filter(o => o.kind === kind)) {
        this.constraints.push({ rule: constraint.metadata.labels['cdk8s-hardened.io/rule'], constraint, compiled });
      }
    }
  }

  /** Counts of what was compiled. */
  public get size(): { policies: number; bindings: number; constraints: number } {
    return { policies: this.vaps.length, bindings: this.vaps.reduce((n, v) => n + v.bindings.length, 0), constraints: this.constraints.length };
  }

  /** Every matching policy's verdict on a CREATE of `object` (an UPDATE from `oldObject`) in a namespace with `namespaceLabels`. */
  public review(object: KubeObject, namespaceLabels?: Record<string, string>, oldObject: KubeObject | null = null): Verdict[] {
    const operation = oldObject === null ? 'CREATE' : 'UPDATE';
    const group = groupOf(object.apiVersion);
    const kind = POD_BEARING_KINDS.find(k => k.kind === object.kind && k.group === group);
    const namespace = object.metadata?.namespace ?? '';
    const nsLabels = namespaceLabels ?? { 'kubernetes.io/metadata.name': namespace };
    const out: Verdict[] = [];
    for (const { rule, policy, bindings, compiled } of this.vaps) {
      const matched = kind !== undefined && (policy.spec.matchConstraints.resourceRules as Json[]).some(r =>
        r.apiGroups.includes(group) && r.resources.includes(kind.resource) && r.operations.includes(operation));
      if (!matched) continue;
      for (const b of bindings) {
        if (!selectorMatches(b.spec.matchResources?.namespaceSelector, nsLabels)) continue;
        out.push({ engine: 'ValidatingAdmissionPolicy', rule, actions: b.spec.validationActions, denials: compiled.denials(object, {}, oldObject) });
      }
    }
    for (const { rule, constraint, compiled } of this.constraints) {
      const match = constraint.spec.match;
      const kindOk = (match.kinds as Json[]).some(k => k.apiGroups.includes(group) && k.kinds.includes(object.kind));
      if (!kindOk || (match.excludedNamespaces ?? []).includes(namespace)) continue;
      out.push({ engine: 'Gatekeeper', rule, actions: [constraint.spec.enforcementAction], denials: compiled.denials(object, { params: constraint.spec.parameters ?? {} }, oldObject) });
    }
    return out;
  }
}

/**
 * The objects a workload's controllers create, as the API server sees them: a Deployment's
 * ReplicaSet and Pod, a StatefulSet's or DaemonSet's Pod, a CronJob's Job and Pod, a Job's Pod.
 */
export function controllerCreated(object: KubeObject): KubeObject[] {
  const o = object as Json;
  const ns = o.metadata?.namespace;
  const podFrom = (template: Json, name: string, owner: { kind: string; name: string }): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { ...(template.metadata ?? {}), name, namespace: ns, ownerReferences: [{ apiVersion: owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] },
    spec: { ...template.spec },
  });
  switch (o.kind) {
    case 'Deployment': {
      const rs = `${o.metadata.name}-5d4f8c7b9`;
      return [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: rs, namespace: ns, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: o.metadata.name, uid: 'u', controller: true }] }, spec: { selector: o.spec.selector, template: o.spec.template } },
        podFrom(o.spec.template, `${rs}-x2x4q`, { kind: 'ReplicaSet', name: rs }),
      ];
    }
    case 'StatefulSet': return [podFrom(o.spec.template, `${o.metadata.name}-0`, { kind: 'StatefulSet', name: o.metadata.name })];
    case 'DaemonSet': return [podFrom(o.spec.template, `${o.metadata.name}-abcde`, { kind: 'DaemonSet', name: o.metadata.name })];
    case 'Job': return [podFrom(o.spec.template, `${o.metadata.name}-abcde`, { kind: 'Job', name: o.metadata.name })];
    case 'CronJob': {
      const job = `${o.metadata.name}-28930000`;
      return [
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace: ns, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: o.metadata.name, uid: 'u', controller: true }] }, spec: o.spec.jobTemplate.spec },
        podFrom(o.spec.jobTemplate.spec.template, `${job}-abcde`, { kind: 'Job', name: job }),
      ];
    }
    default: return [];
  }
}
