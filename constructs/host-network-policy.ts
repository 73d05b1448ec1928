import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AppModel } from './app-model';
import { Flow, FlowDirection, IPolicyHost, networkPolicyPeer, openPorts, PeerSelector } from './connectivity';
import { MANAGED_BY, MANAGED_BY_LABEL } from './restricted-defaults';

/** Props of {@link HostNetworkPolicy}. */
export interface HostNetworkPolicyProps {
  /** The hardened workload or namespace whose traffic the policy opens. */
  readonly host: IPolicyHost;
  /** Which direction, seen from the host. */
  readonly direction: FlowDirection;
  /** The policy's name. */
  readonly name: string;
  /**
   * The pods the policy applies to.
   * @default - every pod of the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/**
 * The one NetworkPolicy that opens one direction of one host: one rule per peer of the
 * {@link ConnectivityGraph} with that peer's ports, sorted. The NetworkPolicy layer of the
 * {@link AppModel} creates it at synth, only when a flow needs it, so the output holds exactly
 * the policies the declared flows need.
 */
export class HostNetworkPolicy extends Construct {
  /**
   * The host's policy for `direction`, created on first use as the child `IngressPolicy` or
   * `EgressPolicy` of the host, named `<namePrefix>-allow-ingress|egress`.
   */
  public static ensure(host: IPolicyHost & Construct, direction: FlowDirection, namePrefix: string, podLabels?: Readonly<Record<string, string>>): HostNetworkPolicy {
    const id = direction === FlowDirection.INGRESS ? 'IngressPolicy' : 'EgressPolicy';
    const existing = host.node.tryFindChild(id);
    if (existing instanceof HostNetworkPolicy) return existing;
    const suffix = direction === FlowDirection.INGRESS ? 'ingress' : 'egress';
    return new HostNetworkPolicy(host, id, { host, direction, name: `${namePrefix}-allow-${suffix}`, podLabels });
  }

  /** The low-level NetworkPolicy. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: HostNetworkPolicyProps) {
    super(scope, id);
    const { host, direction } = props;
    const graph = AppModel.of(this).connectivity;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: props.name, namespace: host.namespaceName, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      spec: policySpec(graph.flowsOf(host, direction), direction, props.podLabels),
    });
  }
}

/** One rule per peer, with that peer's ports, sorted by peer key. */
function policySpec(flows: readonly Flow[], direction: FlowDirection, podLabels: Readonly<Record<string, string>> | undefined): Record<string, unknown> {
  const byPeer = new Map<string, { peer: PeerSelector; ports: Record<string, unknown>[] }>();
  for (const flow of flows) {
    const peer = (direction === FlowDirection.INGRESS ? flow.from : flow.to).toPeerSelector();
    const entry = byPeer.get(peer.key) ?? { peer, ports: [] };
    for (const p of openPorts(flow)) {
      entry.ports.push({ protocol: p.protocol, port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) });
    }
    byPeer.set(peer.key, entry);
  }
  const side = direction === FlowDirection.INGRESS ? 'from' : 'to';
  const rules = [...byPeer.keys()].sort().map(k => {
    const { peer, ports } = byPeer.get(k)!;
    return { [side]: [networkPolicyPeer(peer)], ports };
  });
  return {
    podSelector: podLabels ? { matchLabels: { ...podLabels } } : {},
    policyTypes: [direction],
    [direction === FlowDirection.INGRESS ? 'ingress' : 'egress']: rules,
  };
}
