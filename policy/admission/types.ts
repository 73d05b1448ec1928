/** Public types of the admission forms of the rules. */
import type { KubeObject } from '../kube-object';
import type { CelVariable } from './pod-variables';

/** One CEL validation of an admission rule: true admits, false denies with `message`. */
export interface AdmissionValidation {
  /** CEL over `object`, the pod variables (`POD_VARIABLES`), `variables.params` and `variables.exempt`. */
  readonly expression: string;
  /** Why the object is denied. */
  readonly message: string;
}

/** Where an admission rule comes from. */
export enum AdmissionRuleSource {
  /** A Pod Security Standards check, at one level and version. */
  POD_SECURITY = 'pod-security',
  /** A rule of the `hardened` pack that one object decides. */
  HARDENED = 'hardened',
  /** A parameterized admission rule (allowed host paths, capabilities, registries). */
  PARAMETERIZED = 'parameterized',
}

/** A JSON schema (the subset that structural CRD schemas use). */
export interface ParameterSchema {
  readonly type: 'object' | 'array' | 'string' | 'boolean' | 'integer';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, ParameterSchema>>;
  readonly items?: ParameterSchema;
  readonly required?: readonly string[];
}

/** One object exempt from one admission rule: the namespace, kind and name of an excepted object. */
export interface AdmissionExemption {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * The admission form of one rule: what the layer turns into a ValidatingAdmissionPolicy and a
 * Gatekeeper ConstraintTemplate. Every object of the rule carries label
 * `cdk8s-hardened.io/rule: <id>`.
 */
export interface AdmissionRule {
  /** The rule id: the Pod Security check id (`runAsNonRoot`) or `HARDENED-n`, or the parameterized rule's id. */
  readonly id: string;
  readonly source: AdmissionRuleSource;
  /** One line: what the rule requires. */
  readonly description: string;
  /** The validations, each already guarded by `variables.exempt`. */
  readonly validations: readonly AdmissionValidation[];
  /** The rule's own CEL variables, evaluated after the pod variables and `exempt` (e.g. a value its validation reads many times). */
  readonly variables?: readonly CelVariable[];
  /** The schema of the rule's own parameters (beyond `exemptions`), if any. */
  readonly parameterSchema?: Readonly<Record<string, ParameterSchema>>;
  /** The rule's own parameter values (beyond `exemptions`). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /**
   * The synth-time form with the same parameters: true when `object` passes. The tests prove it
   * equal to the CEL on every fixture.
   */
  admits(object: KubeObject): boolean;
}
