/**
 * Admission items: admission controls (ValidatingAdmissionPolicy and its bindings, Gatekeeper
 * ConstraintTemplates and constraints, Kyverno policies, validating webhooks) removed (opens),
 * added (tightens), moved from deny to warn, audit or dry run (opens) or back (tightens), made to
 * fail open (opens) or closed (tightens), exemptions in a Gatekeeper constraint's
 * `parameters.exemptions` added (opens) or removed (tightens); any other change of their spec is
 * neutral (a reviewer should read it).
 */
import type { KubeObject } from '../../policy/kube-object';
import { asArray, asString, compareStrings, dictArray, path } from '../report/read';
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
  readonly exemptions: readonly string[];
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

function controlOf(o: KubeObject): Control | undefined {
  const [group] = o.apiVersion.split('/');
  const name = o.metadata?.name ?? '';
  const ns = o.metadata?.namespace;
  const subject = `${ns !== undefined ? `${ns}/` : ''}${o.kind}/${name}`;
  const key = `${group}\u0000${o.kind}\u0000${ns ?? ''}\u0000${name}`;
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const base = { key, ...(ns !== undefined ? { namespace: ns } : {}), subject, exemptions: [] as string[] };
  if (group === 'admissionregistration.k8s.io') {
    if (o.kind === 'ValidatingAdmissionPolicy') {
      return { ...base, failOpen: asString(spec.failurePolicy) === 'Ignore', rest: stable(withoutKeys(spec, ['failurePolicy'])) };
    }
    if (o.kind === 'ValidatingAdmissionPolicyBinding') {
      const actions = (asArray(spec.validationActions) ?? []).filter((a): a is string => typeof a === 'string');
      return { ...base, strength: maxStrength(actions), action: actions.join('+') || 'none', rest: stable(withoutKeys(spec, ['validationActions'])) };
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
    const action = ea === 'scoped' ? scoped.join('+') : ea;
    const exemptions = dictArray(path(spec, 'parameters', 'exemptions')).map((e) => stable(e)).sort(compareStrings);
    const params = withoutKeys(spec.parameters, ['exemptions']);
    return {
      ...base,
      strength: ea === 'scoped' ? maxStrength(scoped) : actionStrength(ea),
      action,
      exemptions,
      rest: stable({ ...(withoutKeys(spec, ['enforcementAction', 'scopedEnforcementActions', 'parameters']) as object), parameters: params }),
    };
  }
  if (group === 'kyverno.io' && (o.kind === 'ClusterPolicy' || o.kind === 'Policy')) {
    const actions = [asString(spec.validationFailureAction) ?? 'Audit', ...dictArray(spec.rules).map((r) => asString(path(r, 'validate', 'failureAction')) ?? '')].filter((a) => a !== '');
    return { ...base, strength: maxStrength(actions), action: actions.map((a) => a.toLowerCase()).sort(compareStrings).filter((a, i, l) => l.indexOf(a) === i).join('+'), failOpen: asString(spec.failurePolicy) === 'Ignore', rest: stable(withoutKeys(spec, ['validationFailureAction', 'failurePolicy'])) };
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
    const other = o.rest !== n.rest;
    if (o.strength !== undefined && n.strength !== undefined && o.action !== n.action) {
      const effect = n.strength < o.strength ? 'opens' : n.strength > o.strength ? 'tightens' : 'neutral';
      items.push({ ...base, effect, change: 'admission-action', message: `action ${o.action} → ${n.action}${effect === 'opens' ? ` (now ${STRENGTH_NAMES[n.strength]} only)` : ''}` });
    }
    if ((o.failOpen ?? false) !== (n.failOpen ?? false)) {
      items.push({ ...base, effect: n.failOpen ? 'opens' : 'tightens', change: 'admission-failure-policy', message: n.failOpen ? 'now fails open (failurePolicy Ignore)' : 'now fails closed (failurePolicy Fail)' });
    }
    const added = n.exemptions.filter((e) => !o.exemptions.includes(e));
    const removed = o.exemptions.filter((e) => !n.exemptions.includes(e));
    if (added.length > 0) items.push({ ...base, effect: 'opens', change: 'admission-exemptions', message: `exemptions added: ${added.join(', ')}` });
    if (removed.length > 0) items.push({ ...base, effect: 'tightens', change: 'admission-exemptions', message: `exemptions removed: ${removed.join(', ')}` });
    if (other) items.push({ ...base, effect: 'neutral', change: 'admission-changed', message: 'spec changed (matching, validations or parameters): review it' });
  }
  return items;
}
