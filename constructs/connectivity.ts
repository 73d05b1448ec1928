import { IConstruct } from 'constructs';
import * as v from './_validate';
import { HardenedInputError } from './errors';
import { IPeer, PeerDataPlane, PeerKind, PeerSelector } from './peer';
import { NAMESPACE_NAME_LABEL } from './restricted-defaults';

export { type IPeer, Peer, PeerDataPlane, PeerKind, type PeerNamespaceOptions, type PeerPodsOptions, type PeerSelector } from './peer';

/**
 * A peer that this blueprint owns, so that policies can be written on its side: a hardened
 * workload or a hardened namespace.
 */
export interface IPolicyHost extends IPeer, IConstruct {
  /** The namespace the host's policies live in. */
  readonly namespaceName: string;
  /** Creates (once) the construct that holds the host's policy for one direction. */
  _ensureNetworkPolicy(direction: FlowDirection): void;
}

/** The direction of a policy, seen from its host. */
export enum FlowDirection {
  /** Traffic the host receives. */
  INGRESS = 'Ingress',
  /** Traffic the host sends. */
  EGRESS = 'Egress',
}

/** Transport protocols NetworkPolicies can name. */
export enum Protocol {
  /** TCP */
  TCP = 'TCP',
  /** UDP */
  UDP = 'UDP',
  /** SCTP */
  SCTP = 'SCTP',
}

/** A destination port or port range of a flow. */
export class Port {
  /** One TCP port. */
  public static tcp(port: number): Port { return new Port(Protocol.TCP, port); }
  /** One UDP port. */
  public static udp(port: number): Port { return new Port(Protocol.UDP, port); }
  /** One SCTP port. */
  public static sctp(port: number): Port { return new Port(Protocol.SCTP, port); }
  /** A range of TCP ports, both ends included. */
  public static tcpRange(from: number, to: number): Port { return new Port(Protocol.TCP, from, to); }

  private constructor(
    /** The protocol. */
    public readonly protocol: Protocol,
    /** The port, or the first port of the range. */
    public readonly port: number,
    /** The last port of the range. @default - a single port */
    public readonly endPort?: number,
  ) {}

  /** `8080/TCP` or `8000-8099/TCP`. */
  public toString(): string {
    return `${this.port}${this.endPort === undefined ? '' : `-${this.endPort}`}/${this.protocol}`;
  }
}

/** Options for `allowFrom` and `allowTo`. */
export interface AllowOptions {
  /**
   * The destination ports the flow may use. At least one: every hole is declared.
   */
  readonly ports: readonly Port[];
}

/** One declared flow: `from` may open connections to `to` on `ports`. */
export interface Flow {
  /** The client. */
  readonly from: IPeer;
  /** The server. */
  readonly to: IPeer;
  /** Destination ports, validated, de-duplicated and sorted. */
  readonly ports: readonly Port[];
  /** Path of the construct whose call declared the flow. */
  readonly declaredBy: string;
  /**
   * Ports the mesh's transport needs on this flow besides `ports` (HBONE 15008 between ambient
   * pods): the NetworkPolicies open them too, the mesh never authorizes them.
   * @default []
   */
  readonly transportPorts?: readonly Port[];
  /**
   * Why the mesh added this flow itself (e.g. `kubelet probes`); absent for declared flows. Such
   * flows get no ALLOW rule and are not compared with the container ports.
   * @default - a declared flow
   */
  readonly infrastructure?: string;
}


/**
 * The single description of who may talk to whom in one app (`AppModel.of(scope).connectivity`).
 * `allowFrom`/`allowTo` add flows here; at synth the NetworkPolicy layer (and, with the mesh, the
 * AuthorizationPolicy layer) derives its objects from it, so the layers cannot disagree.
 */
export class ConnectivityGraph {
  private readonly _flows = new Map<string, Flow>();
  /** The data plane each outside peer was first declared with, by peer key. */
  private readonly dataPlanes = new Map<string, PeerDataPlane>();

  /** Sorted flows, and flows by host end and direction; rebuilt after a flow is added. */
  private index?: { sorted: Flow[]; byEnd: Map<IPeer, { Ingress: Flow[]; Egress: Flow[] }> };

  /** Every declared flow, in a stable order. */
  public get flows(): Flow[] {
    return [...this.indexed().sorted];
  }

