/**
 * The AuthorizationPolicy layer against a brute-force reference: for random policies and random
 * sources, the reference decides concrete requests (every method, path and header value the
 * policies name) one by one with Istio's algorithm (DENY first, then ALLOW if any applies), and a
 * port is open when some request on it is allowed. The layer must never close a port the
 * reference opens (it reasons per port, not per request), and must agree exactly when no policy
 * uses request attributes.
 */
import fc from 'fast-check';
import type { KubeObject } from '../../policy/kube-object';
import { AllowedPorts, extractWorkloads, istioAuthorizationLayer, WorkloadInfo } from '../../analysis/report';

const PORTS = [22, 80, 8080, 9090];
const METHODS = ['GET', 'POST'];
const PATHS = ['/a', '/admin'];
const HEADERS = ['y', 'z'];

interface Source { readonly ns: string; readonly sa: string }
interface Request { readonly src: Source; readonly port: number; readonly method: string; readonly path: string; readonly header: string }

const sourceArb = fc.record({ principals: fc.option(fc.subarray(['cluster.local/ns/a/sa/s1', 'cluster.local/ns/b/*', '*'], { minLength: 1 }), { nil: undefined }), namespaces: fc.option(fc.subarray(['a', 'b'], { minLength: 1 }), { nil: undefined }), notNamespaces: fc.option(fc.subarray(['a', 'b'], { minLength: 1 }), { nil: undefined }) });
const operationArb = fc.record({ ports: fc.option(fc.subarray(PORTS.map(String), { minLength: 1 }), { nil: undefined }), notPorts: fc.option(fc.subarray(PORTS.map(String), { minLength: 1 }), { nil: undefined }), methods: fc.option(fc.subarray(METHODS, { minLength: 1 }), { nil: undefined }), paths: fc.option(fc.subarray(PATHS, { minLength: 1 }), { nil: undefined }) });
const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const ruleArb = fc.record({
  from: fc.option(fc.array(sourceArb.map(strip), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  to: fc.option(fc.array(operationArb.map(strip), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  when: fc.option(fc.constant([{ key: 'request.headers[x]', values: ['y'] }]), { nil: undefined }),
});
const policyArb = fc.record({ ns: fc.constantFrom('b', 'istio-system'), action: fc.constantFrom('ALLOW', 'DENY', 'AUDIT'), selector: fc.boolean(), rules: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }) });

const match = (pattern: string, value: string): boolean => (pattern === '*' ? value !== '' : pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern.startsWith('*') ? value.endsWith(pattern.slice(1)) : pattern === value);

/** Istio's decision for one concrete request (all attributes known). */
function allowed(policies: ReturnType<typeof toSpec>[], r: Request): boolean {
  const principal = `cluster.local/ns/${r.src.ns}/sa/${r.src.sa}`;
  const ruleMatches = (rule: Record<string, any>): boolean => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const fromOk = rule.from === undefined || rule.from.some(({ source: s }: { source: Record<string, string[] | undefined> }) =>
      (s.principals === undefined || s.principals.some((p) => match(p, principal))) &&
      (s.namespaces === undefined || s.namespaces.some((n) => match(n, r.src.ns))) &&
      (s.notNamespaces === undefined || !s.notNamespaces.some((n) => match(n, r.src.ns))));
    const toOk = rule.to === undefined || rule.to.some(({ operation: o }: { operation: Record<string, string[] | undefined> }) =>
      (o.ports === undefined || o.ports.includes(String(r.port))) &&
      (o.notPorts === undefined || !o.notPorts.includes(String(r.port))) &&
      (o.methods === undefined || o.methods.includes(r.method)) &&
      (o.paths === undefined || o.paths.includes(r.path)));
    const whenOk = rule.when === undefined || r.header === 'y';
    return fromOk && toOk && whenOk;
  };
  const matches = (p: ReturnType<typeof toSpec>): boolean => (p.spec.rules ?? []).some(ruleMatches);
  if (policies.some((p) => p.spec.action === 'DENY' && matches(p))) return false;
  const allows = policies.filter((p) => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  return allows.length === 0 || allows.some(matches);
}

type GeneratedPolicy = typeof policyArb extends fc.Arbitrary<infer T> ? T : never;

function toSpec(p: GeneratedPolicy, i: number) {
  const rules = p.rules?.map((r) => strip({ from: r.from?.map((source) => ({ source })), to: r.to?.map((operation) => ({ operation })), when: r.when }));
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: `p${i}`, namespace: p.ns }, spec: strip({ action: p.action, selector: p.selector ? { matchLabels: { app: 'dst' } } : undefined, rules }) };
}

const deployment = (ns: string, name: string, sa: string, app: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
  spec: { template: { metadata: { labels: { app } }, spec: { serviceAccountName: sa, containers: [{ name: 'c' }] } } },
});

const openTcp = (ports: AllowedPorts, port: number): boolean => ports === 'all' || ports.some((s) => s.protocol === 'TCP' && typeof s.port === 'number' && port >= s.port && port <= (s.endPort ?? s.port));

describe('AuthorizationPolicy layer against a per-request reference', () => {
  it('never closes a port some request can use; exact without request attributes', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 4 }), fc.constantFrom<Source>({ ns: 'a', sa: 's1' }, { ns: 'a', sa: 's2' }, { ns: 'b', sa: 's1' }, { ns: 'c', sa: 'x' }), fc.boolean(), (raw, src, requestAttributes) => {
        // half of the runs without methods, paths and when: there the layer must be exact
        const policies = raw.map(toSpec).map((p) => (requestAttributes ? p : JSON.parse(JSON.stringify(p, (k, v) => (['methods', 'paths', 'when'].includes(k) ? undefined : v)))));
        const objects = [deployment(src.ns, 'src', src.sa, 'src'), deployment('b', 'dst', 'dst', 'dst'), ...policies] as KubeObject[];
        const layer = istioAuthorizationLayer(objects)!;
        const ws = extractWorkloads(objects);
        const from = ws.find((w) => w.name === 'src') as WorkloadInfo;
        const to = ws.find((w) => w.name === 'dst') as WorkloadInfo;
        const got = layer.restrict({ from: { type: 'workload', workload: from }, to: { type: 'workload', workload: to }, allowed: 'all' });
        const requestDependent = JSON.stringify(policies).match(/"(methods|paths|when)"/) !== null;
        for (const port of PORTS) {
          const reference = METHODS.some((method) => PATHS.some((path) => HEADERS.some((header) => allowed(policies, { src, port, method, path, header }))));
          if (reference) expect(openTcp(got, port)).toBe(true);
          if (!requestDependent) expect(openTcp(got, port)).toBe(reference);
        }
      }),
      { numRuns: 400 },
    );
  });
});
