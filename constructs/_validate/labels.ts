import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';
import { isQualifiedName } from './names';

// Label keys and values (apimachinery ValidateLabels: qualified-name keys, values of at most 63
// characters).

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What is wrong with one label, as the API server judges it: the bad value (the key or the value), the problem and the fix. */
export function labelProblem(key: string, value: unknown): { readonly value: unknown; readonly problem: string; readonly fix: string } | undefined {
  if (!isQualifiedName(key)) {
    return { value: key, problem: 'is not a valid label key', fix: 'use an optional DNS subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."' };
  }
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    return { value, problem: 'is not a valid label value', fix: 'use at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric' };
  }
  return undefined;
}

/** Label keys and values, as the API server validates them. */
export function labels(scope: IConstruct, field: string, value: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) {
    const problem = labelProblem(key, value[key]);
    if (problem) throw new HardenedInputError(scope, `${field}[${JSON.stringify(key)}]`, problem.value, problem.problem, problem.fix);
    out[key] = value[key];
  }
  return out;
}
