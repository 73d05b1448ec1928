/**
 * The public entry points of a set of manifests: every host and path that an Ingress
 * (networking.k8s.io/v1) routes into the cluster, with its backend Service and TLS. A reviewer
 * reads this list first: it is what the internet reaches.
 */
import type { KubeObject } from '../../policy/kube-object';
import { code, table } from './markdown';
import { compareStrings } from './read';

/** One host and path an Ingress routes. */
export interface EntryPoint {
  readonly namespace: string;
  /** The Ingress's name. */
  readonly ingress: string;
  /** The host, `*` when the rule has none (every host). */
  readonly host: string;
  readonly path: string;
  /** `service:port` of the backend, or `(default backend)`. */
  readonly backend: string;
  /** The TLS Secret that covers the host, or `undefined`: plain HTTP. */
  readonly tlsSecret?: string;
  readonly ingressClassName?: string;
}

type Dict = Record<string, unknown>;
const rec = (v: unknown): Dict | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Dict : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function backendOf(backend: unknown): string {
  const service = rec(rec(backend)?.service);
  if (!service) return '(resource backend)';
  const port = rec(service.port);
  return `${str(service.name) ?? '?'}:${port?.number ?? str(port?.name) ?? '?'}`;
}

/** Every entry point of `objects`, sorted by host, path, namespace and Ingress. */
export function extractEntryPoints(objects: readonly KubeObject[]): EntryPoint[] {
  const out: EntryPoint[] = [];
  for (const o of objects) {
    if (o.kind !== 'Ingress' || o.apiVersion !== 'networking.k8s.io/v1') continue;
    const spec = rec(o.spec) ?? {};
    const namespace = str(o.metadata?.namespace) ?? 'default';
    const ingress = str(o.metadata?.name) ?? '<unnamed>';
    const className = str(spec.ingressClassName);
    const tls = arr(spec.tls).map(rec).filter((t): t is Dict => t !== undefined);
    const tlsFor = (host: string) => tls.find(t => arr(t.hosts).includes(host) || (arr(t.hosts).length === 0 && host === '*'));
    const push = (host: string, path: string, backend: string) => {
      const secret = tlsFor(host);
      out.push({ namespace, ingress, host, path, backend, ...(secret ? { tlsSecret: str(secret.secretName) ?? '(default certificate)' } : {}), ...(className ? { ingressClassName: className } : {}) });
    };
    if (spec.defaultBackend !== undefined) push('*', '/', backendOf(spec.defaultBackend));
    for (const rule of arr(spec.rules).map(rec)) {
      const host = str(rule?.host) ?? '*';
      for (const p of arr(rec(rule?.http)?.paths).map(rec)) push(host, str(p?.path) ?? '/', backendOf(p?.backend));
    }
  }
  return out.sort((a, b) => compareStrings(a.host, b.host) || compareStrings(a.path, b.path) || compareStrings(a.namespace, b.namespace) || compareStrings(a.ingress, b.ingress));
}

/** The "Public entry points" section; empty when there is no Ingress. */
export function renderEntryPoints(objects: readonly KubeObject[]): string[] {
  const points = extractEntryPoints(objects);
  if (points.length === 0) return [];
  return [
    '## Public entry points', '',
    'What an Ingress routes into the cluster from outside. A host without TLS is served in plain HTTP.', '',
    table(['Host', 'Path', 'Ingress', 'Class', 'Backend', 'TLS'], points.map(p => [
      code(p.host), code(p.path), code(`${p.namespace}/${p.ingress}`), p.ingressClassName ?? '(default)', code(p.backend),
      p.tlsSecret !== undefined ? `yes (${code(p.tlsSecret)})` : '**no**',
    ])),
  ];
}
