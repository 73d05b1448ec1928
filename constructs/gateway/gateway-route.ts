import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';
import type { HardenedContainerPort } from '../hardened-container';
import { GrpcRoute, GrpcRouteSpecRulesMatchesMethodType, HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../imports/gateway-api/gateway.networking.k8s.io';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../restricted-defaults';
import { gatewayHostname } from './gateway-hostname';
import type { GatewayHttpsListener } from './gateway-listeners';
import type { HardenedGateway } from './hardened-gateway';

/** The kind of route a workload is exposed with. */
export enum GatewayRouteKind {
  /** HTTPRoute: HTTP requests by hostname and path prefix. */
  HTTP = 'HTTPRoute',
  /** GRPCRoute: gRPC calls by hostname and service. */
  GRPC = 'GRPCRoute',
}

/** Options of `HardenedWorkload.exposeViaGateway`. */
export interface ExposeViaGatewayOptions {
  /** The hostnames clients use, e.g. `shop.example.com`; each must be served by an HTTPS listener of the gateway. */
  readonly hostnames: readonly string[];
  /**
   * The kind of route.
   * @default GatewayRouteKind.HTTP
   */
  readonly kind?: GatewayRouteKind;
  /**
   * Path prefixes routed to the workload (HTTP routes).
   * @default ["/"]
   */
  readonly paths?: readonly string[];
  /**
   * Fully qualified gRPC services routed to the workload, e.g. `shop.v1.Cart` (gRPC routes).
   * @default - every service
   */
  readonly grpcServices?: readonly string[];
  /**
   * The container port to route to (through the workload's Service).
   * @default - the only TCP port of the main containers (required when there are several)
   */
  readonly containerPort?: number;
}

/** What the route is made of: validated by {@link validateGatewayRoute}, attached by the gateway. @internal */
export interface GatewayRouteProps {
  readonly gateway: HardenedGateway;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly port: HardenedContainerPort;
  readonly route: ValidatedGatewayRoute;
  /** The HTTPS listeners the route attaches to (from `HardenedGateway._attach`). */
  readonly listeners: readonly GatewayHttpsListener[];
}

/** Validated route options. @internal */
export interface ValidatedGatewayRoute {
  readonly kind: GatewayRouteKind;
  readonly hostnames: readonly string[];
  /** Path prefixes, or gRPC services (`*`: every service). */
  readonly matches: readonly string[];
}

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;
const GRPC_SERVICE = /^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/;
const EVERY_SERVICE = '*';

/**
 * Validates the options of `exposeViaGateway`: hostnames (see gatewayHostname), absolute
 * normalized path prefixes (the HTTPRoute CRD's rules and more: no `//`, `/./`, `/../`, encoded
 * `/`), or fully qualified gRPC services; each once.
 * @internal
 */
export function validateGatewayRoute(scope: IConstruct, field: string, o: ExposeViaGatewayOptions): ValidatedGatewayRoute {
  const kind = o?.kind ?? GatewayRouteKind.HTTP;
  const hostnames = (o?.hostnames ?? []).map((h, i) => gatewayHostname(scope, `${field}.hostnames[${i}]`, h));
  if (hostnames.length === 0) throw new HardenedInputError(scope, `${field}.hostnames`, o?.hostnames, 'is empty', 'give the hostnames clients use, e.g. ["shop.example.com"]');
  if (new Set(hostnames).size !== hostnames.length) throw new HardenedInputError(scope, `${field}.hostnames`, hostnames, 'lists a hostname twice', 'list each hostname once');
  let matches: string[];
  if (kind === GatewayRouteKind.HTTP) {
    if (o.grpcServices !== undefined) throw new HardenedInputError(scope, `${field}.grpcServices`, o.grpcServices, 'is given for an HTTP route', 'use kind: GatewayRouteKind.GRPC, or drop grpcServices');
    matches = [...(o.paths ?? ['/'])];
    if (matches.length === 0) throw new HardenedInputError(scope, `${field}.paths`, matches, 'is empty', 'give at least one path prefix, e.g. "/"');
    matches.forEach((p, i) => {
      const bad = typeof p !== 'string' || !p.startsWith('/') || !PATH_CHARS.test(p) || /\/\/|\/\.\.?(\/|$)|%2f/i.test(p);
      if (bad) throw new HardenedInputError(scope, `${field}.paths[${i}]`, p, 'is not an absolute, normalized URL path', 'write e.g. "/" or "/api" (no "//", "/./", "/../" or encoded "/")');
    });
  } else {
    if (o.paths !== undefined) throw new HardenedInputError(scope, `${field}.paths`, o.paths, 'is given for a gRPC route', 'route gRPC by service (grpcServices), or use kind: GatewayRouteKind.HTTP');
    if (o.grpcServices !== undefined && o.grpcServices.length === 0) throw new HardenedInputError(scope, `${field}.grpcServices`, o.grpcServices, 'is empty', 'list the services, or leave grpcServices unset for every service');
    matches = [...(o.grpcServices ?? [EVERY_SERVICE])];
    matches.forEach((s, i) => {
      if (o.grpcServices === undefined) return;
      if (typeof s !== 'string' || !GRPC_SERVICE.test(s)) throw new HardenedInputError(scope, `${field}.grpcServices[${i}]`, s, 'is not a fully qualified gRPC service name', 'write e.g. "shop.v1.Cart"');
    });
  }
  if (new Set(matches).size !== matches.length) throw new HardenedInputError(scope, `${field}.${kind === GatewayRouteKind.HTTP ? 'paths' : 'grpcServices'}`, matches, 'lists an entry twice', 'list each once');
  return { kind, hostnames, matches };
}

/**
 * An HTTPRoute or GRPCRoute in the workload's namespace, from validated hostnames and paths (or
 * gRPC services) to the workload's Service port, attached to the HTTPS listeners of one
 * HardenedGateway that serve its hostnames (never to the redirecting HTTP listener).
 */
export class GatewayRoute extends Construct {
  /** The HTTPRoute or GRPCRoute. */
  public readonly apiObject: ApiObject;
  /** The validated hostnames. */
  public readonly hostnames: readonly string[];

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    const { gateway, route, listeners } = props;
    const { kind, hostnames, matches } = route;
    this.hostnames = hostnames;
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...props.labels, [MANAGED_BY_LABEL]: MANAGED_BY } };
    const parentRefs = listeners.map(l => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.name, namespace: gateway.namespaceName, sectionName: l.name }));
    const backendRefs = [{ group: '', kind: 'Service', name: props.serviceName, port: props.port.servicePort ?? props.port.number }];
    if (kind === GatewayRouteKind.HTTP) {
      this.apiObject = new HttpRoute(this, 'Resource', {
        metadata,
        spec: { parentRefs, hostnames: [...hostnames], rules: [{ matches: matches.map(value => ({ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value } })), backendRefs }] },
      });
    } else {
      const grpcMatches = matches.includes(EVERY_SERVICE) ? {} : { matches: matches.map(service => ({ method: { type: GrpcRouteSpecRulesMatchesMethodType.EXACT, service } })) };
      this.apiObject = new GrpcRoute(this, 'Resource', { metadata, spec: { parentRefs, hostnames: [...hostnames], rules: [{ ...grpcMatches, backendRefs }] } });
    }
  }
}

