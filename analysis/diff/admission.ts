/**
 * Admission items: admission controls (ValidatingAdmissionPolicy and its bindings, validating
 * webhooks, Gatekeeper ConstraintTemplates and constraints, Kyverno policies)
 * - removed (opens) or added (tightens);
 * - moved from deny to warn, audit or dry run (opens), or back (tightens);
 * - made to fail open (`failurePolicy: Ignore`, opens) or closed (tightens);
 * - their relaxing lists grown (opens) or shrunk (tightens): the `exemptions` and `allowed*`
 *   parameters (allowed registries, capabilities, host paths) of a Gatekeeper constraint's
 *   `spec.parameters` or of a ValidatingAdmissionPolicy's `params` variable (a CEL literal, as the
 *   admission layer writes it), and the namespaces a constraint or binding excludes
 *   (`match.excludedNamespaces`; a binding's `kubernetes.io/metadata.name NotIn` namespace selector);
 * any other change of their spec is neutral (a reviewer should read it).
 */
import type { KubeObject } from '../../policy/kube-object';
import { asArray, asDict, asString, compareStrings, Dict, dictArray, path } from '../report/read';
import { flattenObjects } from '../report/workloads';
import type { DiffItem } from './model';

/** How strongly a control acts: 3 deny, 2 warn, 1 audit or dry run, 0 nothing. */
type Strength = 0 | 1 | 2 | 3;
const STRENGTH_NAMES = ['nothing', 'audit', 'warn', 'deny'];

interface Control {
  readonly key: string;
  readonly namespace?: string;
  readonly subject: string;
  /** `undefined`: the kind has no enforcement action. */
  readonly strength?: Strength;
  readonly action?: string;
  /** Whether a failure to evaluate admits the object. */
  readonly failOpen?: boolean;
  /** Lists whose every entry relaxes the control (exemptions, allow-lists, excluded namespaces), by name. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** The spec without the fields above, to spot other changes. */
  readonly rest: string;
}

function actionStrength(action: string): Strength {
  const a = action.toLowerCase();
  if (a === 'deny' || a === 'enforce') return 3;
  if (a === 'warn') return 2;
  if (a === 'audit' || a === 'dryrun') return 1;
  return 0;
}

function maxStrength(actions: readonly string[]): Strength {
  return actions.reduce<Strength>((m, a) => Math.max(m, actionStrength(a)) as Strength, 0);
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => compareStrings(x, y))) : v,
  );
}

function withoutKeys(spec: unknown, keys: readonly string[]): unknown {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return spec;
  return Object.fromEntries(Object.entries(spec as Record<string, unknown>).filter(([k]) => !keys.includes(k)));
}

/**
 * Parses the CEL literal subset the admission layer writes for a policy's parameters: maps with
 * string keys, lists, single- or double-quoted strings, numbers, booleans, `null`, and `dyn(…)`.
 * `undefined` when the text is anything else.
 */
export function parseCelLiteral(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new Error('not a literal');
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const quote = c;
      let out = '';
      i++;
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\') {
          const n = text[i + 1];
          out += n === 'n' ? '\n' : n === 't' ? '\t' : n ?? '';
          i += 2;
        } else out += text[i++];
      }
      if (text[i] !== quote) fail();
      i++;
      return out;
    }
    if (c === '[' || c === '{') {
      const map = c === '{';
      const close = map ? '}' : ']';
      i++;
      const list: unknown[] = [];
      const obj: Record<string, unknown> = {};
      ws();
      while (text[i] !== close) {
        if (map) {
          const k = value();
          if (typeof k !== 'string') fail();
          ws();
          if (text[i++] !== ':') fail();
          obj[k as string] = value();
        } else list.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail();
        ws();
      }
      i++;
      return map ? obj : list;
    }
    if (text.startsWith('dyn(', i)) {
      i += 4;
      const v = value();
      ws();
      if (text[i++] !== ')') fail();
      return v;
    }
    const m = /^(true|false|null|-?\d+(\.\d+)?)/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
    return m![0] === 'true' ? true : m![0] === 'false' ? false : m![0] === 'null' ? null : Number(m![0]);
  };
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

