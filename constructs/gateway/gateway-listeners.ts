import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  GatewaySpecListeners, GatewaySpecListenersAllowedRoutes, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode,
  HttpRoute, HttpRouteSpecRulesFiltersRequestRedirectScheme, HttpRouteSpecRulesFiltersRequestRedirectStatusCode, HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesMatchesPathType, ReferenceGrant,
} from '../imports/gateway-api/gateway.networking.k8s.io';
import { NAMESPACE_NAME_LABEL } from '../restricted-defaults';

/** One HTTPS listener of a HardenedGateway. */
export interface GatewayHttpsListener {
  /** The listener's name (a route's `sectionName`). */
  readonly name: string;
  /**
   * Its hostname.
   * @default - every hostname
   */
  readonly hostname?: string;
}

const GROUP = 'gateway.networking.k8s.io';

/** One HTTPS listener per hostname (`https-shop-example-com`, `https-wildcard-example-com`), or one `https` for every hostname. @internal */
export function httpsListeners(hostnames: readonly string[]): GatewayHttpsListener[] {
  return (hostnames.length > 0 ? hostnames : [undefined]).map(hostname => ({
    name: hostname === undefined ? 'https' : `https-${hostname.replace(/^\*/, 'wildcard').replace(/\./g, '-')}`.slice(0, 253),
    ...(hostname !== undefined ? { hostname } : {}),
  }));
}

/**
 * The Gateway's listeners: HTTPS ones terminating TLS with the certificate, taking HTTPRoutes and
 * GRPCRoutes from the namespaces `routeNamespaces` returns at synth (a selector on their name
 * label); the HTTP one, if any, taking HTTPRoutes from the Gateway's own namespace only.
 * @internal
 */
export function gatewayListeners(props: {
  readonly https: readonly GatewayHttpsListener[]; readonly httpsPort: number; readonly httpRedirectPort?: number;
  readonly secretName: string; readonly secretNamespace?: string; readonly routeNamespaces: () => string[];
}): GatewaySpecListeners[] {
  const allowedRoutes = (kinds: string[], from: GatewaySpecListenersAllowedRoutesNamespacesFrom) => Lazy.any({
    produce: () => ({
      kinds: kinds.map(kind => ({ group: GROUP, kind })),
      namespaces: from === GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME ? { from } : {
        from, selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: props.routeNamespaces() }] },
      },
    }),
  }) as unknown as GatewaySpecListenersAllowedRoutes; // resolved by ApiObject.toJson before the typed serializer runs
  const certificate = { group: '', kind: 'Secret', name: props.secretName, ...(props.secretNamespace !== undefined ? { namespace: props.secretNamespace } : {}) };
  const listeners: GatewaySpecListeners[] = props.https.map(l => ({
    name: l.name, port: props.httpsPort, protocol: 'HTTPS', ...(l.hostname !== undefined ? { hostname: l.hostname } : {}),
    tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [certificate] },
    allowedRoutes: allowedRoutes(['HTTPRoute', 'GRPCRoute'], GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR),
  }));
  if (props.httpRedirectPort !== undefined) {
    listeners.push({ name: 'http', port: props.httpRedirectPort, protocol: 'HTTP', allowedRoutes: allowedRoutes(['HTTPRoute'], GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME) });
  }
  return listeners;
}

interface GatewayObjectMeta {
  readonly gateway: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The only route of the HTTP listener: every request redirected to HTTPS with 301. @internal */
export function httpsRedirectRoute(scope: Construct, id: string, props: GatewayObjectMeta & { readonly hostnames: readonly string[]; readonly httpsPort: number }): HttpRoute {
  return new HttpRoute(scope, id, {
    metadata: { name: `${props.gateway}-https-redirect`, namespace: props.namespace, labels: { ...props.labels } },
    spec: {
      parentRefs: [{ group: GROUP, kind: 'Gateway', name: props.gateway, sectionName: 'http' }],
      ...(props.hostnames.length > 0 ? { hostnames: [...props.hostnames] } : {}),
      rules: [{
        matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
        filters: [{ type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT, requestRedirect: {
          scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
          statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
          ...(props.httpsPort !== 443 ? { port: props.httpsPort } : {}),
        } }],
      }],
    },
  });
}

/** The ReferenceGrant, in the Secret's namespace, that lets the Gateway's namespace read the certificate. @internal */
export function certificateGrant(scope: Construct, id: string, props: GatewayObjectMeta & { readonly secretName: string; readonly secretNamespace: string }): ReferenceGrant {
  return new ReferenceGrant(scope, id, {
    metadata: { name: `${props.namespace}-${props.gateway}-certificate`.slice(0, 253), namespace: props.secretNamespace, labels: { ...props.labels } },
    spec: {
      from: [{ group: GROUP, kind: 'Gateway', namespace: props.namespace }],
      to: [{ group: '', kind: 'Secret', name: props.secretName }],
    },
  });
}
