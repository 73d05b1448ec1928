/**
 * Public types of the best-practice rule packs: rules beyond the Pod Security Standards, in the
 * style of cdk-nag. A rule is a small pure function over one object (plus a read-only view of all
 * objects), a pack is a named list of rules with stable ids.
 */
import type { KubeObject } from '../kube-object';

/** The benchmark or guide a rule implements. */
export enum ComplianceFramework {
  /** CIS Kubernetes Benchmark v1.11, section 5 "Kubernetes Policies" (numbered as in v1.11 and v1.12: "General Policies" is 5.6). */
  CIS = 'CIS',
  /** NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022); cited by section title, since the guide does not number them. */
  NSA = 'NSA',
  /** Kubernetes documentation; for rules that neither CIS nor NSA/CISA covers. */
  KUBERNETES = 'Kubernetes',
}

/** One item of a benchmark or guide that a rule implements. */
export interface ComplianceReference {
  readonly framework: ComplianceFramework;
  /** CIS recommendation number (`5.1.6`), NSA/CISA section path (`Kubernetes Pod security / Immutable container file systems`) or Kubernetes docs page title. */
  readonly item: string;
  /** The CIS recommendation's title; omitted where {@link item} is a title already. */
  readonly title?: string;
  /** True when the rule covers only part of the item, or checks a manifest for what the item asks of the cluster. */
  readonly partial?: boolean;
}

/** One thing a rule found wrong in one object. */
export interface RuleViolation {
  /** What was found, one line, with specifics (which container, which value). */
  readonly message: string;
  /** JSON-path-like path of the offending (or missing) field, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** What to change; defaults to the rule's {@link Rule.fix}. */
  readonly fix?: string;
}

/** The outcome of one rule on one object. */
export type RuleResult =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'non-compliant'; readonly violations: readonly RuleViolation[] };

/** The result of a rule that judged the object and found nothing wrong. */
export const COMPLIANT: RuleResult = Object.freeze({ status: 'compliant' });
/** The result of a rule that does not apply to the object (another kind, no pod spec). */
export const NOT_APPLICABLE: RuleResult = Object.freeze({ status: 'not-applicable' });

/** A non-compliant result, or {@link COMPLIANT} when `violations` is empty. */
export function judge(violations: readonly RuleViolation[]): RuleResult {
  return violations.length === 0 ? COMPLIANT : { status: 'non-compliant', violations };
}

/**
 * The read-only view of every object of the input that a rule may consult, e.g. a namespace's
 * NetworkPolicies or the PodDisruptionBudgets next to a Deployment. Namespaced lookups use
 * `metadata.namespace` as written; an object without one is filed under `""`.
 */
export interface RuleContext {
  /** Every object of the input, in input order. */
  readonly objects: readonly KubeObject[];
  /** The objects of `kind` (any API group) in `namespace` (`""` for cluster-scoped or unset), in input order. */
  objectsOf(kind: string, namespace: string): readonly KubeObject[];
  /** The object of `kind` named `name` in `namespace`, if any (the first, if there are several). */
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
  /**
   * A value computed once per run and shared by every evaluation of the run (e.g. an index a
   * rule builds over the context). `key` should start with the rule id.
   */
  memo<T>(key: string, compute: () => T): T;
}

/**
 * What a finding does: an `error` fails synth (and `check`) unless an exception covers it; a
 * `warning` is reported and never fails anything.
 */
export type Severity = 'error' | 'warning';

/** A best-practice rule. Rules are pure: they never modify the object or the context. */
export interface Rule {
  /** Stable id, `HARDENED-<n>`; never reused, never derived from a file name. */
  readonly id: string;
  /** Whether a finding of this rule is an error or a warning; the rule decides, not its caller. */
  readonly severity: Severity;
  /** Short kebab-case name, e.g. `image-digest`. */
  readonly name: string;
  /** What the rule requires, one line (for docs and listings). */
  readonly summary: string;
  /** Why it matters: the risk a violation leaves open. */
  readonly explanation: string;
  /** The general fix; a violation may give a more specific one. */
  readonly fix: string;
  /** The objects the rule judges, in words (for docs). */
  readonly appliesTo: string;
  /** The CIS / NSA-CISA items the rule implements. */
  readonly references: readonly ComplianceReference[];
  /** Judges one object. May throw; the runner reports a crash as a finding. */
  evaluate(object: KubeObject, context: RuleContext): RuleResult;
  /**
   * The admission form of a rule that one pod-bearing object decides, next to {@link evaluate}:
   * the admission layer turns it into a ValidatingAdmissionPolicy and a Gatekeeper
   * ConstraintTemplate.
   * @default - no admission form (the rule needs other objects, or must not run at admission)
   */
  readonly admission?: RuleAdmissionForm;
}

/** The admission form of a rule (see {@link Rule.admission}). */
export interface RuleAdmissionForm {
  /**
   * CEL over `object` and the pod variables of `policy/admission` (`variables.podSpec`,
   * `variables.containers`, ...), true when the object passes; only the CEL of Kubernetes 1.28
   * (no optional syntax, no `quantity()`).
   */
  readonly cel: string;
  /** Where the admission form knowingly differs from `evaluate`, for the docs. */
  readonly differences?: string;
}

/** A named list of rules. */
export interface RulePack {
  /** Short name, e.g. `hardened`. */
  readonly name: string;
  readonly rules: readonly Rule[];
}

/** One finding of {@link runRulePacks}: a violation, or a crashed rule, on one input object. */
export interface RuleFinding {
  /** The rule id, e.g. `HARDENED-3`. */
  readonly rule: string;
  /** The rule's severity (a crash is always an `error`). */
  readonly severity: Severity;
  /** What was found (`rule crashed: ...` when the rule threw). */
  readonly message: string;
  /** Path of the offending field in the object (`""` when a rule crashed). */
  readonly path: string;
  /** Why it matters (the rule's explanation). */
  readonly explanation: string;
  /** What to change. */
  readonly fix: string;
  /** Index of the object in the input array. */
  readonly objectIndex: number;
}
