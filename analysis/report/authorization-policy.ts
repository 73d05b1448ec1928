/**
 * Istio AuthorizationPolicy (`security.istio.io/v1` and `v1beta1`) as a {@link ReachabilityLayer}:
 * which TCP ports of a workload a source can open a connection to, once NetworkPolicies allowed it.
 *
 * Semantics (https://istio.io/latest/docs/reference/config/security/authorization-policy/):
 * - A policy applies to the workloads its `selector.matchLabels` selects in its namespace (all of
 *   them without a selector, or with an empty one). A policy in the root namespace (`istio-system`
 *   by default) applies to every namespace: without a selector to every workload of the mesh, with
 *   one to the matching workloads of every namespace.
 * - Evaluation for a request to a workload: if a DENY policy matches, deny; else if no ALLOW policy
 *   applies to the workload, allow; else allow iff some ALLOW policy matches. AUDIT never changes
 *   the decision. An ALLOW policy without rules (`spec: {}`) matches nothing: alone, it denies
 *   everything ("allow-nothing"); a rule `{}` matches everything.
 * - A rule matches when one of its `from` sources matches (no `from`: any source), one of its `to`
 *   operations matches (no `to`: any operation) and all `when` conditions hold. Within a source or
 *   an operation, fields are ANDed, values of one field ORed, `not*` fields negated. Strings match
 *   exactly, or by prefix (`abc*`), suffix (`*abc`) or presence (`*`).
 *
 * Reading manifests, some attributes are known (the source's principal
 * `cluster.local/ns/<ns>/sa/<sa>`, its namespace, the destination port) and others depend on the
 * request (methods, paths, hosts, JWT claims, `when` conditions, source IPs of pods). Each match is
 * therefore three-valued: yes, no, or maybe (some requests on this port match, others not). A port
 * is reported open when SOME request on it is allowed: ALLOW rules count when they match or may
 * match, DENY rules only when they surely match. So the layer never hides a connection Istio could
 * let through; it may show one that only some requests can use.
 *
 * An ambient destination's policies are enforced by ztunnel, with L4 attributes only: an ALLOW
 * rule that names another attribute never matches, a DENY rule is read without them (`ztunnelRule`).
 *
 * Further assumptions: Istio proxies TCP only, so UDP and SCTP flows pass unchanged; a workload
 * outside the mesh (see {@link meshMembership}) is protected by no policy and, as a source, has no
 * identity (plaintext); flows from outside the cluster (ipBlock) have no identity; flows from pods outside
 * the inputs may have one (a known namespace when the NetworkPolicy peer names it). Egress to
 * outside the inputs is not restricted (no egress gateway modelled). Policies with `targetRef(s)`
 * (waypoints, gateways) and CUSTOM policies (external authorizers) are not evaluated: a note says so.
 */
import type { KubeObject } from '../../policy/kube-object';
import { ztunnelRule } from '../../policy/rules/mesh/ztunnel-attributes';
import { dataPlaneModes } from './data-plane';
import { AllowedPorts, intersectPorts, isEmptyPorts, MAX_PORT, normalizePorts, NO_PORTS, PortSpec, subtractPorts, unionPorts } from './ports';
import { DEFAULT_ISTIO_ROOT_NAMESPACE } from './posture';
import { asArray, asDict, asString, compareStrings, Dict, dictArray, stringMap } from './read';
import type { ExternalPeer, FlowEndpoint, LayerFlow, ReachabilityLayer } from './reachability-layer';
import { DEFAULT_NAMESPACE, flattenObjects, WorkloadInfo } from './workloads';

/** The layer name shown in the report. */
export const ISTIO_AUTHORIZATION_LAYER = 'Istio AuthorizationPolicies';

/** The API groups/versions of AuthorizationPolicy read by the layer. */
export const AUTHORIZATION_POLICY_API_VERSIONS: readonly string[] = ['security.istio.io/v1', 'security.istio.io/v1beta1'];

/** Three-valued match: surely, maybe (depends on the request), surely not. */
export type Tri = 'yes' | 'maybe' | 'no';

