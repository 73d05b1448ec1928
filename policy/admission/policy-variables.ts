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
    // a double CEL reads as one: 1.5, 6e-323 (an exponent needs no point), never 6e-323.0
    return Number.isInteger(value) || /[.eE]/.test(String(value)) ? String(value) : `${value}.0`;
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

/**
 * Reads back what {@link celLiteral} writes (null, booleans, numbers, single-quoted strings,
 * lists, maps with `dyn(...)` values), e.g. a ValidatingAdmissionPolicy's `params` variable, for
 * the report. Anything else is an error: this is not a CEL parser.
 */
export function parseCelLiteral(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`not a CEL literal of ours at ${i}: ${what} in ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`);
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const eat = (token: string): boolean => {
    space();
    if (text.startsWith(token, i)) {
      i += token.length;
      return true;
    }
    return false;
  };
  const string = (): string => {
    let out = '';
    for (i++; i < text.length && text[i] !== "'"; i++) {
      if (text[i] !== '\\') {
        out += text[i];
        continue;
      }
      const next = text[++i];
      out += next === 'n' ? '\n' : next;
    }
    if (text[i] !== "'") fail('an unterminated string');
    i++;
    return out;
  };
  const value = (): unknown => {
    space();
    if (eat('dyn(')) {
      const v = value();
      if (!eat(')')) fail('a missing ")"');
      return v;
    }
    if (text[i] === "'") return string();
    if (eat('null')) return null;
    if (eat('true')) return true;
    if (eat('false')) return false;
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      return Number(number[0]);
    }
    if (eat('[')) {
      const list: unknown[] = [];
      if (eat(']')) return list;
      do list.push(value()); while (eat(','));
      if (!eat(']')) fail('a missing "]"');
      return list;
    }
    if (eat('{')) {
      const map: Record<string, unknown> = {};
      if (eat('}')) return map;
      do {
        space();
        if (text[i] !== "'") fail('a map key that is not a string');
        const key = string();
        if (!eat(':')) fail('a missing ":"');
        map[key] = value();
      } while (eat(','));
      if (!eat('}')) fail('a missing "}"');
      return map;
    }
    return fail('an unexpected token');
  };
  const v = value();
  space();
  if (i !== text.length) fail('trailing text');
  return v;
}
