/**
 * The variables of one generated policy: the rule's parameters (for a ValidatingAdmissionPolicy,
 * as a CEL literal; Gatekeeper provides `variables.params` from the Constraint), the pod
 * variables and `exempt`.
 */
import { EXEMPT_VARIABLE, exemptionParameter } from './exemptions';
import { POD_VARIABLES, type CelVariable } from './pod-variables';
import type { AdmissionExemption, AdmissionRule } from './types';

/** A JSON value as a CEL literal; map values are wrapped in `dyn()` so that maps may mix value types. */
export function celLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as CEL`);
    return Number.isInteger(value) ? String(value) : String(value).includes('.') ? String(value) : `${value}.0`;
  }
  if (Array.isArray(value)) return `[${value.map(celLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${celLiteral(k)}: dyn(${celLiteral(v)})`).join(', ')}}`;
  }
  throw new Error(`cannot write a ${typeof value} as CEL`);
}

/** The parameters of `rule` with its exemptions, as Gatekeeper Constraint `spec.parameters` and the VAP `params` variable hold them. */
export function ruleParameters(rule: AdmissionRule, exemptions: readonly AdmissionExemption[]): Record<string, unknown> {
  return { ...rule.parameters, exemptions: exemptions.map(exemptionParameter) };
}

/** The variables of a ValidatingAdmissionPolicy for `rule`: `params` (a literal), the pod variables, `exempt`, the rule's own. */
export function validatingPolicyVariables(rule: AdmissionRule, exemptions: readonly AdmissionExemption[]): CelVariable[] {
  return [{ name: 'params', expression: celLiteral(ruleParameters(rule, exemptions)) }, ...POD_VARIABLES, EXEMPT_VARIABLE, ...(rule.variables ?? [])];
}

/** The variables of a Gatekeeper ConstraintTemplate's CEL: the pod variables, `exempt` and the rule's own (Gatekeeper provides `variables.params`). */
export function gatekeeperVariables(rule?: AdmissionRule): CelVariable[] {
  return [...POD_VARIABLES, EXEMPT_VARIABLE, ...(rule?.variables ?? [])];
}
