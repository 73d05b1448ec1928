/**
 * Small, total readers for the untyped parts of a {@link KubeObject}. Every reader returns
 * `undefined` (or an empty value) instead of throwing when the shape is not what Kubernetes
 * would accept, so that report code can judge manifests it did not write.
 */

/** A plain JSON-ish object. */
export type Dict = Readonly<Record<string, unknown>>;

/** The value as an object, or `undefined` when it is not a non-array object. */
export function asDict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

/** The value as an array, or `undefined` when it is not an array. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The value as an array of objects (non-objects dropped); `[]` when absent. */
export function dictArray(value: unknown): readonly Dict[] {
  const arr = asArray(value);
  if (!arr) return [];
  const out: Dict[] = [];
  for (const item of arr) {
    const d = asDict(item);
    if (d) out.push(d);
  }
  return out;
}

/** The value as a string, or `undefined`. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value as a finite number, or `undefined`. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The value as a boolean, or `undefined`. */
export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** The value as a string-to-string map (non-string values dropped); `{}` when absent. */
export function stringMap(value: unknown): Readonly<Record<string, string>> {
  const d = asDict(value);
  const out: Record<string, string> = {};
  if (!d) return out;
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Reads `obj.a.b.c` without throwing. */
export function path(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    const d = asDict(cur);
    if (!d) return undefined;
    cur = d[k];
  }
  return cur;
}

/** Compares two strings by UTF-16 code units (locale-independent, hence deterministic). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
