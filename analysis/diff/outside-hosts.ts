/**
 * What a change does to the mesh registry of outside destinations (ServiceEntries,
 * MESH_EXTERNAL): a host or address a namespace's sidecars may now reach, or a new port of one,
 * opens; one they no longer may reach tightens.
 */
import type { KubeObject } from '../../policy/kube-object';
import { outsideHosts } from '../report/outside-hosts';
import { compareStrings } from '../report/read';
import type { DiffItem } from './model';

/** `namespace → destination:port` for every reachable pair of a side. */
function reachable(objects: readonly KubeObject[]): Map<string, { namespace: string; destination: string; port: number }> {
  const out = new Map<string, { namespace: string; destination: string; port: number }>();
  for (const h of outsideHosts(objects)) {
    for (const destination of [...h.hosts.filter(() => h.addresses.length === 0), ...h.addresses]) {
      for (const port of h.ports) out.set(`${h.namespace}\0${destination}\0${port}`, { namespace: h.namespace, destination, port });
    }
  }
  return out;
}

/** Outside destinations added to or removed from the mesh registry, per namespace and port. */
export function diffOutsideHosts(before: readonly KubeObject[], after: readonly KubeObject[]): DiffItem[] {
  const b = reachable(before);
  const a = reachable(after);
  const items: DiffItem[] = [];
  for (const [key, x] of [...a].sort(([k1], [k2]) => compareStrings(k1, k2))) {
    if (!b.has(key)) items.push({ category: 'reachability', effect: 'opens', change: 'outside-host-added', namespace: x.namespace, subject: `${x.namespace} → ${x.destination}:${x.port}`, message: `the sidecars of ${x.namespace} may now reach ${x.destination} on ${x.port}/TCP (ServiceEntry)` });
  }
  for (const [key, x] of [...b].sort(([k1], [k2]) => compareStrings(k1, k2))) {
    if (!a.has(key)) items.push({ category: 'reachability', effect: 'tightens', change: 'outside-host-removed', namespace: x.namespace, subject: `${x.namespace} → ${x.destination}:${x.port}`, message: `the sidecars of ${x.namespace} no longer reach ${x.destination} on ${x.port}/TCP` });
  }
  return items;
}
