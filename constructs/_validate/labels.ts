import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';
import { isQualifiedName } from './names';

// Label keys and values (apimachinery ValidateLabels: qualified-name keys, values of at most 63
// characters).

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Label keys and values, as the API server validates them. */
export function labels(scope: IConstruct, field: string, value: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) {
    if (!isQualifiedName(key)) {
      throw new HardenedInputError(scope, `${field}[${JSON.stringify(key)}]`, key, 'is not a valid label key',
        'use an optional DNS subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."');
    }
    const v = value[key];
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      throw new HardenedInputError(scope, `${field}[${JSON.stringify(key)}]`, v, 'is not a valid label value',
        'use at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric');
    }
    out[key] = v;
  }
  return out;
}
