/**
 * A small client of a Kubernetes API server over HTTPS with a bearer token: discovery (kind to
 * resource), server-side apply with strict field validation, and the few reads and writes the
 * cluster tests need. No dependency: Node's https module.
 */
import * as https from 'https';

/** Where the API server is and how to authenticate. */
export interface KubeEndpoint {
  /** `https://127.0.0.1:PORT`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate (for the test cluster: the self-signed certificate itself). */
  readonly ca: string;
  /** Bearer token. */
  readonly token: string;
}

/** A resource as discovery lists it. */
export interface ApiResource {
  /** `apps/v1`, `v1`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The plural resource name in the URL, e.g. `deployments`. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** A response: the status code and the parsed JSON body (or the raw text when it is not JSON). */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  /** The texts of the response's `Warning` headers (`299 - "text"`), in order. */
  readonly warnings: readonly string[];
}

/** A Kubernetes object as JSON. */
export type KubeJson = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

/** The `message` of a Status body, else the body as text. */
export function statusMessage(response: KubeResponse): string {
  const b = response.body as { message?: unknown } | string | undefined;
  if (b && typeof b === 'object' && typeof b.message === 'string') return b.message;
  return typeof b === 'string' ? b.trim() : JSON.stringify(b);
}

/** A client of one API server. */
export class KubeClient {
  private readonly agent: https.Agent;
  private resources?: Map<string, ApiResource>;

  constructor(private readonly endpoint: KubeEndpoint) {
    this.agent = new https.Agent({ ca: endpoint.ca, keepAlive: true, maxSockets: 8 });
  }

  /** A client of the same server that authenticates with `token` (e.g. a ServiceAccount's, from the TokenRequest API). */
  public withToken(token: string): KubeClient {
    return new KubeClient({ ...this.endpoint, token });
  }

  /** Closes the kept-alive connections. */
  public close(): void {
    this.agent.destroy();
  }

  /** One request; never throws for an HTTP status, only for a failed connection. */
  public request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    const url = new URL(path, this.endpoint.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        method, agent: this.agent,
        headers: {
          'Authorization': `Bearer ${this.endpoint.token}`,
          'Accept': 'application/json',
          ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON: keep the text (healthz answers "ok")
          }
          const warnings: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i].toLowerCase() !== 'warning') continue;
            const m = /^\d{3} \S+ "(.*)"$/.exec(res.rawHeaders[i + 1]);
            warnings.push(m ? m[1].replace(/\\(.)/g, '$1') : res.rawHeaders[i + 1]);
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
        });
      });
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** GET, failing on any status but 200. */
  public async get<T = KubeJson>(path: string): Promise<T> {
    const r = await this.request('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${statusMessage(r)}`);
    return r.body as T;
  }

  /** Forgets what discovery found (call after new CRDs are established). */
  public refreshDiscovery(): void {
    this.resources = undefined;
  }

  /** The resource of `apiVersion`/`kind`, from discovery (cached). */
  public async resourceOf(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    if (!this.resources) this.resources = await this.discover();
    return this.resources.get(`${apiVersion}\0${kind}`);
  }

  private async discover(): Promise<Map<string, ApiResource>> {
    const out = new Map<string, ApiResource>();
    const versions: string[] = [];
    const core = await this.get<{ versions: string[] }>('/api');
    versions.push(...core.versions);
    const groups = await this.get<{ groups: { versions: { groupVersion: string }[] }[] }>('/apis');
    for (const g of groups.groups) for (const v of g.versions) versions.push(v.groupVersion);
    const lists = await Promise.all(versions.map(gv => this.request('GET', gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`).then(r => ({ gv, r }))));
    for (const { gv, r } of lists) {
      if (r.status !== 200) continue; // an aggregated API that is not available
      for (const res of (r.body as { resources: { name: string; kind: string; namespaced: boolean }[] }).resources) {
        if (res.name.includes('/')) continue; // subresources
        out.set(`${gv}\0${res.kind}`, { apiVersion: gv, kind: res.kind, resource: res.name, namespaced: res.namespaced });
      }
    }
    return out;
  }

  /** The URL path of an object (or of its collection, without `name`). */
  public pathOf(resource: ApiResource, namespace: string | undefined, name?: string): string {
    const base = resource.apiVersion.includes('/') ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
    const ns = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${base}${ns}/${resource.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /**
   * Server-side apply of one object, with strict field validation (unknown or duplicate fields
   * are errors, as `kubectl apply --server-side --validate=strict`), as field manager `manager`.
   */
  public async apply(object: KubeJson, manager = 'cdk8s-hardened'): Promise<KubeResponse> {
    const resource = await this.resourceOf(String(object.apiVersion), String(object.kind));
    if (!resource) {
      return { status: 404, body: { message: `the server has no resource for apiVersion ${object.apiVersion} kind ${object.kind} (is its CustomResourceDefinition applied?)` }, warnings: [] };
    }
    const path = this.pathOf(resource, object.metadata?.namespace, String(object.metadata?.name ?? ''));
    return this.request('PATCH', `${path}?fieldManager=${manager}&fieldValidation=Strict&force=true`, object, 'application/apply-patch+yaml');
  }
}
