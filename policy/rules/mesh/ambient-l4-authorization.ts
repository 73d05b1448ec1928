import type { KubeObject } from '../../kube-object';
import { nsa } from '../_references';
import { apiGroup, asRecord, namespaceOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';
import { meshModeOf, namespaceLabels } from './_mesh';
import { ZTUNNEL_CONDITIONS, ZTUNNEL_OPERATION, ZTUNNEL_SOURCE, ZTUNNEL_UNSUPPORTED_OPERATION, ZTUNNEL_UNSUPPORTED_SOURCE } from './ztunnel-attributes';

const L7_SOURCE = ZTUNNEL_UNSUPPORTED_SOURCE;
const L4_SOURCE = ZTUNNEL_SOURCE;
const L7_OPERATION = ZTUNNEL_UNSUPPORTED_OPERATION;
const L4_OPERATION = ZTUNNEL_OPERATION;
const L4_CONDITIONS = ZTUNNEL_CONDITIONS;

const has = (record: Record<string, unknown>, keys: readonly string[]) => keys.some(k => record[k] !== undefined);

/**
 * What ztunnel does with a rule that names attributes it cannot see. ALLOW: istiod drops the whole
 * rule (it never matches). DENY: istiod drops the unsupported attributes and keeps the rest; a
 * `from`, `to` or `when` entry left with no attribute becomes an empty match, which ztunnel never
 * matches (rbac.rs: an empty match in a clause is skipped), so a clause with only such entries
 * makes the rule match nothing; otherwise the rule denies every connection its L4 part matches.
 */
function consequence(action: string, rule: Record<string, unknown>): string {
  if (action === 'ALLOW') return 'ztunnel drops this whole ALLOW rule (it never matches), so the connections it was meant to allow are denied';
  if (action !== 'DENY') return `ztunnel does not enforce ${action} policies at all`;
  const entries = (key: string, field: string) => (Array.isArray(rule[key]) ? (rule[key] as unknown[]) : []).map(e => asRecord(asRecord(e)?.[field]) ?? {});
  const clauses: boolean[] = [];
  if (Array.isArray(rule.to) && rule.to.length > 0) clauses.push(entries('to', 'operation').some(o => has(o, L4_OPERATION)));
  if (Array.isArray(rule.from) && rule.from.length > 0) clauses.push(entries('from', 'source').some(src => has(src, L4_SOURCE)));
  for (const w of Array.isArray(rule.when) ? rule.when : []) clauses.push(L4_CONDITIONS.has(String(asRecord(w)?.key)));
  return clauses.every(Boolean)
    ? 'ztunnel ignores it and enforces the rest of this DENY rule: it denies every connection the rule\'s L4 attributes match, more than written'
    : 'ztunnel ignores it, and what is left of this DENY rule has a from, to or when part without any L4 attribute, which ztunnel never matches: the rule denies nothing';
}

/**
 * HARDENED-15: an AuthorizationPolicy enforced by ztunnel (in an ambient namespace without a
 * waypoint, or with a selector) uses only ztunnel's L4 attributes: principals, namespaces, service
 * accounts, ipBlocks, ports and the `when` keys source.ip, source.namespace, source.principal,
 * destination.ip, destination.port. No request principals, remoteIpBlocks, hosts, methods or
 * paths, no other conditions; each finding says what ztunnel does with the rule instead.
 *
 * Implements: NSA/CISA "Network separation and hardening / Network policies" (in part: an
 * authorization rule that its enforcer cannot evaluate).
 */
export const ambientL4Authorization: Rule = {
  id: 'HARDENED-15',
  severity: 'error',
  name: 'ambient-l4-authorization',
  summary: 'AuthorizationPolicies that ztunnel enforces (ambient namespaces without a waypoint) use only L4 attributes.',
  explanation: 'ztunnel sees connections, not requests: istiod sends it principals, namespaces, service accounts, ipBlocks, ports and the when keys source.ip, source.namespace, source.principal, destination.ip and destination.port, nothing else (no hosts, methods, paths, request principals, remoteIpBlocks or other conditions). It drops an ALLOW rule that uses the others, so the traffic the rule was meant to allow is denied. In a DENY rule it ignores them: the rule denies every connection its remaining L4 attributes match, or, when a from, to or when part is left without one, nothing at all. The result is an outage or a deny that does something else than it says.',
  fix: 'keep rules to principals, namespaces, service accounts, ipBlocks, ports and the five L4 when keys (the mesh layer derives only those), or deploy a waypoint and attach L7 policies to it with targetRefs',
  appliesTo: 'AuthorizationPolicy objects (security.istio.io) in namespaces labelled istio.io/dataplane-mode=ambient',
  references: [nsa('Network separation and hardening / Network policies', true)],
  evaluate(object: KubeObject, context) {
    if (object.kind !== 'AuthorizationPolicy' || apiGroup(object.apiVersion) !== 'security.istio.io') return NOT_APPLICABLE;
    const ns = namespaceOf(object);
    if (ns === '' || meshModeOf(context, ns) !== 'ambient') return NOT_APPLICABLE;
    const spec = asRecord(object.spec) ?? {};
    // a policy attached to a waypoint (targetRefs) is enforced by the waypoint, which reads requests
    if (spec.targetRef !== undefined || spec.targetRefs !== undefined) {
      if (namespaceLabels(context, ns)['istio.io/use-waypoint'] !== undefined) return NOT_APPLICABLE;
    }
    const violations: RuleViolation[] = [];
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    const action = typeof spec.action === 'string' ? spec.action : 'ALLOW';
    rules.forEach((raw, i) => {
      const rule = asRecord(raw) ?? {};
      const then = consequence(action, rule);
      const from = Array.isArray(rule.from) ? rule.from : [];
      from.forEach((f, j) => {
        const source = asRecord(asRecord(f)?.source) ?? {};
        for (const key of L7_SOURCE) if (source[key] !== undefined) violations.push({ message: `rule ${i} uses the L7 source field ${key}, which ztunnel cannot evaluate: ${then}`, path: `spec.rules[${i}].from[${j}].source.${key}` });
      });
      const to = Array.isArray(rule.to) ? rule.to : [];
      to.forEach((t, j) => {
        const operation = asRecord(asRecord(t)?.operation) ?? {};
        for (const key of L7_OPERATION) if (operation[key] !== undefined) violations.push({ message: `rule ${i} uses the L7 operation field ${key}, which ztunnel cannot evaluate: ${then}`, path: `spec.rules[${i}].to[${j}].operation.${key}` });
      });
      const when = Array.isArray(rule.when) ? rule.when : [];
      when.forEach((w, j) => {
        const key = asRecord(w)?.key;
        if (typeof key === 'string' && !L4_CONDITIONS.has(key)) violations.push({ message: `rule ${i} has the condition ${key}, which ztunnel cannot evaluate: ${then}`, path: `spec.rules[${i}].when[${j}].key` });
      });
    });
    return judge(violations);
  },
};
