/**
 * The AuthorizationPolicy attributes ztunnel enforces, as istiod converts a policy for it
 * (istio `pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go`: httpSources,
 * httpOperations, l4WhenAttributes) and ztunnel matches it (`src/rbac.rs`). One place for
 * HARDENED-15 and the report's view of ambient destinations.
 */

/** Source fields istiod does not send to ztunnel (they need the request, or the X-Forwarded-For chain). */
export const ZTUNNEL_UNSUPPORTED_SOURCE: readonly string[] = ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'];
/** Source fields ztunnel matches on the connection. */
export const ZTUNNEL_SOURCE: readonly string[] = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'serviceAccounts', 'notServiceAccounts'];
/** Operation fields istiod does not send to ztunnel. */
export const ZTUNNEL_UNSUPPORTED_OPERATION: readonly string[] = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
/** Operation fields ztunnel matches. */
export const ZTUNNEL_OPERATION: readonly string[] = ['ports', 'notPorts'];
/** The only `when` keys ztunnel evaluates; every other key is dropped. */
export const ZTUNNEL_CONDITIONS: ReadonlySet<string> = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

type Dict = Readonly<Record<string, unknown>>;
const dict = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const has = (record: Dict, keys: readonly string[]) => keys.some(k => record[k] !== undefined);

/** Whether a rule names an attribute ztunnel does not enforce. */
export function usesUnsupportedAttributes(rule: Dict): boolean {
  const from = Array.isArray(rule.from) ? rule.from : [];
  const to = Array.isArray(rule.to) ? rule.to : [];
  const when = Array.isArray(rule.when) ? rule.when : [];
  return from.some(f => has(dict(dict(f).source), ZTUNNEL_UNSUPPORTED_SOURCE))
    || to.some(t => has(dict(dict(t).operation), ZTUNNEL_UNSUPPORTED_OPERATION))
    || when.some(w => !ZTUNNEL_CONDITIONS.has(String(dict(w).key)));
}

/**
 * The rule as ztunnel enforces it, or `undefined` when it never matches. ALLOW: a rule with an
 * unsupported attribute is dropped. DENY: the unsupported attributes are dropped; a `from` or
 * `to` entry left without an attribute becomes an empty match, which ztunnel never matches, and a
 * `when` on an unsupported key likewise, so a part with nothing left makes the rule match nothing.
 */
export function ztunnelRule(action: string, rule: Dict): Dict | undefined {
  if (!usesUnsupportedAttributes(rule)) return rule;
  if (action !== 'DENY') return undefined;
  const strip = (entries: unknown, field: string, keep: readonly string[]): Dict[] | undefined => {
    if (!Array.isArray(entries) || entries.length === 0) return undefined;
    const left = entries.map(e => Object.fromEntries(Object.entries(dict(dict(e)[field])).filter(([k]) => keep.includes(k)))).filter(e => Object.keys(e).length > 0);
    return left.map(e => ({ [field]: e }));
  };
  const from = strip(rule.from, 'source', ZTUNNEL_SOURCE);
  const to = strip(rule.to, 'operation', ZTUNNEL_OPERATION);
  const when = Array.isArray(rule.when) ? rule.when : [];
  if ((from && from.length === 0) || (to && to.length === 0) || when.some(w => !ZTUNNEL_CONDITIONS.has(String(dict(w).key)))) return undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(when.length > 0 ? { when } : {}) };
}
