/**
 * Small builders for the admission (CEL) form of the checks. Private module.
 *
 * The expressions read the variables that `policy/admission` declares in every policy (see
 * `POD_VARIABLES` there): `variables.podSpec`, `variables.podMeta`, `variables.podSc` (the pod
 * securityContext, `{}` when unset), `variables.annotations` (`{}` when unset),
 * `variables.containers` (init, then regular, then ephemeral containers), `variables.isWindows`
 * and `variables.hostUsersFalse`. They use only the CEL of Kubernetes 1.28 (no optional syntax,
 * no `quantity()`), so they run on every version we target.
 */

/** The pod spec of the object under review (Pod, or the pod template of a workload). */
export const POD_SPEC = 'variables.podSpec';
/** The pod securityContext, or `{}`. */
export const POD_SC = 'variables.podSc';
/** The pod (template) annotations, or `{}`. */
export const ANNOTATIONS = 'variables.annotations';
/** Every container: init, regular, ephemeral. */
export const CONTAINERS = 'variables.containers';
/** `spec.os.name == "windows"`. */
export const IS_WINDOWS = 'variables.isWindows';
/** `spec.hostUsers == false`. */
export const HOST_USERS_FALSE = 'variables.hostUsersFalse';

/** `has(a.b) && has(a.b.c) && ...`: every field of `fields` is set below `base`. */
export function hasPath(base: string, fields: readonly string[]): string {
  const out: string[] = [];
  let path = base;
  for (const f of fields) {
    path += `.${f}`;
    out.push(`has(${path})`);
  }
  return out.join(' && ');
}

/** `base.f1.f2...`. */
export function at(base: string, fields: readonly string[]): string {
  return [base, ...fields].join('.');
}

/** A CEL list literal of strings. */
export function strings(values: Iterable<unknown>): string {
  return `[${[...values].map(v => `'${String(v)}'`).join(', ')}]`;
}

/** True unless the field is set and `bad` holds for it: `!(has(...) && bad(path))`. */
export function unlessSet(base: string, fields: readonly string[], bad: (path: string) => string): string {
  return `!(${hasPath(base, fields)} && ${bad(at(base, fields))})`;
}

/** `variables.containers.all(c, body)`. */
export function everyContainer(body: (c: string) => string): string {
  return `${CONTAINERS}.all(c, ${body('c')})`;
}

/** `exempt || (check)`. */
export function exemptIf(condition: string, check: string): string {
  return `${condition} || (${check})`;
}
