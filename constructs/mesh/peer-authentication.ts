import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../imports/istio/security.istio.io';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../restricted-defaults';

/** A STRICT PeerAuthentication named `default` without selector in `namespace` (security.istio.io/v1, every known Istio line). @internal */
export function strictPeerAuthentication(scope: Construct, id: string, namespace: string): ApiObject {
  const metadata = { name: 'default', namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } };
  return new PeerAuthentication(scope, id, { metadata, spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } } });
}
