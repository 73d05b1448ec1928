import type { IConstruct } from 'constructs';
import type { AppModel, IHardenedNamespace, IHardenedWorkload, IModelLayer } from '../app-model';
import { Flow, FlowDirection, IPeer, IPolicyHost, isPolicyHost, Peer, PeerDataPlane, PeerKind, Port, Protocol } from '../connectivity';
import { HardenedInputError } from '../errors';
import { KUBERNETES_FEATURES } from '../kubernetes-version';
import { RESTRICTED_DEFAULTS } from '../restricted-defaults';
import { denyAllAuthorizationPolicy, HostAuthorizationPolicy, MeshAllowRule, MeshSource } from './host-authorization-policy';
import { strictPeerAuthentication } from './peer-authentication';
import { DataPlaneMode } from './namespace-mesh';
import { isMeshProxyPeer } from './mesh-proxy-peer';
import { writeEgressRegistry } from './egress-registry';

/** The app's mesh installation (its `IstioMesh`), as the mesh layer reads it. */
export interface IMeshInstallation extends IConstruct {
  /** istiod's pods, which sidecars reach for configuration and certificates. */
  readonly controlPlane: IPeer;
  /** The one peer allowed to scrape the sidecars' merged metrics, if any. */
  readonly monitoring?: IPeer;
  /** The IP families of the cluster's pods (`IPv4`, `IPv6`). */
  readonly ipFamilies: readonly string[];
  /** The image reference of the injected sidecar proxy, when the app declares it. */
  readonly proxyImage?: string;
  /** The SPIFFE principal of a ServiceAccount, `<trust domain>/ns/<namespace>/sa/<name>`. */
  principal(namespace: string, serviceAccount: string): string;
  /** Writes the mesh-wide policies; the mesh layer calls it once at synth. @internal */
  _write(): void;
}

/** The name of the mesh layer in the app model. */
export const MESH_LAYER_NAME = 'istio-mesh';

/** Workload kinds that must run to completion: an ordinary sidecar container keeps their pods running. */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

/** The most ports one port range of a flow into the mesh may span (AuthorizationPolicy lists ports one by one). */
export const MAX_MESH_PORT_RANGE = 100;

/**
 * The mesh layer of the app model. At synth, before the NetworkPolicy layer, it derives from the
 * finished model:
 *
 * - the mesh-wide STRICT PeerAuthentication (from the app's one `IstioMesh`);
 * - per meshed namespace: a STRICT PeerAuthentication and a deny-by-default AuthorizationPolicy;
 * - per owned host in a meshed namespace: one ALLOW AuthorizationPolicy with one rule per declared
 *   flow into it (the client's principal or namespace, the flow's TCP ports);
 * - the NetworkPolicy holes the mesh needs, as flows of the connectivity graph, so the
 *   NetworkPolicy layer writes them like any other: egress to istiod on 15012 and, when a scraper
 *   is declared, ingress to 15020 (sidecar mode); HBONE 15008 added to each declared flow into
 *   (or out of) an ambient pod, and the kubelet probe source 169.254.7.127/32 (ambient mode).
 *
 * Flows the mesh itself adds get no ALLOW rule: only declared flows are authorized.
 */
export class MeshLayer implements IModelLayer {
  /** The mesh layer of the app of `model`, added on first use. */
  public static of(model: AppModel): MeshLayer {
    return model.ensureLayer(MESH_LAYER_NAME, () => new MeshLayer());
  }

  public readonly name = MESH_LAYER_NAME;
  private mesh?: IMeshInstallation;

  private constructor() {}

  /** Registers the app's IstioMesh; a second one fails. @internal */
  public _setMesh(mesh: IMeshInstallation): void {
    if (this.mesh) {
      throw new HardenedInputError(mesh, 'IstioMesh', mesh.node.id, `is the second IstioMesh of the app (the first is ${this.mesh.node.path})`, 'declare one IstioMesh per app');
    }
    this.mesh = mesh;
  }

  /** The app's IstioMesh, once it is declared. */
  public get installation(): IMeshInstallation | undefined {
    return this.mesh;
  }

