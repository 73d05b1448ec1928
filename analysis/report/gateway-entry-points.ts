/**
 * The Gateway API entry points of a set of manifests: every listener of every Gateway
 * (gateway.networking.k8s.io/v1: port, protocol, hostname, TLS, which namespaces may attach routes)
 * and every HTTPRoute and GRPCRoute (hostnames, paths or gRPC services, backends, the listeners it
 * attaches to). With the Ingress entry points, what the outside reaches.
 */
import type { KubeObject } from '../../policy/kube-object';
import { code, table } from './markdown';
import { compareStrings } from './read';

/** One listener of a Gateway. */
export interface GatewayListenerEntry {
  readonly namespace: string;
  readonly gateway: string;
  readonly listener: string;
  readonly port: number;
  readonly protocol: string;
  /** The listener's hostname, `*` when it has none (every hostname). */
  readonly hostname: string;
  /** `Terminate` with its certificates (`ns/name`), `Passthrough`, or undefined: no TLS. */
  readonly tls?: string;
  /** Which namespaces may attach routes: `Same`, `All`, or the selector in words. */
  readonly allowedRoutes: string;
}

/** One HTTPRoute or GRPCRoute. */
export interface GatewayRouteEntry {
  readonly namespace: string;
  readonly kind: string;
  readonly route: string;
  /** `ns/gateway` or `ns/gateway#listener` of each parent. */
  readonly parents: readonly string[];
  /** `*` when the route names none. */
  readonly hostnames: readonly string[];
  /** Path matches (`PathPrefix /api`), gRPC methods (`shop.v1.Cart/*`), or `*` (everything). */
  readonly matches: readonly string[];
  /** `ns/service:port` of each backend, or `redirect <scheme>` for a redirecting rule. */
  readonly backends: readonly string[];
}

type Dict = Record<string, unknown>;
const rec = (v: unknown): Dict | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Dict : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isGatewayApi = (o: KubeObject) => o.apiVersion.startsWith('gateway.networking.k8s.io/');

function allowedRoutesText(allowed: Dict | undefined): string {
  const namespaces = rec(allowed?.namespaces);
  const from = str(namespaces?.from) ?? 'Same';
  if (from !== 'Selector') return from;
  const selector = rec(namespaces?.selector);
  const labels = Object.entries(rec(selector?.matchLabels) ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  const expressions = arr(selector?.matchExpressions).map(rec).map(e => `${str(e?.key)} ${str(e?.operator)} (${arr(e?.values).join(', ')})`);
  return `Selector: ${[...labels, ...expressions].join(', ') || 'every namespace'}`;
}

function tlsText(tls: Dict | undefined, namespace: string): string | undefined {
  if (!tls) return undefined;
  const mode = str(tls.mode) ?? 'Terminate';
  const refs = arr(tls.certificateRefs).map(rec).map(r => `${str(r?.namespace) ?? namespace}/${str(r?.name) ?? '?'}`);
  return refs.length > 0 ? `${mode} (${refs.join(', ')})` : mode;
}

/** Every listener and route of `objects`, sorted. */
export function extractGatewayEntryPoints(objects: readonly KubeObject[]): { listeners: GatewayListenerEntry[]; routes: GatewayRouteEntry[] } {
  const listeners: GatewayListenerEntry[] = [];
  const routes: GatewayRouteEntry[] = [];
  for (const o of objects.filter(isGatewayApi)) {
    const namespace = str(o.metadata?.namespace) ?? 'default';
    const name = str(o.metadata?.name) ?? '<unnamed>';
    const spec = rec(o.spec) ?? {};
    if (o.kind === 'Gateway') {
      for (const l of arr(spec.listeners).map(rec)) {
        const tls = tlsText(rec(l?.tls), namespace);
        listeners.push({
          namespace, gateway: name, listener: str(l?.name) ?? '?', port: Number(l?.port), protocol: str(l?.protocol) ?? '?',
          hostname: str(l?.hostname) ?? '*', ...(tls !== undefined ? { tls } : {}), allowedRoutes: allowedRoutesText(rec(l?.allowedRoutes)),
        });
      }
    } else if (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') {
      const parents = arr(spec.parentRefs).map(rec).map(p => `${str(p?.namespace) ?? namespace}/${str(p?.name) ?? '?'}${str(p?.sectionName) ? `#${str(p?.sectionName)}` : ''}`);
      const hostnames = arr(spec.hostnames).map(String);
      const matches = new Set<string>();
      const backends = new Set<string>();
      for (const rule of arr(spec.rules).map(rec)) {
        const ruleMatches = arr(rule?.matches).map(rec);
        if (ruleMatches.length === 0) matches.add('*');
        for (const m of ruleMatches) {
          const p = rec(m?.path);
          const method = rec(m?.method);
          if (o.kind === 'HTTPRoute') matches.add(p ? `${str(p.type) ?? 'PathPrefix'} ${str(p.value) ?? '/'}` : 'PathPrefix /');
          else matches.add(method ? `${str(method.service) ?? '*'}/${str(method.method) ?? '*'}` : '*');
        }
        for (const b of arr(rule?.backendRefs).map(rec)) backends.add(`${str(b?.namespace) ?? namespace}/${str(b?.name) ?? '?'}:${String(b?.port ?? '?')}`);
        for (const f of arr(rule?.filters).map(rec)) {
          const redirect = rec(f?.requestRedirect);
          if (redirect) backends.add(`redirect ${str(redirect.scheme) ?? 'same scheme'}`);
        }
      }
      routes.push({
        namespace, kind: o.kind, route: name, parents: parents.sort(compareStrings), hostnames: hostnames.length > 0 ? [...hostnames].sort(compareStrings) : ['*'],
        matches: [...matches].sort(compareStrings), backends: [...backends].sort(compareStrings),
      });
    }
  }
  listeners.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.gateway, b.gateway) || a.port - b.port || compareStrings(a.listener, b.listener));
  routes.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.kind, b.kind) || compareStrings(a.route, b.route));
  return { listeners, routes };
}

/** The "Gateway entry points" section; empty when there is no Gateway or route. */
export function renderGatewayEntryPoints(objects: readonly KubeObject[]): string[] {
  const { listeners, routes } = extractGatewayEntryPoints(objects);
  if (listeners.length === 0 && routes.length === 0) return [];
  const onlyRedirects = (l: GatewayListenerEntry) => {
    const attached = routes.filter(r => r.parents.includes(`${l.namespace}/${l.gateway}#${l.listener}`));
    return attached.length > 0 && attached.every(r => r.backends.every(b => b === 'redirect https'));
  };
  const tlsCell = (l: GatewayListenerEntry) => (l.tls !== undefined ? `yes, ${l.tls}` : onlyRedirects(l) ? '**no** (its routes only redirect to HTTPS)' : '**no**');
  return [
    '## Gateway entry points', '',
    'The listeners of each Gateway (Gateway API) and the routes attached to them. A listener without TLS serves plain text.', '',
    table(['Gateway', 'Listener', 'Port', 'Protocol', 'Hostname', 'TLS', 'Routes from'], listeners.map(l => [
      code(`${l.namespace}/${l.gateway}`), code(l.listener), String(l.port), l.protocol, code(l.hostname), tlsCell(l), l.allowedRoutes,
    ])), '',
    table(['Route', 'Kind', 'Parents', 'Hostnames', 'Matches', 'Backends'], routes.map(r => [
      code(`${r.namespace}/${r.route}`), r.kind, r.parents.map(code).join(', '), r.hostnames.map(code).join(', '), r.matches.map(code).join(', '), r.backends.map(code).join(', '),
    ])),
  ];
}
