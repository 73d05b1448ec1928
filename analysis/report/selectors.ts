import { asArray, asDict, asString, stringMap } from './read';

/** One `matchExpressions` requirement of a Kubernetes `LabelSelector`. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/**
 * A parsed Kubernetes `LabelSelector`. The empty selector (`{}`) selects everything.
 * `invalid` carries the reasons a selector could not be fully understood; an invalid
 * selector selects nothing (the API server would have rejected it).
 */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
  readonly invalid: readonly string[];
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Parses a `LabelSelector` object. Returns `undefined` when `value` is absent (`null` or
 * `undefined`), which callers must distinguish from the empty selector `{}`.
 */
export function parseLabelSelector(value: unknown): LabelSelector | undefined {
  if (value === undefined || value === null) return undefined;
  const d = asDict(value);
  if (!d) return { matchLabels: {}, matchExpressions: [], invalid: ['selector is not an object'] };
  const invalid: string[] = [];
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const raw of asArray(d.matchExpressions) ?? []) {
    const e = asDict(raw);
    const key = asString(e?.key);
    const operator = asString(e?.operator);
    if (!e || key === undefined || operator === undefined || !OPERATORS.has(operator)) {
      invalid.push(`unsupported matchExpression ${JSON.stringify(raw)}`);
      continue;
    }
    const values = (asArray(e.values) ?? []).filter((v): v is string => typeof v === 'string');
    matchExpressions.push({ key, operator: operator as LabelSelectorRequirement['operator'], values });
  }
  return { matchLabels: stringMap(d.matchLabels), matchExpressions, invalid };
}

/** Whether `labels` satisfy `selector` (Kubernetes semantics: all terms ANDed; `{}` matches all). */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  if (selector.invalid.length > 0) return false;
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = has ? labels[req.key] : undefined;
    switch (req.operator) {
      case 'In':
        if (!has || !req.values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && req.values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A short human-readable rendering, e.g. `app=web, tier in (a,b)`; `{}` renders as `*`. */
export function describeSelector(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const k of Object.keys(selector.matchLabels).sort()) parts.push(`${k}=${selector.matchLabels[k]}`);
  for (const r of selector.matchExpressions) {
    switch (r.operator) {
      case 'In':
        parts.push(`${r.key} in (${r.values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${r.key} notin (${r.values.join(',')})`);
        break;
      case 'Exists':
        parts.push(r.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${r.key}`);
        break;
    }
  }
  if (selector.invalid.length > 0) parts.push('<invalid>');
  return parts.length === 0 ? '*' : parts.join(', ');
}