  public prepare(model: AppModel): void {
    const meshed = model.namespaces.filter(ns => ns.mesh !== undefined);
    const mesh = this.mesh;
    if (!mesh) {
      if (meshed.length === 0) return;
      throw new HardenedInputError(meshed[0], 'mesh', meshed[0].mesh!.mode, 'puts the namespace in the mesh, but the app declares no IstioMesh (trust domain, root namespace, mesh-wide STRICT mTLS)',
        "add `new IstioMesh(<a chart>, 'mesh')` to the app");
    }
    const istio = model.istio;
    for (const ns of meshed) {
      if (ns.mesh!.mode === DataPlaneMode.AMBIENT && !istio.ambient) {
        throw new HardenedInputError(ns, 'mesh', 'ambient', `needs Istio 1.24 or later, and the app targets Istio ${istio.version}`,
          'use NamespaceMesh.sidecar(), or set the HardenedApp istioVersion to 1.24 or later (with a Kubernetes version it supports)');
      }
    }
    for (const w of model.workloads) {
      if (model.namespace(w.namespaceName)?.mesh?.mode !== DataPlaneMode.SIDECAR || !RUN_TO_COMPLETION.has(w.podTemplateObject.kind)) continue;
      if (model.kubernetesMinor < KUBERNETES_FEATURES.nativeSidecars) {
        throw new HardenedInputError(w, 'namespace', w.namespaceName, `is a sidecar-mode mesh namespace, and on Kubernetes ${model.kubernetesVersion} the injected istio-proxy is an ordinary container that never exits, so this ${w.podTemplateObject.kind} would never complete`,
          `put namespace "${w.namespaceName}" in the ambient mesh (NamespaceMesh.ambient(): no sidecar), or target Kubernetes 1.${KUBERNETES_FEATURES.nativeSidecars}+, where Istio injects the proxy as a native sidecar`);
      }
    }
    mesh._write();

    const modeOf = (peer: IPeer, end: FlowEnd): PeerDataPlane => dataPlaneOf(peer, model, end);
    // what the user declared, before the mesh adds its own holes
    const declared = model.connectivity.flows;
    for (const flow of declared) refuseUnworkable(flow, modeOf);

    const rulesByHost = new Map<IPolicyHost, MeshAllowRule[]>();
    for (const flow of declared) {
      if (!isPolicyHost(flow.to) || modeOf(flow.to, 'server') === PeerDataPlane.NONE) continue;
      const ports = tcpPorts(flow);
      if (ports.length === 0) continue; // UDP and SCTP do not pass through the proxy: L4 only
      const rules = rulesByHost.get(flow.to) ?? rulesByHost.set(flow.to, []).get(flow.to)!;
      rules.push({ peerKey: flow.from.toPeerSelector().key, source: sourceOf(flow, model, mesh), ports });
    }
    for (const [host, rules] of rulesByHost) {
      const prefix = model.namespace(host.namespaceName) === host ? 'namespace' : (host as Partial<IHardenedWorkload>).name ?? host.node.id;
      new HostAuthorizationPolicy(host, 'AuthorizationPolicy', { host, name: `${prefix}-allow-ingress`, rules });
    }

    const graph = model.connectivity;
    const defaults = RESTRICTED_DEFAULTS.mesh;
    const probeSources = [
      ...(mesh.ipFamilies.includes('IPv4') ? [defaults.ambientProbeSource] : []),
      ...(mesh.ipFamilies.includes('IPv6') ? [defaults.ambientProbeSourceIPv6] : []),
    ];
    for (const ns of meshed) {
      strictPeerAuthentication(ns, 'MeshPeerAuthentication', ns.name);
      denyAllAuthorizationPolicy(ns, 'MeshDefaultDeny', ns.name);
      if (ns.mesh!.mode === DataPlaneMode.SIDECAR) {
        if (!model.connectivity.flowsOf(ns, FlowDirection.EGRESS).some(f => f.ports.some(p => p.port <= DNS_PORT && DNS_PORT <= (p.endPort ?? p.port)))) {
          throw new HardenedInputError(ns, 'allowDns', false, `leaves the sidecar-mode namespace "${ns.name}" without DNS, and every injected pilot-agent resolves istiod's address (istiod.${defaults.controlPlane.namespace}.svc) to fetch its certificate and configuration: no pod of the namespace would start`,
            'keep allowDns (the default, true), or declare the namespace\'s own DNS flow on port 53 (allowTo(<resolver>, { ports: [Port.udp(53), Port.tcp(53)] }))');
        }
        graph.addFlow(mesh, 'controlPlane', ns, mesh.controlPlane, { ports: [Port.tcp(defaults.controlPlanePort)], infrastructure: 'istiod (xDS and CA)' });
        if (mesh.monitoring) graph.addFlow(mesh, 'monitoring', mesh.monitoring, ns, { ports: [Port.tcp(defaults.mergedMetricsPort)], infrastructure: 'merged metrics' });
      } else {
        // the kubelet's probes, which Istio CNI source-NATs to these addresses: only the probes' own ports
        for (const w of model.workloadsIn(ns.name)) {
          const ports = w.probePorts();
          if (ports.length === 0) continue;
          for (const source of probeSources) {
            graph.addFlow(mesh, 'ambientProbes', Peer.ipBlock(source), w, { ports: ports.map(p => Port.tcp(p)), infrastructure: 'kubelet probes' });
          }
        }
      }
    }
    for (const flow of declared) {
      if (usesHbone(flow, modeOf)) graph.addTransportPorts(flow, [Port.tcp(defaults.hbonePort)]);
    }
    writeEgressRegistry(model, declared, flow => modeOf(flow.from, 'client'));
  }
}