const entryText = (v: unknown): string => (typeof v === 'string' ? v : stable(v));

/** The relaxing lists of a parameters object: `exemptions` and every `allowed*` list. */
function parameterLists(params: unknown, into: Map<string, string[]>): void {
  const d = asDict(params);
  if (!d) return;
  for (const [k, v] of Object.entries(d)) {
    const list = asArray(v);
    if (list && (k === 'exemptions' || /^allowed[A-Z]/.test(k))) into.set(k, list.map(entryText).sort(compareStrings));
  }
}

function withoutLists(params: unknown): unknown {
  const d = asDict(params);
  if (!d) return params;
  return Object.fromEntries(Object.entries(d).filter(([k, v]) => !(Array.isArray(v) && (k === 'exemptions' || /^allowed[A-Z]/.test(k)))));
}

/** Namespaces a `kubernetes.io/metadata.name NotIn [...]` namespace selector leaves out. */
function notInNamespaces(selector: unknown): string[] {
  return dictArray(path(selector, 'matchExpressions'))
    .filter((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn')
    .flatMap((e) => (asArray(e.values) ?? []).filter((v): v is string => typeof v === 'string'));
}

function controlOf(o: KubeObject): Control | undefined {
  const [group] = o.apiVersion.split('/');
  const name = o.metadata?.name ?? '';
  const ns = o.metadata?.namespace;
  const subject = `${ns !== undefined ? `${ns}/` : ''}${o.kind}/${name}`;
  const key = `${group}\u0000${o.kind}\u0000${ns ?? ''}\u0000${name}`;
  const spec = (asDict(o.spec) ?? {}) as Dict;
  const lists = new Map<string, string[]>();
  const base = { key, ...(ns !== undefined ? { namespace: ns } : {}), subject, lists };
  if (group === 'admissionregistration.k8s.io') {
    if (o.kind === 'ValidatingAdmissionPolicy') {
      const variables = dictArray(spec.variables).map((v) => {
        if (v.name !== 'params' || typeof v.expression !== 'string') return v;
        const params = parseCelLiteral(v.expression);
        if (params === undefined) return v;
        parameterLists(params, lists);
        return { ...v, expression: stable(withoutLists(params)) };
      });
      return { ...base, failOpen: asString(spec.failurePolicy) === 'Ignore', rest: stable({ ...(withoutKeys(spec, ['failurePolicy', 'variables']) as object), variables }) };
    }
    if (o.kind === 'ValidatingAdmissionPolicyBinding') {
      const actions = (asArray(spec.validationActions) ?? []).filter((a): a is string => typeof a === 'string');
      const selector = path(spec, 'matchResources', 'namespaceSelector');
      const excluded = notInNamespaces(selector);
      if (excluded.length > 0) lists.set('excluded namespaces', excluded.sort(compareStrings));
      const keptExpressions = dictArray(path(selector, 'matchExpressions')).filter((e) => !(e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn'));
      const rest = { ...(withoutKeys(spec, ['validationActions']) as object), matchResources: { ...(asDict(spec.matchResources) ?? {}), namespaceSelector: { ...(asDict(selector) ?? {}), matchExpressions: keptExpressions } } };
      return { ...base, strength: maxStrength(actions), action: actions.join('+') || 'none', rest: stable(rest) };
    }
    if (o.kind === 'ValidatingWebhookConfiguration') {
      const hooks = dictArray(o.webhooks);
      return { ...base, failOpen: hooks.some((h) => asString(h.failurePolicy) === 'Ignore'), rest: stable(hooks.map((h) => withoutKeys(h, ['failurePolicy']))) };
    }
    return undefined;
  }
  if (group === 'templates.gatekeeper.sh' && o.kind === 'ConstraintTemplate') return { ...base, rest: stable(spec) };
  if (group === 'constraints.gatekeeper.sh') {
    const ea = asString(spec.enforcementAction) ?? 'deny';
    const scoped = dictArray(spec.scopedEnforcementActions).map((s) => asString(s.action) ?? '');
    parameterLists(spec.parameters, lists);
    const excluded = (asArray(path(spec, 'match', 'excludedNamespaces')) ?? []).filter((v): v is string => typeof v === 'string');
    if (excluded.length > 0) lists.set('excluded namespaces', [...excluded].sort(compareStrings));
    const rest = {
      ...(withoutKeys(spec, ['enforcementAction', 'scopedEnforcementActions', 'parameters', 'match']) as object),
      match: withoutKeys(spec.match, ['excludedNamespaces']),
      parameters: withoutLists(spec.parameters),
    };
    return { ...base, strength: ea === 'scoped' ? maxStrength(scoped) : actionStrength(ea), action: ea === 'scoped' ? scoped.join('+') : ea, rest: stable(rest) };
  }
  if (group === 'kyverno.io' && (o.kind === 'ClusterPolicy' || o.kind === 'Policy')) {
    const actions = [asString(spec.validationFailureAction) ?? 'Audit', ...dictArray(spec.rules).map((r) => asString(path(r, 'validate', 'failureAction')) ?? '')].filter((a) => a !== '');
    const action = [...new Set(actions.map((a) => a.toLowerCase()))].sort(compareStrings).join('+');
    return { ...base, strength: maxStrength(actions), action, failOpen: asString(spec.failurePolicy) === 'Ignore', rest: stable(withoutKeys(spec, ['validationFailureAction', 'failurePolicy'])) };
  }
  return undefined;
}

function controls(objects: readonly KubeObject[]): Map<string, Control> {
  const out = new Map<string, Control>();
  for (const o of flattenObjects(objects)) {
    const c = controlOf(o);
    if (c) out.set(c.key, c);
  }
  return out;
}

/** The item `change` of a relaxing list. */
const listChange = (name: string): string => (name === 'exemptions' ? 'admission-exemptions' : name === 'excluded namespaces' ? 'admission-scope' : 'admission-allow-list');

/** The admission items between two sets of objects. */
export function diffAdmission(before: readonly KubeObject[], after: readonly KubeObject[]): DiffItem[] {
  const a = controls(before);
  const b = controls(after);
  const items: DiffItem[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
    const o = a.get(key);
    const n = b.get(key);
    const c = (n ?? o)!;
    const base = { category: 'admission' as const, ...(c.namespace !== undefined ? { namespace: c.namespace } : {}), subject: c.subject };
    const act = (x: Control): string => (x.strength !== undefined ? ` (${x.action})` : '');
    if (!o || !n) {
      items.push({ ...base, effect: n ? 'tightens' : 'opens', change: n ? 'admission-added' : 'admission-removed', message: `admission control ${n ? 'added' : 'removed'}${act(c)}` });
      continue;
    }
    if (o.strength !== undefined && n.strength !== undefined && o.action !== n.action) {
      const effect = n.strength < o.strength ? 'opens' : n.strength > o.strength ? 'tightens' : 'neutral';
      items.push({ ...base, effect, change: 'admission-action', message: `action ${o.action} → ${n.action}${effect === 'opens' ? ` (now ${STRENGTH_NAMES[n.strength]} only)` : ''}` });
    }
    if ((o.failOpen ?? false) !== (n.failOpen ?? false)) {
      items.push({ ...base, effect: n.failOpen ? 'opens' : 'tightens', change: 'admission-failure-policy', message: n.failOpen ? 'now fails open (failurePolicy Ignore)' : 'now fails closed (failurePolicy Fail)' });
    }
    for (const name of [...new Set([...o.lists.keys(), ...n.lists.keys()])].sort(compareStrings)) {
      const ol = o.lists.get(name) ?? [];
      const nl = n.lists.get(name) ?? [];
      const added = nl.filter((e) => !ol.includes(e));
      const removed = ol.filter((e) => !nl.includes(e));
      if (added.length > 0) items.push({ ...base, effect: 'opens', change: listChange(name), message: `${name} added: ${added.join(', ')}` });
      if (removed.length > 0) items.push({ ...base, effect: 'tightens', change: listChange(name), message: `${name} removed: ${removed.join(', ')}` });
    }
    if (o.rest !== n.rest) items.push({ ...base, effect: 'neutral', change: 'admission-changed', message: 'spec changed (matching, validations or parameters): review it' });
  }
  return items;
}
