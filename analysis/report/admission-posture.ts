/**
 * The report's admission posture: which rules the cluster enforces at admission, with which
 * engine and action, where they do not judge, and which objects they exempt, read from the
 * ValidatingAdmissionPolicies, their bindings and the Gatekeeper constraints among the objects
 * (the labels `cdk8s-hardened.io/rule` link them). Pure.
 */
import { parseCelLiteral } from '../../policy/admission';
import type { KubeObject } from '../../policy/kube-object';
import { code, table, tableCell } from './markdown';
import { asArray, asString, compareStrings, dictArray, path } from './read';

const RULE_LABEL = 'cdk8s-hardened.io/rule';

/** One rule's admission enforcement. */
export interface AdmissionPostureRow {
  readonly rule: string;
  /** `Deny`, `Warn, Audit`, ...; undefined without a ValidatingAdmissionPolicy binding. */
  readonly vap?: string;
  /** Gatekeeper's `enforcementAction`; undefined without a constraint. */
  readonly gatekeeper?: string;
  /** Namespaces the rule does not judge. */
  readonly excludedNamespaces: readonly string[];
  /** Exempted objects, `ns/Kind/name`. */
  readonly exemptions: readonly string[];
}

function ruleOf(o: KubeObject): string | undefined {
  return asString(path(o, 'metadata', 'labels', RULE_LABEL));
}

function exemptionsOf(value: unknown): string[] {
  return dictArray(value).map(e => `${asString(e.namespace) ?? '?'}/${asString(e.kind) ?? '?'}/${asString(e.name) ?? '?'}`);
}

/** The admission posture of `objects`, one row per rule, sorted by rule. */
export function admissionPosture(objects: readonly KubeObject[]): AdmissionPostureRow[] {
  const rows = new Map<string, { vap?: string; gatekeeper?: string; excluded: Set<string>; exemptions: Set<string> }>();
  const row = (rule: string) => {
    const r = rows.get(rule) ?? { excluded: new Set<string>(), exemptions: new Set<string>() };
    rows.set(rule, r);
    return r;
  };
  for (const o of objects) {
    const rule = ruleOf(o);
    if (rule === undefined) continue;
    const group = String(o.apiVersion).split('/')[0];
    if (o.kind === 'ValidatingAdmissionPolicyBinding') {
      const r = row(rule);
      r.vap = (asArray(path(o, 'spec', 'validationActions')) ?? []).map(String).join(', ') || 'none';
      for (const e of dictArray(path(o, 'spec', 'matchResources', 'namespaceSelector', 'matchExpressions'))) {
        if (asString(e.key) === 'kubernetes.io/metadata.name' && asString(e.operator) === 'NotIn') for (const v of asArray(e.values) ?? []) r.excluded.add(String(v));
      }
    } else if (o.kind === 'ValidatingAdmissionPolicy') {
      const params = dictArray(path(o, 'spec', 'variables')).find(v => asString(v.name) === 'params');
      const expression = asString(params?.expression);
      if (expression !== undefined) {
        let parsed: unknown;
        try {
          parsed = parseCelLiteral(expression);
        } catch {
          parsed = undefined; // written by someone else: the exemptions stay unknown
        }
        for (const e of exemptionsOf(path(parsed, 'exemptions'))) row(rule).exemptions.add(e);
      }
    } else if (group === 'constraints.gatekeeper.sh') {
      const r = row(rule);
      r.gatekeeper = asString(path(o, 'spec', 'enforcementAction')) ?? 'deny';
      for (const ns of asArray(path(o, 'spec', 'match', 'excludedNamespaces')) ?? []) r.excluded.add(String(ns));
      for (const e of exemptionsOf(path(o, 'spec', 'parameters', 'exemptions'))) r.exemptions.add(e);
    }
  }
  return [...rows].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([rule, r]) => ({
    rule, ...(r.vap !== undefined ? { vap: r.vap } : {}), ...(r.gatekeeper !== undefined ? { gatekeeper: r.gatekeeper } : {}),
    excludedNamespaces: [...r.excluded].sort(compareStrings), exemptions: [...r.exemptions].sort(compareStrings),
  }));
}

/** The `## Admission` section; empty when no admission policy of ours is among the objects. */
export function renderAdmissionPosture(objects: readonly KubeObject[]): string[] {
  const rows = admissionPosture(objects);
  if (rows.length === 0) return [];
  const count = (kind: string) => objects.filter(o => o.kind === kind && ruleOf(o) !== undefined).length;
  const constraints = objects.filter(o => String(o.apiVersion).startsWith('constraints.gatekeeper.sh/') && ruleOf(o) !== undefined).length;
  const excludedEverywhere = rows.every(r => r.excludedNamespaces.join() === rows[0].excludedNamespaces.join());
  const out = ['## Admission', '',
    `${rows.length} rules enforced at admission by ${count('ValidatingAdmissionPolicy')} ValidatingAdmissionPolicies (${count('ValidatingAdmissionPolicyBinding')} bindings) and ${count('ConstraintTemplate')} Gatekeeper ConstraintTemplates (${constraints} constraints)`
      + `${excludedEverywhere && rows[0].excludedNamespaces.length > 0 ? `; none judges namespaces ${rows[0].excludedNamespaces.map(code).join(', ')}` : ''}.`, ''];
  out.push(table(['Rule', 'ValidatingAdmissionPolicy', 'Gatekeeper', ...(excludedEverywhere ? [] : ['Not judged in']), 'Exempted objects'], rows.map(r => [
    code(r.rule), r.vap ?? '—', r.gatekeeper ?? '—', ...(excludedEverywhere ? [] : [tableCell(r.excludedNamespaces.join(', ') || '—')]),
    tableCell(r.exemptions.map(e => `\`${e}\``).join(', ') || '—'),
  ])));
  return out;
}