/** Which end of a flow a peer is. */
export type FlowEnd = 'client' | 'server';

/** The port of cluster DNS, which a sidecar's pilot-agent needs. */
const DNS_PORT = RESTRICTED_DEFAULTS.clusterDns.port;

/**
 * The data plane of one end of a flow: an Istio gateway's pods are proxies of the mesh (as a
 * sidecar); an owned peer has its namespace's mode (`none` outside the mesh); any other peer what
 * it declares (pods and namespaces: sidecar unless declared; IP blocks: none).
 */
export function dataPlaneOf(peer: IPeer, model: AppModel, end: FlowEnd): PeerDataPlane {
  // an Istio proxy in its own right (a gateway Istio deploys): as a client mTLS to sidecars and HBONE to
  // ambient pods; as a server its listeners take plaintext, outside PeerAuthentication
  if (isMeshProxyPeer(peer)) return end === 'client' ? PeerDataPlane.SIDECAR : PeerDataPlane.NONE;
  if (isPolicyHost(peer)) {
    const mode = model.namespace(peer.namespaceName)?.mesh?.mode;
    return mode === DataPlaneMode.AMBIENT ? PeerDataPlane.AMBIENT : mode === DataPlaneMode.SIDECAR ? PeerDataPlane.SIDECAR : PeerDataPlane.NONE;
  }
  const sel = peer.toPeerSelector();
  return sel.dataPlane ?? (sel.kind === PeerKind.IP_BLOCK ? PeerDataPlane.NONE : PeerDataPlane.SIDECAR);
}

/**
 * Whether a flow travels over HBONE (port 15008 of the server's pod): when either end is ambient
 * and both are in the mesh (ztunnel tunnels to an ambient destination, and a sidecar sends HBONE
 * to one; ztunnel sends plain TCP to a destination outside the mesh), and only for TCP (ztunnel
 * does not carry UDP or SCTP).
 */
export function usesHbone(flow: Flow, modeOf: (peer: IPeer, end: FlowEnd) => PeerDataPlane): boolean {
  const a = modeOf(flow.from, 'client');
  const b = modeOf(flow.to, 'server');
  if (a === PeerDataPlane.NONE || b === PeerDataPlane.NONE) return false;
  if (a !== PeerDataPlane.AMBIENT && b !== PeerDataPlane.AMBIENT) return false;
  return flow.ports.some(p => p.protocol === Protocol.TCP);
}

