import { IConstruct } from 'constructs';
import * as v from './_validate';
import type { IPeer } from './connectivity';
import { HardenedInputError } from './errors';
import { HardenedContainerPort } from './hardened-container';
import { IngressTls } from './ingress-tls';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';

/** Options of `HardenedWorkload.exposeViaIngress`. */
export interface ExposeViaIngressOptions {
  /** The host name clients use, e.g. `shop.example.com` (a wildcard `*.example.com` is allowed). */
  readonly host: string;
  /**
   * Path prefixes routed to the workload.
   * @default ["/"]
   */
  readonly paths?: readonly string[];
  /** The IngressClass of the controller that serves it, e.g. `nginx`: no cluster default is guessed. */
  readonly ingressClassName: string;
  /** Where the TLS certificate comes from: TLS is required. */
  readonly tls: IngressTls;
  /**
   * The ingress controller's pods, e.g. `Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' })`:
   * the NetworkPolicy opens the workload's port to them and nobody else.
   */
  readonly controller: IPeer;
  /**
   * The container port to route to.
   * @default - the only port of the main containers (required when there are several)
   */
  readonly containerPort?: number;
}

/** A validated exposure: what the Ingress and its NetworkPolicy hole are made of. @internal */
export interface ValidatedExposure {
  readonly id: string;
  readonly host: string;
  readonly paths: readonly string[];
  readonly className: string;
  readonly port: HardenedContainerPort;
  readonly secretName: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * What an ingress-nginx Ingress into a meshed namespace needs: nginx proxies to the Service's
 * ClusterIP instead of the pod addresses (`service-upstream`), with the Service's name as Host
 * (`upstream-vhost`), so that the controller's sidecar sees a mesh service and sends mTLS; to pod
 * addresses it would pass plaintext through, which STRICT mTLS refuses.
 * @see https://istio.io/latest/docs/ops/integrations/ (ingress-nginx notes)
 * @internal
 */
export function meshUpstreamAnnotations(serviceName: string, namespace: string): Record<string, string> {
  return {
    'nginx.ingress.kubernetes.io/service-upstream': 'true',
    'nginx.ingress.kubernetes.io/upstream-vhost': `${serviceName}.${namespace}.svc.${RESTRICTED_DEFAULTS.ingressNginx.clusterDomain}`,
  };
}

/** Adds {@link meshUpstreamAnnotations} to a rendered ingress-nginx Ingress into a meshed namespace. @internal */
export function addMeshUpstream(json: Record<string, unknown>, className: string, meshed: boolean, serviceName: string, namespace: string): void {
  if (!meshed || className !== RESTRICTED_DEFAULTS.ingressNginx.className) return;
  const metadata = json.metadata as Record<string, unknown>;
  metadata.annotations = { ...(metadata.annotations as Record<string, string> | undefined), ...meshUpstreamAnnotations(serviceName, namespace) };
}

/** Ingresses of another class than ingress-nginx's into a meshed namespace: refused, with the fix. @internal */
export function meshIngressProblems(classNames: readonly string[], namespace: string, meshMode: string | undefined): string[] {
  if (meshMode === undefined) return [];
  const nginx = RESTRICTED_DEFAULTS.ingressNginx.className;
  return classNames.filter(c => c !== nginx).map(c => `exposeViaIngress.ingressClassName: ${JSON.stringify(c)} serves namespace "${namespace}", which is in the mesh (${meshMode}, STRICT mTLS), and we know what only ingress-nginx (class "${nginx}") needs to send mTLS through its sidecar (service-upstream, upstream-vhost). Fix: expose the workload through a HardenedGateway (exposeViaGateway), or use ingress-nginx with class "${nginx}".`);
}

// apimachinery IsDNS1123Subdomain (or IsWildcardDNS1123Subdomain): one label is enough ("localhost")
const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const URL_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * Validates an exposure through an Ingress: a host name, absolute paths, an IngressClass, TLS, and
 * the TCP container port to route to (the only one, or the one named).
 * @internal
 */
export function validateExposure(scope: IConstruct, options: ExposeViaIngressOptions,
  workload: { readonly name: string; readonly hasService: boolean; readonly tcpPorts: readonly HardenedContainerPort[] },
  routed: readonly { readonly host: string; readonly path: string; readonly by: string }[] = []): ValidatedExposure {
  const field = 'exposeViaIngress';
  if (!workload.hasService) {
    throw new HardenedInputError(scope, field, workload.name, 'has no Service to route to', 'declare container ports (and service: true for a Job)');
  }
  const host = String(options?.host ?? '');
  if (!HOST.test(host) || host.length > 253) {
    throw new HardenedInputError(scope, `${field}.host`, options?.host, 'is not a host name', 'write a DNS name such as "shop.example.com" or "*.example.com" (no scheme, port or path)');
  }
  if (/^\d+(\.\d+){3}$/.test(host)) {
    // networking/v1 ValidateIngressSpec: rules[].host must be a DNS name, not an IP address
    throw new HardenedInputError(scope, `${field}.host`, host, 'is an IP address; the API server takes only DNS names as Ingress hosts',
      'give the DNS name clients use, or leave the host out of the route at the load balancer');
  }
  const className = v.dnsSubdomain(scope, `${field}.ingressClassName`, options.ingressClassName);
  if (!(options.tls instanceof IngressTls)) {
    throw new HardenedInputError(scope, `${field}.tls`, options.tls, 'is not set', 'give IngressTls.fromSecret("shop-tls") or IngressTls.fromCertManager("letsencrypt")');
  }
  const paths = options.paths ?? ['/'];
  if (paths.length === 0) throw new HardenedInputError(scope, `${field}.paths`, paths, 'is empty', 'give at least one path prefix, e.g. "/"');
  paths.forEach((p, i) => {
    if (typeof p !== 'string' || !URL_PATH.test(p) || p.includes('//') || p.split('/').includes('..')) {
      throw new HardenedInputError(scope, `${field}.paths[${i}]`, p, 'is not an absolute URL path', 'write e.g. "/" or "/api"');
    }
    // networking/v1 validateHTTPIngressPath (Prefix): no "/./", "%2f" or "%2F", no trailing "/."
    const bad = ['/./', '%2f', '%2F'].find(seq => p.includes(seq)) ?? (p.endsWith('/.') ? '/.' : undefined);
    if (bad !== undefined) {
      throw new HardenedInputError(scope, `${field}.paths[${i}]`, p, `contains "${bad}", which the API server refuses in a Prefix path`, 'write the path as clients send it after normalisation, e.g. "/api/v1"');
    }
    if (/[*$]|\(.*\)/.test(p)) {
      throw new HardenedInputError(scope, `${field}.paths[${i}]`, p, 'looks like a regular expression or a glob; a Prefix path matches whole path elements literally',
        `write the literal prefix, e.g. ${JSON.stringify(p.replace(/[*$].*$|\(.*$/, '').replace(/(.)\/$/, '$1') || '/')} (it also matches everything below it)`);
    }
  });
  if (new Set(paths).size !== paths.length) throw new HardenedInputError(scope, `${field}.paths`, paths, 'lists a path twice', 'list each path once');
  const ports = workload.tcpPorts;
  const port = options.containerPort !== undefined ? ports.find(p => p.number === options.containerPort) : ports.length === 1 ? ports[0] : undefined;
  if (!port) {
    throw new HardenedInputError(scope, `${field}.containerPort`, options.containerPort, options.containerPort === undefined ? 'is needed: the workload has several TCP ports' : 'is not a TCP port of the main containers',
      `give one of ${JSON.stringify(ports.map(p => p.number))}`);
  }
  if (routed.some(r => r.host === host && r.by === scope.node.path)) throw new HardenedInputError(scope, `${field}.host`, host, 'is exposed twice', 'expose each host once, with all its paths');
  for (const [i, p] of paths.entries()) {
    const other = routed.find(r => r.host === host && r.path === p);
    if (other) {
      throw new HardenedInputError(scope, `${field}.paths[${i}]`, p, `is already routed on ${host} to ${other.by}; the controller would send the requests to one of the two`,
        'route each host and path to one workload (give this one another path or host)');
    }
  }
  // two hosts can share a slug (api.shop.example.com, api-shop.example.com): the second gets a number
  const slug = `Ingress-${host.replace(/[^a-z0-9]+/gi, '-')}`;
  let id = slug;
  for (let n = 2; scope.node.tryFindChild(id); n++) id = `${slug}-${n}`;
  const { secretName, annotations } = options.tls._resolve(scope, `${field}.tls`, `${workload.name}-tls`);
  return { id, host, paths, className, port, secretName, annotations };
}
