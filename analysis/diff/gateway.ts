/**
 * What a change does to the Gateway API entry points: a new listener, a listener that loses TLS or
 * takes routes from more namespaces, a new route, hostname or match opens; their removal tightens.
 */
import type { KubeObject } from '../../policy/kube-object';
import { extractGatewayEntryPoints, type GatewayListenerEntry, type GatewayRouteEntry } from '../report/gateway-entry-points';
import type { DiffItem } from './model';
import { listSome } from './model';

const listenerKey = (l: GatewayListenerEntry) => `${l.namespace}/${l.gateway}#${l.listener}`;
const routeKey = (r: GatewayRouteEntry) => `${r.namespace}/${r.kind}/${r.route}`;
const describe = (l: GatewayListenerEntry) => `${l.port}/${l.protocol}, hostname ${l.hostname}, ${l.tls !== undefined ? `TLS ${l.tls}` : 'no TLS'}, routes from ${l.allowedRoutes}`;

/** How many namespaces a listener's allowedRoutes admits, coarsely: Same < a selector < All. */
function breadth(allowed: string): number {
  if (allowed === 'Same') return 1;
  if (allowed === 'All') return Number.MAX_SAFE_INTEGER;
  const inList = /In \(([^)]*)\)/.exec(allowed);
  return inList ? inList[1].split(',').filter(s => s.trim() !== '').length + 1 : Number.MAX_SAFE_INTEGER - 1;
}

function item(effect: DiffItem['effect'], change: string, namespace: string, subject: string, message: string): DiffItem {
  return { category: 'reachability', effect, change, namespace, subject, message };
}

/** Listener and route changes between two sides. */
export function diffGatewayEntryPoints(before: readonly KubeObject[], after: readonly KubeObject[]): DiffItem[] {
  const b = extractGatewayEntryPoints(before);
  const a = extractGatewayEntryPoints(after);
  const items: DiffItem[] = [];
  const oldListeners = new Map(b.listeners.map(l => [listenerKey(l), l]));
  const newListeners = new Map(a.listeners.map(l => [listenerKey(l), l]));
  for (const [key, l] of newListeners) {
    const subject = `${l.namespace}/Gateway/${l.gateway} listener ${l.listener}`;
    const old = oldListeners.get(key);
    if (!old) {
      items.push(item('opens', 'gateway-listener-added', l.namespace, subject, `new listener: ${describe(l)}`));
      continue;
    }
    if (old.tls !== undefined && l.tls === undefined) items.push(item('opens', 'gateway-listener-tls-removed', l.namespace, subject, `loses TLS (was ${old.tls}): ${l.port}/${l.protocol} serves plain text`));
    if (old.tls === undefined && l.tls !== undefined) items.push(item('tightens', 'gateway-listener-tls-added', l.namespace, subject, `now terminates TLS: ${l.tls}`));
    if (old.tls !== undefined && l.tls !== undefined && old.tls !== l.tls) items.push(item('neutral', 'gateway-listener-certificate', l.namespace, subject, `certificate ${old.tls} → ${l.tls}`));
    if (old.port !== l.port || old.protocol !== l.protocol) items.push(item('opens', 'gateway-listener-port', l.namespace, subject, `now ${l.port}/${l.protocol} (was ${old.port}/${old.protocol})`));
    if (old.hostname !== l.hostname) {
      items.push(item(l.hostname === '*' || old.hostname !== '*' ? 'opens' : 'tightens', 'gateway-listener-hostname', l.namespace, subject, `hostname ${old.hostname} → ${l.hostname}`));
    }
    if (old.allowedRoutes !== l.allowedRoutes) {
      const wider = breadth(l.allowedRoutes) > breadth(old.allowedRoutes);
      items.push(item(wider ? 'opens' : breadth(l.allowedRoutes) < breadth(old.allowedRoutes) ? 'tightens' : 'neutral', 'gateway-listener-allowed-routes', l.namespace, subject, `routes from ${old.allowedRoutes} → ${l.allowedRoutes}`));
    }
  }
  for (const [key, l] of oldListeners) {
    if (!newListeners.has(key)) items.push(item('tightens', 'gateway-listener-removed', l.namespace, `${l.namespace}/Gateway/${l.gateway} listener ${l.listener}`, `listener removed: ${describe(l)}`));
  }

  const oldRoutes = new Map(b.routes.map(r => [routeKey(r), r]));
  const newRoutes = new Map(a.routes.map(r => [routeKey(r), r]));
  for (const [key, r] of newRoutes) {
    const subject = `${r.namespace}/${r.kind}/${r.route}`;
    const old = oldRoutes.get(key);
    if (!old) {
      items.push(item('opens', 'gateway-route-added', r.namespace, subject, `new route: ${listSome(r.hostnames)} ${listSome(r.matches)} → ${listSome(r.backends)} (on ${listSome(r.parents)})`));
      continue;
    }
    const added = (x: readonly string[], y: readonly string[]) => y.filter(v => !x.includes(v));
    const pairs: [string, string, readonly string[], readonly string[]][] = [['hostname', 'hostnames', old.hostnames, r.hostnames], ['match', 'matches', old.matches, r.matches], ['backend', 'backends', old.backends, r.backends], ['parent', 'parents', old.parents, r.parents]];
    for (const [what, plural, x, y] of pairs) {
      const more = added(x, y);
      const fewer = added(y, x);
      if (more.length > 0) items.push(item('opens', `gateway-route-${what}-added`, r.namespace, subject, `${plural} added: ${listSome(more)}`));
      if (fewer.length > 0) items.push(item('tightens', `gateway-route-${what}-removed`, r.namespace, subject, `${plural} removed: ${listSome(fewer)}`));
    }
  }
  for (const [key, r] of oldRoutes) {
    if (!newRoutes.has(key)) items.push(item('tightens', 'gateway-route-removed', r.namespace, `${r.namespace}/${r.kind}/${r.route}`, `route removed: ${listSome(r.hostnames)} ${listSome(r.matches)} → ${listSome(r.backends)}`));
  }
  return items;
}
