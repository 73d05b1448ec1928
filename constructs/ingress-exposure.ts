import { IConstruct } from 'constructs';
import * as v from './_validate';
import type { IPeer } from './connectivity';
import { HardenedInputError } from './errors';
import { HardenedContainerPort } from './hardened-container';
import { IngressTls } from './ingress-tls';

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

const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const URL_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * Validates an exposure through an Ingress: a host name, absolute paths, an IngressClass, TLS, and
 * the TCP container port to route to (the only one, or the one named).
 * @internal
 */
export function validateExposure(scope: IConstruct, options: ExposeViaIngressOptions,
  workload: { readonly name: string; readonly hasService: boolean; readonly tcpPorts: readonly HardenedContainerPort[] }): ValidatedExposure {
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
  });
  if (new Set(paths).size !== paths.length) throw new HardenedInputError(scope, `${field}.paths`, paths, 'lists a path twice', 'list each path once');
  const ports = workload.tcpPorts;
  const port = options.containerPort !== undefined ? ports.find(p => p.number === options.containerPort) : ports.length === 1 ? ports[0] : undefined;
  if (!port) {
    throw new HardenedInputError(scope, `${field}.containerPort`, options.containerPort, options.containerPort === undefined ? 'is needed: the workload has several TCP ports' : 'is not a TCP port of the main containers',
      `give one of ${JSON.stringify(ports.map(p => p.number))}`);
  }
  const id = `Ingress-${host.replace(/[^a-z0-9]+/gi, '-')}`;
  if (scope.node.tryFindChild(id)) throw new HardenedInputError(scope, `${field}.host`, host, 'is exposed twice', 'expose each host once, with all its paths');
  const { secretName, annotations } = options.tls._resolve(scope, `${field}.tls`, `${workload.name}-tls`);
  return { id, host, paths, className, port, secretName, annotations };
}
