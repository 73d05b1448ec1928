import { ApiObject } from 'cdk8s';
import type { AppModel } from '../app-model';
import { type Flow, isPolicyHost, PeerDataPlane, PeerKind, Protocol } from '../connectivity';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../restricted-defaults';

// Private module of the mesh layer: the mesh's registry of destinations outside the cluster.

/** Ports whose traffic a ServiceEntry declares as TLS (routed by SNI); the others as opaque TCP. */
const TLS_PORTS = new Set([443, 6443, 8443, 9443]);

/**
 * One ServiceEntry per namespace and outside destination that a sidecar-mode workload of the
 * namespace calls (`allowTo(Peer.host(...))`, `allowTo(Peer.ipBlock(...))`): `MESH_EXTERNAL`,
 * visible to that namespace only (`exportTo: ['.']`), with the declared TCP ports. Under the
 * mesh's `outboundTrafficPolicy: REGISTRY_ONLY` (IstioMesh.installValues) the client's sidecar
 * reaches what the registry holds and nothing else, so IP-block flows need their entry too. A
 * host is resolved by DNS (a `*.` host by SNI, resolution NONE); an IP block by its addresses.
 * Host flows from ambient or unmeshed clients are refused by the workload's cross-checks
 * (hostEgressProblems): nothing there enforces the registry.
 */
export function writeEgressRegistry(model: AppModel, declared: readonly Flow[], modeOf: (flow: Flow) => PeerDataPlane): void {
  const entries = new Map<string, { namespace: string; flow: Flow; ports: Set<number> }>();
  for (const flow of declared) {
    const to = flow.to.toPeerSelector();
    if ((to.kind !== PeerKind.HOST && to.kind !== PeerKind.IP_BLOCK) || !isPolicyHost(flow.from)) continue;
    const namespace = flow.from.namespaceName;
    const mode = modeOf(flow);
    if (mode !== PeerDataPlane.SIDECAR) continue;
    const key = `${namespace}\0${to.key}`;
    const entry = entries.get(key) ?? { namespace, flow, ports: new Set<number>() };
    entries.set(key, entry);
    for (const p of flow.ports) {
      if (p.protocol !== Protocol.TCP) continue;
      for (let n = p.port; n <= (p.endPort ?? p.port); n++) entry.ports.add(n);
    }
  }
  for (const { namespace, flow, ports } of [...entries.values()].sort((a, b) => (a.namespace + a.flow.to.toPeerSelector().key < b.namespace + b.flow.to.toPeerSelector().key ? -1 : 1))) {
    if (ports.size === 0) continue;
    const to = flow.to.toPeerSelector();
    const scope = model.namespace(namespace);
    if (!scope) continue; // the workload's cross-checks report the missing namespace
    const host = to.kind === PeerKind.HOST ? to.host! : `cidr-${to.cidr!.replace(/[^0-9a-f]+/gi, '-')}.external`;
    const wildcard = host.startsWith('*.');
    const name = (to.kind === PeerKind.HOST ? host.replace(/^\*\./, 'wildcard.') : host).replace(/[^a-z0-9]+/g, '-').slice(0, 63).replace(/-+$/, '');
    new ApiObject(scope, `ServiceEntry-${name}`, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      spec: {
        hosts: [host],
        ...(to.kind === PeerKind.IP_BLOCK ? { addresses: [to.cidr!] } : {}),
        location: 'MESH_EXTERNAL',
        resolution: to.kind === PeerKind.HOST && !wildcard ? 'DNS' : 'NONE',
        ports: [...ports].sort((a, b) => a - b).map(n => ({ number: n, name: `${TLS_PORTS.has(n) ? 'tls' : 'tcp'}-${n}`, protocol: TLS_PORTS.has(n) ? 'TLS' : 'TCP' })),
        exportTo: ['.'],
      },
    });
  }
}