/** What a route needs of the workload it exposes. @internal */
export interface RoutedWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hasService: boolean;
  /** The TCP ports of its main containers. */
  readonly tcpPorts: readonly HardenedContainerPort[];
}

/**
 * `exposeViaGateway` of a workload: validates everything (the Service, the container port, the
 * route options, the gateway's consent) before any construct exists, then writes the route as the
 * workload's child. Returns it and the container port the gateway may reach.
 * @internal
 */
export function routeViaGateway(scope: Construct, gateway: HardenedGateway, options: ExposeViaGatewayOptions, workload: RoutedWorkload): { route: GatewayRoute; port: number } {
  const field = 'exposeViaGateway';
  if (!workload.hasService) throw new HardenedInputError(scope, field, workload.name, 'has no Service to route to', 'declare container ports (and service: true for a Job)');
  const ports = workload.tcpPorts;
  const wanted = options?.containerPort;
  const port = wanted !== undefined ? ports.find(p => p.number === wanted) : ports.length === 1 ? ports[0] : undefined;
  if (!port) {
    throw new HardenedInputError(scope, `${field}.containerPort`, wanted, wanted === undefined ? 'is needed: the workload has several TCP ports' : 'is not a TCP port any main container listens on',
      `give one of ${JSON.stringify(ports.map(p => p.number))}`);
  }
  const kind = options?.kind ?? GatewayRouteKind.HTTP;
  const id = `GatewayRoute-${gateway.node.addr.slice(0, 8)}-${kind}`;
  if (scope.node.tryFindChild(id)) {
    throw new HardenedInputError(scope, field, gateway.node.path, `already exposes ${workload.name} with a ${kind}`, 'expose each workload once per gateway and route kind, with all its hostnames and paths');
  }
  const validated = validateGatewayRoute(scope, field, options);
  const listeners = gateway._attach(scope, field, { kind, namespace: workload.namespace, hostnames: validated.hostnames, matches: validated.matches, declaredBy: scope.node.path });
  const route = new GatewayRoute(scope, id, {
    gateway, name: `${workload.name}-${gateway.name}`.slice(0, 253), namespace: workload.namespace, labels: workload.labels,
    serviceName: workload.name, port, route: validated, listeners,
  });
  return { route, port: port.number };
}