const and = (a: Tri, b: Tri): Tri => (a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes');
const or = (a: Tri, b: Tri): Tri => (a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no');
const not = (a: Tri): Tri => (a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe');

/** Istio string matching: exact, `prefix*`, `*suffix`, or `*` (any non-empty value). */
export function istioStringMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** What the layer knows of a request's source. */
interface SourceIdentity {
  /** The mTLS principal; `undefined` = none (plaintext); `'unknown'` handled by `kind`. */
  readonly kind: 'known' | 'none' | 'unknown' | 'namespace';
  readonly principal?: string;
  readonly namespace?: string;
}

function triList(values: readonly string[] | undefined, test: (v: string) => Tri): Tri | undefined {
  if (values === undefined) return undefined;
  let acc: Tri = 'no';
  for (const v of values) acc = or(acc, test(v));
  return acc;
}

function principalMatch(src: SourceIdentity, pattern: string): Tri {
  switch (src.kind) {
    case 'known':
      return istioStringMatch(pattern, src.principal) ? 'yes' : 'no';
    case 'none':
      return 'no';
    case 'unknown':
      return 'maybe';
    case 'namespace': {
      // a pod of a known namespace outside the inputs: its service account is unknown
      const prefix = `cluster.local/ns/${src.namespace}/sa/`;
      if (pattern === '*') return 'maybe';
      if (pattern.endsWith('*')) {
        const p = pattern.slice(0, -1);
        return prefix.startsWith(p) || p.startsWith(prefix) ? 'maybe' : 'no';
      }
      if (pattern.startsWith('*')) return 'maybe';
      return pattern.startsWith(prefix) ? 'maybe' : 'no';
    }
  }
}

function namespaceMatch(src: SourceIdentity, pattern: string): Tri {
  switch (src.kind) {
    case 'known':
    case 'namespace':
      // a pod outside the inputs may have no sidecar: its namespace then is not known to Istio
      return istioStringMatch(pattern, src.namespace) ? (src.kind === 'known' ? 'yes' : 'maybe') : 'no';
    case 'none':
      return 'no';
    case 'unknown':
      return 'maybe';
  }
}

function strings(value: unknown): readonly string[] | undefined {
  const arr = asArray(value);
  return arr === undefined ? undefined : arr.filter((v): v is string => typeof v === 'string');
}

/** Three-valued match of one `from[].source`. */
function sourceMatch(source: Dict, src: SourceIdentity): Tri {
  let acc: Tri = 'yes';
  const field = (name: string, test: (v: string) => Tri, negate: boolean): void => {
    const t = triList(strings(source[name]), test);
    if (t !== undefined) acc = and(acc, negate ? not(t) : t);
  };
  field('principals', (p) => principalMatch(src, p), false);
  field('notPrincipals', (p) => principalMatch(src, p), true);
  field('namespaces', (n) => namespaceMatch(src, n), false);
  field('notNamespaces', (n) => namespaceMatch(src, n), true);
  // request-dependent or IP-based fields: pod IPs and JWTs are unknown from manifests
  for (const name of ['requestPrincipals', 'notRequestPrincipals', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts']) {
    if (source[name] !== undefined) acc = and(acc, 'maybe');
  }
  return acc;
}

/** TCP port sets where an operation (or a rule) surely matches, and where it may match. */
interface PortMatch {
  readonly yes: AllowedPorts;
  readonly maybe: AllowedPorts;
}

const ALL_TCP: readonly PortSpec[] = [{ protocol: 'TCP', port: 1, endPort: MAX_PORT }];
const NONE: PortMatch = { yes: NO_PORTS, maybe: NO_PORTS };

function tcpPorts(values: readonly string[], notes: string[], where: string): PortSpec[] {
  const out: PortSpec[] = [];
  for (const v of values) {
    if (/^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_PORT) out.push({ protocol: 'TCP', port: Number(v) });
    else notes.push(`${where}: port ${JSON.stringify(v)} is not a port number; it matches nothing`);
  }
  return out;
}

function portValues(value: unknown): readonly string[] | undefined {
  const arr = asArray(value);
  return arr === undefined ? undefined : arr.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

function operationMatch(op: Dict, notes: string[], where: string): PortMatch {
  const ports = portValues(op.ports);
  const notPorts = portValues(op.notPorts);
  let set: AllowedPorts = ports !== undefined ? normalizePorts(tcpPorts(ports, notes, where)) : ALL_TCP;
  if (notPorts !== undefined) set = subtractPorts(set, tcpPorts(notPorts, notes, where));
  const requestDependent = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'].some((f) => op[f] !== undefined);
  return { yes: requestDependent ? NO_PORTS : set, maybe: set };
}

function ruleMatch(rule: Dict, src: SourceIdentity, notes: string[], where: string): PortMatch {
  let from: Tri = 'yes';
  const froms = asArray(rule.from);
  if (froms !== undefined) {
    from = 'no';
    for (const f of dictArray(froms)) from = or(from, sourceMatch(asDict(f.source) ?? {}, src));
  }
  if (dictArray(rule.when).length > 0) from = and(from, 'maybe');
  if (from === 'no') return NONE;
  let to: PortMatch = { yes: ALL_TCP, maybe: ALL_TCP };
  const tos = asArray(rule.to);
  if (tos !== undefined) {
    to = NONE;
    for (const t of dictArray(tos)) {
      const m = operationMatch(asDict(t.operation) ?? {}, notes, where);
      to = { yes: unionPorts(to.yes, m.yes), maybe: unionPorts(to.maybe, m.maybe) };
    }
  }
  return { yes: from === 'yes' ? to.yes : NO_PORTS, maybe: to.maybe };
}

/** One AuthorizationPolicy reduced to what the layer needs. */
interface CompiledAuthorizationPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM' | string;
  /** `undefined` = every workload in scope. */
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly rules: readonly Dict[];
}

/** Whether an object is an Istio AuthorizationPolicy the layer reads. */
export function isAuthorizationPolicy(o: KubeObject): boolean {
  return o.kind === 'AuthorizationPolicy' && AUTHORIZATION_POLICY_API_VERSIONS.includes(o.apiVersion);
}

/**
 * Which workloads are in the mesh (a sidecar, or ambient mode): those whose data-plane mode
 * (`dataPlaneModes`: the pod template's `sidecar.istio.io/inject` or `istio.io/dataplane-mode`
 * first, then its Namespace's `istio-injection`, `istio.io/rev` or `istio.io/dataplane-mode`
 * label) is not `none`. When no Namespace among the inputs carries such a label, every workload is
 * assumed in the mesh; when some do, a declared Namespace without one is not (its pods are
 * plaintext and unprotected). Namespaces without a Namespace object are assumed in the mesh.
 */
export function meshMembership(objects: readonly KubeObject[]): (w: WorkloadInfo) => boolean {
  const modeOf = dataPlaneModes(objects);
  return (w) => modeOf(w) !== 'none';
}

/** The namespace of a NetworkPolicy selector peer outside the inputs, when it names exactly one (`… in namespace X (not among the inputs)`). */
export function externalPeerNamespace(peer: ExternalPeer): string | undefined {
  if (peer.type !== 'selector') return undefined;
  const m = / in namespace (\S+) \(not among the inputs\)$/.exec(peer.description);
  return m ? m[1] : undefined;
}

function identityOf(end: FlowEndpoint, meshed: (w: WorkloadInfo) => boolean): SourceIdentity {
  if (end.type === 'workload') {
    if (!meshed(end.workload)) return { kind: 'none' };
    return { kind: 'known', principal: `cluster.local/ns/${end.workload.namespace}/sa/${end.workload.serviceAccountName}`, namespace: end.workload.namespace };
  }
  const peer = end.peer;
  if (peer.type === 'ipBlock') return { kind: 'none' };
  const ns = externalPeerNamespace(peer);
  return ns !== undefined ? { kind: 'namespace', namespace: ns } : { kind: 'unknown' };
}

/** Options of {@link istioAuthorizationLayer}. */
export interface IstioAuthorizationOptions {
  /** The Istio root namespace, whose policies apply mesh-wide. Default `istio-system`. */
  readonly rootNamespace?: string;
}

/** A {@link ReachabilityLayer} with the notes it produced while reading the policies. */
export interface IstioAuthorizationLayer extends ReachabilityLayer {
  readonly notes: readonly string[];
  /** The ports allowed for a flow by AuthorizationPolicies alone (before NetworkPolicies). */
  restrict(flow: LayerFlow): AllowedPorts;
  /** The ALLOW policies (`namespace/name`, sorted) with a rule that may admit `flow` on some of its allowed TCP ports. */
  allowing(flow: LayerFlow): string[];
  /** Whether some AuthorizationPolicy applies to the workload (else the layer lets everything through to it). */
  governs(w: WorkloadInfo): boolean;
}

/**
 * The AuthorizationPolicy layer for `objects`, or `undefined` when there is no AuthorizationPolicy
 * among them (then NetworkPolicies alone decide, as for workloads no policy applies to).
 */
export function istioAuthorizationLayer(objects: readonly KubeObject[], options: IstioAuthorizationOptions = {}): IstioAuthorizationLayer | undefined {
  const root = options.rootNamespace ?? DEFAULT_ISTIO_ROOT_NAMESPACE;
  const notes: string[] = [];
  const policies: CompiledAuthorizationPolicy[] = [];
  for (const o of flattenObjects(objects)) {
    if (!isAuthorizationPolicy(o)) continue;
    const namespace = o.metadata?.namespace ?? DEFAULT_NAMESPACE;
    const name = o.metadata?.name ?? '';
    const where = `AuthorizationPolicy ${namespace}/${name}`;
    const spec = asDict(o.spec) ?? {};
    const action = asString(spec.action) ?? 'ALLOW';
    if (spec.targetRef !== undefined || spec.targetRefs !== undefined) {
      notes.push(`${where}: targetRef(s) (waypoint or gateway) not evaluated`);
      continue;
    }
    if (action === 'CUSTOM') {
      notes.push(`${where}: CUSTOM action (external authorizer) not evaluated; it may deny more`);
      continue;
    }
    if (!['ALLOW', 'DENY', 'AUDIT'].includes(action)) {
      notes.push(`${where}: unknown action ${JSON.stringify(action)} ignored`);
      continue;
    }
    const selector = asDict(spec.selector);
    const matchLabels = selector ? stringMap(selector.matchLabels) : undefined;
    policies.push({
      namespace,
      name,
      action,
      ...(matchLabels !== undefined && Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      rules: dictArray(spec.rules),
    });
  }
  if (policies.length === 0 && notes.length === 0) return undefined;
  policies.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  const meshed = meshMembership(objects);

  const applies = (p: CompiledAuthorizationPolicy, w: WorkloadInfo): boolean => {
    if (p.namespace !== root && p.namespace !== w.namespace) return false;
    if (p.matchLabels === undefined) return true;
    return Object.entries(p.matchLabels).every(([k, v]) => w.podLabels[k] === v);
  };
  const cache = new Map<WorkloadInfo, CompiledAuthorizationPolicy[]>();
  const policiesOf = (w: WorkloadInfo): CompiledAuthorizationPolicy[] => {
    let list = cache.get(w);
    if (!list) {
      list = meshed(w) ? policies.filter((p) => applies(p, w)) : [];
      cache.set(w, list);
    }
    return list;
  };

  const modeOf = dataPlaneModes(objects);
  const matcher = (flow: LayerFlow) => {
    const src = identityOf(flow.from, meshed);
    // ztunnel enforces an ambient destination's policies with L4 attributes only (ztunnelRule)
    const ambient = flow.to.type === 'workload' && modeOf(flow.to.workload) === 'ambient';
    return (p: CompiledAuthorizationPolicy): PortMatch => {
      let acc = NONE;
      p.rules.forEach((raw, i) => {
        const rule = ambient ? ztunnelRule(p.action, raw) : raw;
        if (!rule) return;
        const m = ruleMatch(rule, src, notes, `AuthorizationPolicy ${p.namespace}/${p.name} rules[${i}]`);
        acc = { yes: unionPorts(acc.yes, m.yes), maybe: unionPorts(acc.maybe, m.maybe) };
      });
      return acc;
    };
  };

  return {
    name: ISTIO_AUTHORIZATION_LAYER,
    notes,
    governs: (w) => policiesOf(w).length > 0,
    allowing(flow: LayerFlow): string[] {
      if (flow.to.type !== 'workload') return [];
      const match = matcher(flow);
      return policiesOf(flow.to.workload).filter((p) => p.action === 'ALLOW' && !isEmptyPorts(intersectPorts(match(p).maybe, flow.allowed)))
        .map((p) => `${p.namespace}/${p.name}`).sort(compareStrings);
    },
    restrict(flow: LayerFlow): AllowedPorts {
      if (flow.to.type !== 'workload') return 'all';
      const list = policiesOf(flow.to.workload);
      if (list.length === 0) return 'all';
      const match = matcher(flow);
      let denied: AllowedPorts = NO_PORTS;
      for (const p of list.filter((x) => x.action === 'DENY')) denied = unionPorts(denied, match(p).yes);
      const allows = list.filter((x) => x.action === 'ALLOW');
      let allowedTcp: AllowedPorts = ALL_TCP;
      if (allows.length > 0) {
        allowedTcp = NO_PORTS;
        for (const p of allows) allowedTcp = unionPorts(allowedTcp, match(p).maybe);
      }
      allowedTcp = subtractPorts(allowedTcp, denied);
      if (!isEmptyPorts(subtractPorts(ALL_TCP, allowedTcp))) {
        const other: PortSpec[] = [
          { protocol: 'UDP', port: 1, endPort: MAX_PORT },
          { protocol: 'SCTP', port: 1, endPort: MAX_PORT },
        ];
        return unionPorts(allowedTcp, other);
      }
      return 'all';
    },
  };
}