/** Refuses a declared flow whose client is outside the mesh and whose server is under mesh-wide STRICT mTLS. */
function refuseUnworkable(flow: Flow, modeOf: (peer: IPeer, end: FlowEnd) => PeerDataPlane): void {
  if (!flow.ports.some(p => p.protocol === Protocol.TCP)) return; // UDP and SCTP bypass the proxy
  if (modeOf(flow.from, 'client') !== PeerDataPlane.NONE || modeOf(flow.to, 'server') === PeerDataPlane.NONE) return;
  const client = flow.from.toPeerSelector();
  const server = flow.to.toPeerSelector();
  if (isPolicyHost(flow.to)) {
    if (client.kind === PeerKind.IP_BLOCK || isPolicyHost(flow.from)) return; // sourceOf says why
    throw new HardenedInputError(flow.declaredBy, 'peer', client.key, `is declared dataPlane "none" (outside the mesh), so it connects in plaintext into the meshed namespace "${server.namespace}", where STRICT mTLS refuses it`,
      'declare its real mode (Peer.pods(..., { dataPlane: PeerDataPlane.SIDECAR | AMBIENT })) if it is in the mesh, or let it enter through a gateway in the mesh');
  }
  const clientNs = client.namespace ?? '';
  throw new HardenedInputError(flow.declaredBy, 'peer', server.key, `is in the mesh (dataPlane "${modeOf(flow.to, 'server')}") under the mesh-wide STRICT PeerAuthentication, and the client's namespace "${clientNs}" is not in the mesh: its plaintext connections would be refused`,
    `put namespace "${clientNs}" in the mesh (HardenedNamespace mesh option), or, if the peer is not in the mesh, declare it so (Peer.pods(..., { dataPlane: PeerDataPlane.NONE }))`);
}

/** The TCP ports of a flow as AuthorizationPolicy strings; ranges expanded. */
function tcpPorts(flow: Flow): string[] {
  const out: string[] = [];
  for (const p of flow.ports) {
    if (p.protocol !== Protocol.TCP) continue;
    const end = p.endPort ?? p.port;
    if (end - p.port + 1 > MAX_MESH_PORT_RANGE) {
      throw new HardenedInputError(flow.declaredBy, 'ports', p.toString(), `spans more than ${MAX_MESH_PORT_RANGE} ports into a meshed workload, and AuthorizationPolicy lists ports one by one`,
        'declare the ports the server listens on');
    }
    for (let port = p.port; port <= end; port++) out.push(String(port));
  }
  return out;
}

/** The mesh identity of a flow's client; refuses clients that STRICT mTLS would refuse or that have no identity. */
function sourceOf(flow: Flow, model: AppModel, mesh: IMeshInstallation): MeshSource {
  const client = flow.from.toPeerSelector();
  const server = flow.to.toPeerSelector();
  const into = `into the meshed namespace "${server.namespace}"`;
  if (client.kind === PeerKind.IP_BLOCK) {
    throw new HardenedInputError(flow.declaredBy, 'peer', client.cidr, `is an IP block sending ${into}, where STRICT mTLS refuses clients outside the mesh`,
      'let the traffic enter through a gateway in the mesh and declare the gateway as the peer (Peer.pods(<namespace>, <labels>, { serviceAccount }))');
  }
  const clientNamespace: IHardenedNamespace | undefined = model.namespace(client.namespace!);
  if (clientNamespace && !clientNamespace.mesh && !isMeshProxyPeer(flow.from)) {
    throw new HardenedInputError(flow.declaredBy, 'peer', client.key, `is in namespace "${client.namespace}", which is not in the mesh: its connections ${into} would be refused by STRICT mTLS`,
      `put namespace "${client.namespace}" in the mesh (HardenedNamespace mesh option), or remove the flow`);
  }
  if (client.kind === PeerKind.NAMESPACE) return { namespaces: [client.namespace!] };
  if (client.serviceAccount === undefined) {
    throw new HardenedInputError(flow.declaredBy, 'peer', client.key, `has no mesh identity, so no AuthorizationPolicy can admit it ${into}`,
      'give its ServiceAccount: Peer.pods(<namespace>, <labels>, { serviceAccount: "<name>" }), or admit its whole namespace with Peer.namespace(<namespace>)');
  }
  return { principals: [mesh.principal(client.namespace!, client.serviceAccount)] };
}
