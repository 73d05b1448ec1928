/**
 * The destinations outside the cluster the mesh registry declares (Istio ServiceEntries with
 * `location: MESH_EXTERNAL`): per namespace, the hosts (or addresses) and ports its sidecars
 * may reach under `outboundTrafficPolicy: REGISTRY_ONLY`. A NetworkPolicy cannot name a host, so
 * the egress to a host by name is open to every address at that layer; the report says which
 * hosts narrow it. Pure.
 */
import type { KubeObject } from '../../policy/kube-object';
import { code, table, tableCell } from './markdown';
import { objectIndex } from './object-index';
import { asArray, asNumber, asString, compareStrings, dictArray, path } from './read';
import { namespaceOf } from './workloads';

/** One ServiceEntry's outside destination. */
export interface OutsideHost {
  readonly namespace: string;
  readonly serviceEntry: string;
  readonly hosts: readonly string[];
  readonly addresses: readonly string[];
  readonly ports: readonly number[];
  /** `DNS`, `NONE`, `STATIC`, ... */
  readonly resolution: string;
  /** `exportTo`, `*` when unset (every namespace). */
  readonly exportTo: readonly string[];
}

/** Every MESH_EXTERNAL ServiceEntry among the objects, sorted by namespace and name. */
export function outsideHosts(objects: readonly KubeObject[]): OutsideHost[] {
  return objectIndex(objects).ofKind('ServiceEntry')
    .filter(o => String(o.apiVersion).startsWith('networking.istio.io/') && asString(path(o, 'spec', 'location')) === 'MESH_EXTERNAL')
    .map(o => ({
      namespace: namespaceOf(o),
      serviceEntry: o.metadata?.name ?? '',
      hosts: (asArray(path(o, 'spec', 'hosts')) ?? []).map(String),
      addresses: (asArray(path(o, 'spec', 'addresses')) ?? []).map(String),
      ports: dictArray(path(o, 'spec', 'ports')).map(p => asNumber(p.number)).filter((n): n is number => n !== undefined),
      resolution: asString(path(o, 'spec', 'resolution')) ?? 'NONE',
      exportTo: (asArray(path(o, 'spec', 'exportTo')) ?? ['*']).map(String),
    }))
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.serviceEntry, b.serviceEntry));
}

/** The hosts by name among `hosts` (see {@link outsideHosts}) that the sidecars of `namespace` may reach on `port`. */
export function hostsReachableFrom(hosts: readonly OutsideHost[], namespace: string, port: number): string[] {
  return hosts
    .filter(h => h.addresses.length === 0 && h.ports.includes(port) && (h.exportTo.includes('*') || h.exportTo.includes(namespace) || (h.exportTo.includes('.') && h.namespace === namespace)))
    .flatMap(h => h.hosts);
}

/** The `## Outside hosts` section; empty when there is no ServiceEntry. */
export function renderOutsideHosts(objects: readonly KubeObject[]): string[] {
  const hosts = outsideHosts(objects);
  if (hosts.length === 0) return [];
  return ['## Outside hosts', '',
    'Destinations outside the cluster in the mesh registry (ServiceEntries): under `REGISTRY_ONLY` a sidecar reaches these and the cluster\'s Services, nothing else. '
      + 'ztunnel does not enforce the registry; a NetworkPolicy cannot name a host, so egress to a host by name is open to every address on its ports at that layer.', '',
    table(['Namespace', 'ServiceEntry', 'Hosts', 'Addresses', 'Ports', 'Resolution', 'Visible to'], hosts.map(h => [
      code(h.namespace), code(h.serviceEntry), tableCell(h.hosts.join(', ')), tableCell(h.addresses.join(', ') || '—'), h.ports.join(', '), h.resolution,
      tableCell(h.exportTo.map(x => (x === '.' ? 'its namespace' : x === '*' ? 'every namespace' : x)).join(', ')),
    ]))];
}
