import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IPolicyHost } from '../connectivity';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../restricted-defaults';
import { AuthorizationPolicy, AuthorizationPolicySpecAction } from '../imports/istio/security.istio.io';

/** Who an ALLOW rule admits: SPIFFE principals or whole namespaces (L4 attributes only). */
export interface MeshSource {
  /** `<trustDomain>/ns/<namespace>/sa/<serviceAccount>` identities. @default - none */
  readonly principals?: readonly string[];
  /** Namespaces whose every mesh identity is admitted. @default - none */
  readonly namespaces?: readonly string[];
}

/** One ALLOW rule: one declared flow into the host. */
export interface MeshAllowRule {
  /** The client's stable peer key (orders the rules). */
  readonly peerKey: string;
  /** The client. */
  readonly source: MeshSource;
  /** The destination ports, as AuthorizationPolicy writes them (strings). */
  readonly ports: readonly string[];
}

/** Props of {@link HostAuthorizationPolicy}. */
export interface HostAuthorizationPolicyProps {
  /** The workload or namespace that receives the flows. */
  readonly host: IPolicyHost;
  /** The policy's name. */
  readonly name: string;
  /** The rules, one per declared flow into the host. */
  readonly rules: readonly MeshAllowRule[];
}

/**
 * The one ALLOW AuthorizationPolicy of one host: one rule per declared flow into it, keyed by the
 * client's identity and the flow's TCP ports; the namespace's deny-by-default policy (`spec: {}`)
 * refuses everything else. The mesh layer creates it at synth, as the child `AuthorizationPolicy`
 * of the host, only when the host has flows into it. A namespace host's policy has no selector.
 */
export class HostAuthorizationPolicy extends Construct {
  /** The low-level AuthorizationPolicy. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: HostAuthorizationPolicyProps) {
    super(scope, id);
    const podLabels = props.host.toPeerSelector().podLabels;
    const rules = [...props.rules].sort((a, b) => (a.peerKey < b.peerKey ? -1 : a.peerKey > b.peerKey ? 1 : 0)).map(r => ({
      from: [{ source: {
        ...(r.source.principals ? { principals: [...r.source.principals] } : {}),
        ...(r.source.namespaces ? { namespaces: [...r.source.namespaces] } : {}),
      } }],
      to: [{ operation: { ports: [...r.ports] } }],
    }));
    const metadata = { name: props.name, namespace: props.host.namespaceName, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } };
    const selector = podLabels ? { selector: { matchLabels: { ...podLabels } } } : {};
    this.apiObject = new AuthorizationPolicy(this, 'Resource', { metadata, spec: { ...selector, action: AuthorizationPolicySpecAction.ALLOW, rules } });
  }
}

/** The deny-by-default AuthorizationPolicy of a meshed namespace: `spec: {}` (ALLOW nothing). @internal */
export function denyAllAuthorizationPolicy(scope: Construct, id: string, namespace: string): ApiObject {
  const metadata = { name: 'default-deny-all', namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } };
  return new AuthorizationPolicy(scope, id, { metadata, spec: {} });
}