  /**
   * Declares that `from` may connect to `to` on `ports`; the policies on the owned sides are
   * written at synth. `declaredBy` is the construct whose method was called (named in errors).
   */
  public addFlow(declaredBy: IConstruct, field: string, from: IPeer, to: IPeer, options: AllowOptions & { readonly infrastructure?: string }): Flow {
    const ports = validatePorts(declaredBy, `${field}.ports`, options?.ports);
    const fromSel = validatePeer(declaredBy, `${field}.peer`, from.toPeerSelector());
    const toSel = validatePeer(declaredBy, `${field}.peer`, to.toPeerSelector());
    const fromHost = isPolicyHost(from) ? from : undefined;
    const toHost = isPolicyHost(to) ? to : undefined;
    if (!fromHost && !toHost) {
      throw new HardenedInputError(declaredBy, `${field}.peer`, fromSel.key, 'connects two peers that this blueprint does not own, so no policy can be written',
        'declare flows between a hardened workload or namespace and another peer');
    }
    if (fromSel.kind === PeerKind.HOST) {
      throw new HardenedInputError(declaredBy, `${field}.peer`, fromSel.host, 'is a host by name as a client: a NetworkPolicy cannot admit traffic by the name of its source',
        'declare the flow with allowTo(Peer.host(...)) from the workload that calls it; for traffic from outside use Peer.ipBlock');
    }
    if (toSel.kind === PeerKind.IP_BLOCK && fromSel.kind === PeerKind.IP_BLOCK) {
      throw new HardenedInputError(declaredBy, `${field}.peer`, toSel.cidr, 'connects two IP blocks', 'one side of a flow must be a workload or namespace');
    }
    for (const [peer, sel] of [[from, fromSel], [to, toSel]] as const) {
      if (isPolicyHost(peer) || sel.dataPlane === undefined) continue;
      const first = this.dataPlanes.get(sel.key);
      if (first !== undefined && first !== sel.dataPlane) {
        throw new HardenedInputError(declaredBy, `${field}.peer.dataPlane`, sel.dataPlane, `contradicts an earlier declaration of the same peer (${sel.key}) as dataPlane "${first}": its pods run one data plane, which decides the transport of every flow with them`,
          `declare the peer once with its real mode (PeerDataPlane.SIDECAR, AMBIENT or NONE) and reuse it`);
      }
      this.dataPlanes.set(sel.key, sel.dataPlane);
    }
    const key = `${fromSel.key} -> ${toSel.key}`;
    const existing = this._flows.get(key);
    const merged = mergePorts([...(existing?.ports ?? []), ...ports]);
    const infrastructure = existing?.infrastructure ?? options.infrastructure;
    const flow: Flow = {
      from, to, ports: merged, declaredBy: existing?.declaredBy ?? declaredBy.node.path,
      ...(existing?.transportPorts ? { transportPorts: existing.transportPorts } : {}),
      ...(infrastructure !== undefined ? { infrastructure } : {}),
    };
    this._flows.set(key, flow);
    this.index = undefined;
    return flow;
  }

  /**
   * Adds ports the mesh's transport needs to a declared flow (see {@link Flow.transportPorts});
   * the mesh layer calls it at synth, before the NetworkPolicy layer.
   */
  public addTransportPorts(flow: Flow, ports: readonly Port[]): Flow {
    const key = `${flow.from.toPeerSelector().key} -> ${flow.to.toPeerSelector().key}`;
    const existing = this._flows.get(key);
    if (!existing) throw new Error(`addTransportPorts: no declared flow ${key}`);
    const updated: Flow = { ...existing, transportPorts: mergePorts([...(existing.transportPorts ?? []), ...ports]) };
    this._flows.set(key, updated);
    this.index = undefined;
    return updated;
  }

