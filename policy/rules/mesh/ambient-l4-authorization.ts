import type { KubeObject } from '../../kube-object';
import { nsa } from '../_references';
import { apiGroup, asRecord, namespaceOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';
import { meshModeOf, namespaceLabels } from './_mesh';

/** AuthorizationPolicy source fields that need a proxy that reads requests (L7). */
const L7_SOURCE = ['requestPrincipals', 'notRequestPrincipals'];
/** AuthorizationPolicy operation fields that need a proxy that reads requests (L7). */
const L7_OPERATION = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
/** `when` keys that ztunnel can evaluate (connection attributes); every other key is L7. */
const L4_CONDITIONS = new Set(['source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port', 'connection.sni']);

/**
 * HARDENED-15: an AuthorizationPolicy enforced by ztunnel (in an ambient namespace without a
 * waypoint, or with a selector) uses only L4 attributes: principals, namespaces, IP blocks, ports
 * and connection conditions. No request principals, hosts, methods or paths, no request
 * conditions.
 *
 * Implements: NSA/CISA "Network separation and hardening / Network policies" (in part: an
 * authorization rule that its enforcer cannot evaluate).
 */
export const ambientL4Authorization: Rule = {
  id: 'HARDENED-15',
  severity: 'error',
  name: 'ambient-l4-authorization',
  summary: 'AuthorizationPolicies that ztunnel enforces (ambient namespaces without a waypoint) use only L4 attributes.',
  explanation: 'ztunnel sees connections, not requests: it cannot evaluate hosts, methods, paths, request principals or request conditions. An ALLOW rule that needs them can never match, so ztunnel drops all the traffic it was meant to allow; a DENY rule with them would be widened to the whole connection. The result is an outage or a policy that does something else than it says.',
  fix: 'keep rules to principals, namespaces, ipBlocks and ports (the mesh layer derives only those), or deploy a waypoint and attach L7 policies to it with targetRefs',
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
    rules.forEach((raw, i) => {
      const rule = asRecord(raw) ?? {};
      const from = Array.isArray(rule.from) ? rule.from : [];
      from.forEach((f, j) => {
        const source = asRecord(asRecord(f)?.source) ?? {};
        for (const key of L7_SOURCE) if (source[key] !== undefined) violations.push({ message: `rule ${i} uses the L7 source field ${key}, which ztunnel cannot evaluate`, path: `spec.rules[${i}].from[${j}].source.${key}` });
      });
      const to = Array.isArray(rule.to) ? rule.to : [];
      to.forEach((t, j) => {
        const operation = asRecord(asRecord(t)?.operation) ?? {};
        for (const key of L7_OPERATION) if (operation[key] !== undefined) violations.push({ message: `rule ${i} uses the L7 operation field ${key}, which ztunnel cannot evaluate`, path: `spec.rules[${i}].to[${j}].operation.${key}` });
      });
      const when = Array.isArray(rule.when) ? rule.when : [];
      when.forEach((w, j) => {
        const key = asRecord(w)?.key;
        if (typeof key === 'string' && !L4_CONDITIONS.has(key)) violations.push({ message: `rule ${i} has the condition ${key}, which ztunnel cannot evaluate`, path: `spec.rules[${i}].when[${j}].key` });
      });
    });
    return judge(violations);
  },
};