  /** The owned hosts that need a policy, each with a direction it has flows in, in the order the flows were first declared. */
  public policyHosts(): { readonly host: IPolicyHost; readonly direction: FlowDirection }[] {
    const out: { host: IPolicyHost; direction: FlowDirection }[] = [];
    const seen = new Set<string>();
    const add = (peer: IPeer, direction: FlowDirection) => {
      if (!isPolicyHost(peer)) return;
      const key = `${peer.node.path}\0${direction}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ host: peer, direction });
    };
    for (const f of this._flows.values()) {
      add(f.from, FlowDirection.EGRESS);
      add(f.to, FlowDirection.INGRESS);
    }
    return out;
  }

  /** The flows a host's policy for `direction` must allow. */
  public flowsOf(host: IPolicyHost, direction: FlowDirection): Flow[] {
    return [...(this.indexed().byEnd.get(host)?.[direction] ?? [])];
  }

  private indexed(): { sorted: Flow[]; byEnd: Map<IPeer, { Ingress: Flow[]; Egress: Flow[] }> } {
    if (!this.index) {
      const sorted = [...this._flows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
      const byEnd = new Map<IPeer, { Ingress: Flow[]; Egress: Flow[] }>();
      const of = (peer: IPeer) => byEnd.get(peer) ?? byEnd.set(peer, { Ingress: [], Egress: [] }).get(peer)!;
      for (const f of sorted) {
        of(f.to).Ingress.push(f);
        of(f.from).Egress.push(f);
      }
      this.index = { sorted, byEnd };
    }
    return this.index;
  }
}

/** True when the peer is owned by this blueprint (a hardened workload or namespace). */
export function isPolicyHost(peer: IPeer): peer is IPolicyHost {
  return typeof (peer as Partial<IPolicyHost>)._ensureNetworkPolicy === 'function';
}

function validatePorts(scope: IConstruct, field: string, ports: readonly Port[] | undefined): Port[] {
  if (!ports || ports.length === 0) {
    throw new HardenedInputError(scope, field, ports ?? [], 'declares no port; every hole must be declared',
      'list the destination ports, e.g. { ports: [Port.tcp(8080)] }');
  }
  ports.forEach((p, i) => {
    // networking/v1 NetworkPolicyPort: TCP, UDP or SCTP; ICMP cannot be allowed port by port
    if (!(Object.values(Protocol) as string[]).includes(p?.protocol)) {
      throw new HardenedInputError(scope, `${field}[${i}].protocol`, p?.protocol, 'is not a protocol a NetworkPolicy can allow (TCP, UDP, SCTP)',
        'use Port.tcp(), Port.udp() or Port.sctp(); NetworkPolicies cannot select ICMP, so leave it to the CNI');
    }
    v.port(scope, `${field}[${i}].port`, p.port);
    if (p.endPort !== undefined) {
      v.port(scope, `${field}[${i}].endPort`, p.endPort);
      if (p.endPort < p.port) {
        throw new HardenedInputError(scope, `${field}[${i}].endPort`, p.endPort, `is below the first port ${p.port}`, 'write the range as (low, high)');
      }
    }
  });
  return mergePorts(ports);
}

/** The ports a flow's NetworkPolicy rules open: the declared ports and the transport ports, merged and sorted. */
export function openPorts(flow: Flow): Port[] {
  return flow.transportPorts && flow.transportPorts.length > 0 ? mergePorts([...flow.ports, ...flow.transportPorts]) : [...flow.ports];
}

function mergePorts(ports: readonly Port[]): Port[] {
  const byKey = new Map<string, Port>();
  for (const p of ports) byKey.set(p.toString(), p);
  return [...byKey.values()].sort((a, b) => (a.protocol === b.protocol ? a.port - b.port || (a.endPort ?? 0) - (b.endPort ?? 0) : a.protocol < b.protocol ? -1 : 1));
}

/** A host name as a ServiceEntry takes it: a DNS name of two labels or more, optionally with one leading `*.` label. */
const HOST_NAME = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

function validatePeer(scope: IConstruct, field: string, peer: PeerSelector): PeerSelector {
  if (peer.kind === PeerKind.HOST) {
    const host = peer.host ?? '';
    if (host.length > 253 || !HOST_NAME.test(host)) {
      const problem = host.includes('*') ? 'has a wildcard Istio does not accept in a ServiceEntry host (only one leading "*." label, e.g. "*.example.com")'
        : /^[0-9.:]+$/.test(host) ? 'is an IP address, not a host name' : 'is not a lowercase DNS name of two labels or more';
      throw new HardenedInputError(scope, `${field}.host`, host, problem, /^[0-9.:]+$/.test(host) ? `use Peer.ipBlock("${host}/32")` : 'name the host as clients resolve it, e.g. "api.stripe.com"');
    }
    return peer;
  }
  if (peer.kind === PeerKind.IP_BLOCK) {
    v.cidr(scope, `${field}.cidr`, peer.cidr ?? '');
    (peer.except ?? []).forEach((e, i) => v.exceptBlock(scope, `${field}.except[${i}]`, e, peer.cidr!));
    return peer;
  }
  v.dnsLabel(scope, `${field}.namespace`, peer.namespace ?? '');
  if (peer.podLabels) v.labels(scope, `${field}.podLabels`, peer.podLabels);
  if (peer.serviceAccount !== undefined) v.dnsSubdomain(scope, `${field}.serviceAccount`, peer.serviceAccount);
  return peer;
}

/** The NetworkPolicy peer (`from`/`to` element) that selects `peer`; namespace and pods AND in one element. */
export function networkPolicyPeer(peer: PeerSelector): Record<string, unknown> {
  // a NetworkPolicy cannot name a host: every address, and the client's sidecar narrows it to the registry
  if (peer.kind === PeerKind.HOST) return { ipBlock: { cidr: '0.0.0.0/0' } };
  if (peer.kind === PeerKind.IP_BLOCK) {
    return { ipBlock: { cidr: peer.cidr, ...(peer.except && peer.except.length > 0 ? { except: [...peer.except] } : {}) } };
  }
  const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } };
  if (!peer.podLabels) return { namespaceSelector };
  return { namespaceSelector, podSelector: { matchLabels: { ...peer.podLabels } } };
}
