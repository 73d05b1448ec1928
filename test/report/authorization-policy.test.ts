/**
 * Istio AuthorizationPolicy layer: hand-built cases from the semantics documented at
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/ (expected results
 * written out by hand).
 */
import type { KubeObject } from '../../policy/kube-object';
import {
  AllowedPorts,
  computeReachability,
  defaultLayers,
  istioAuthorizationLayer,
  istioStringMatch,
  PortSpec,
  renderSecurityReport,
  WorkloadRef,
} from '../../analysis/report';

type Labels = Record<string, string>;

function deployment(ns: string, name: string, opts: { sa?: string; labels?: Labels; annotations?: Labels } = {}): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
        spec: { serviceAccountName: opts.sa ?? name, containers: [{ name: 'main', image: 'r/x@sha256:00', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

function authz(ns: string, name: string, spec: Record<string, unknown>, apiVersion = 'security.istio.io/v1'): KubeObject {
  return { apiVersion, kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec };
}

const ref = (ns: string, name: string): WorkloadRef => ({ kind: 'Deployment', namespace: ns, name });
const tcp = (port: number, endPort?: number): PortSpec => (endPort === undefined ? { protocol: 'TCP', port } : { protocol: 'TCP', port, endPort });
const OTHER: PortSpec[] = [
  { protocol: 'UDP', port: 1, endPort: 65535 },
  { protocol: 'SCTP', port: 1, endPort: 65535 },
];

/** web (ns web, sa web), api (ns api, sa api), worker (ns api, sa worker); no NetworkPolicies: everything open. */
const base = (): KubeObject[] => [deployment('web', 'web'), deployment('api', 'api'), deployment('api', 'worker')];

/** The ports of the edge from → to, `undefined` when there is none. */
function portsOf(objects: KubeObject[], from: WorkloadRef, to: WorkloadRef): AllowedPorts | undefined {
  const m = computeReachability(objects, { layers: defaultLayers(objects) });
  return m.edges.find((e) => e.from.name === from.name && e.from.namespace === from.namespace && e.to.name === to.name && e.to.namespace === to.namespace)?.ports;
}

describe('istioStringMatch', () => {
  it('matches exactly, by prefix, by suffix and by presence', () => {
    expect(istioStringMatch('cluster.local/ns/a/sa/b', 'cluster.local/ns/a/sa/b')).toBe(true);
    expect(istioStringMatch('cluster.local/ns/a/*', 'cluster.local/ns/a/sa/b')).toBe(true);
    expect(istioStringMatch('*/sa/b', 'cluster.local/ns/a/sa/b')).toBe(true);
    expect(istioStringMatch('*', 'x')).toBe(true);
    expect(istioStringMatch('*', undefined)).toBe(false);
    expect(istioStringMatch('cluster.local/ns/a/sa/c', 'cluster.local/ns/a/sa/b')).toBe(false);
  });
});

describe('AuthorizationPolicy layer', () => {
  it('is absent without AuthorizationPolicies: NetworkPolicies alone decide', () => {
    expect(istioAuthorizationLayer(base())).toBeUndefined();
    expect(defaultLayers(base())).toEqual([]);
    expect(portsOf(base(), ref('web', 'web'), ref('api', 'api'))).toBe('all');
  });

  it('an empty spec in a namespace denies every TCP connection to its workloads (allow-nothing), not elsewhere', () => {
    const objects = [...base(), authz('api', 'allow-nothing', {})];
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toEqual(OTHER);
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'worker'))).toEqual(OTHER);
    expect(portsOf(objects, ref('api', 'api'), ref('web', 'web'))).toBe('all');
    const m = computeReachability(objects, { layers: defaultLayers(objects) });
    expect(m.layers).toEqual(['Istio AuthorizationPolicies']);
    // ingress from anything outside: TCP denied too
    expect(m.external.filter((f) => f.workload.namespace === 'api' && f.direction === 'ingress').map((f) => f.ports)).toEqual([OTHER, OTHER]);
    // egress to outside is not restricted
    expect(m.external.filter((f) => f.workload.namespace === 'api' && f.direction === 'egress').map((f) => f.ports)).toEqual(['all', 'all']);
  });

  it('ALLOW by principal and port: only that source, only that port', () => {
    const objects = [
      ...base(),
      authz('api', 'api-from-web', {
        selector: { matchLabels: { app: 'api' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] }],
      }),
    ];
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toEqual([tcp(8080), ...OTHER]);
    expect(portsOf(objects, ref('api', 'worker'), ref('api', 'api'))).toEqual(OTHER);
    // the selector does not match worker: no ALLOW policy applies to it
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'worker'))).toBe('all');
  });

  it('ALLOW by namespace, and notPorts', () => {
    const objects = [
      ...base(),
      authz('api', 'from-web-ns', { rules: [{ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { notPorts: ['22'] } }] }] }, 'security.istio.io/v1beta1'),
    ];
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toEqual([tcp(1, 21), tcp(23, 65535), ...OTHER]);
    expect(portsOf(objects, ref('api', 'worker'), ref('api', 'api'))).toEqual(OTHER);
  });

  it('DENY first: a surely matching DENY wins over ALLOW; a request-dependent DENY (paths) does not close the port', () => {
    const allowAll = authz('api', 'allow-all', { rules: [{}] });
    const deny = authz('api', 'deny-web', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { ports: ['8080'] } }] }] });
    const denyPath = authz('api', 'deny-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] });
    expect(portsOf([...base(), allowAll, deny], ref('web', 'web'), ref('api', 'api'))).toEqual([tcp(1, 8079), tcp(8081, 65535), ...OTHER]);
    expect(portsOf([...base(), allowAll, deny], ref('api', 'worker'), ref('api', 'api'))).toBe('all');
    expect(portsOf([...base(), allowAll, denyPath], ref('web', 'web'), ref('api', 'api'))).toBe('all');
  });

  it('a request-dependent ALLOW (methods, when) keeps the port open: some requests pass', () => {
    const objects = [
      ...base(),
      authz('api', 'get-only', {
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/*'] } }], to: [{ operation: { methods: ['GET'], ports: ['8080'] } }], when: [{ key: 'request.headers[x]', values: ['y'] }] }],
      }),
    ];
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toEqual([tcp(8080), ...OTHER]);
    expect(portsOf(objects, ref('api', 'worker'), ref('api', 'api'))).toEqual(OTHER);
  });

  it('AUDIT changes nothing; CUSTOM and targetRef are not evaluated and noted', () => {
    const objects = [
      ...base(),
      authz('api', 'audit', { action: 'AUDIT', rules: [{}] }),
      authz('api', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] }),
      authz('api', 'waypoint', { targetRefs: [{ kind: 'Gateway', name: 'waypoint' }], rules: [{}] }),
    ];
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toBe('all');
    const m = computeReachability(objects, { layers: defaultLayers(objects) });
    expect(m.notes).toEqual([
      'AuthorizationPolicy api/ext: CUSTOM action (external authorizer) not evaluated; it may deny more',
      'AuthorizationPolicy api/waypoint: targetRef(s) (waypoint or gateway) not evaluated',
    ]);
  });

  it('root namespace: without selector mesh-wide, with selector in every namespace', () => {
    const meshWide = [...base(), authz('istio-system', 'allow-nothing', {})];
    expect(portsOf(meshWide, ref('api', 'api'), ref('web', 'web'))).toEqual(OTHER);
    expect(portsOf(meshWide, ref('web', 'web'), ref('api', 'worker'))).toEqual(OTHER);
    const selected = [...base(), authz('istio-system', 'workers', { selector: { matchLabels: { app: 'worker' } } })];
    expect(portsOf(selected, ref('web', 'web'), ref('api', 'worker'))).toEqual(OTHER);
    expect(portsOf(selected, ref('web', 'web'), ref('api', 'api'))).toBe('all');
    // the root namespace is configurable; a policy in another namespace stays local
    expect(computeReachability(meshWide, { layers: defaultLayers(meshWide, { rootNamespace: 'mesh-root' }) }).edges.every((e) => e.ports === 'all')).toBe(true);
  });

  it('a workload without sidecar is not protected, and as a source has no identity', () => {
    const objects = [
      deployment('web', 'web', { annotations: { 'sidecar.istio.io/inject': 'false' } }),
      deployment('api', 'api'),
      deployment('legacy', 'legacy', { labels: { app: 'legacy', 'sidecar.istio.io/inject': 'false' } }),
      authz('api', 'from-web', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/web'] } }] }] }),
      authz('legacy', 'allow-nothing', {}),
    ];
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toEqual(OTHER);
    expect(portsOf(objects, ref('api', 'api'), ref('legacy', 'legacy'))).toBe('all');
  });

  it('mesh membership from Namespace labels: once some namespace is labelled, an unlabelled one is outside the mesh', () => {
    const ns = (name: string, labels: Labels): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    const objects = [
      ns('web', {}),
      ns('api', { 'istio-injection': 'enabled' }),
      ns('amb', { 'istio.io/dataplane-mode': 'ambient' }),
      ns('off', { 'istio-injection': 'disabled' }),
      deployment('web', 'web'),
      deployment('api', 'api'),
      deployment('amb', 'amb'),
      deployment('off', 'off'),
      authz('api', 'from-web-and-amb', { rules: [{ from: [{ source: { namespaces: ['web', 'amb'] } }] }] }),
      authz('off', 'allow-nothing', {}),
    ];
    // web is plaintext (no identity): refused; amb (ambient) carries its identity: allowed
    expect(portsOf(objects, ref('web', 'web'), ref('api', 'api'))).toEqual(OTHER);
    expect(portsOf(objects, ref('amb', 'amb'), ref('api', 'api'))).toBe('all');
    // outside the mesh, no AuthorizationPolicy protects a workload
    expect(portsOf(objects, ref('web', 'web'), ref('off', 'off'))).toBe('all');
    // without any mesh label among the namespaces, every workload is assumed in the mesh
    const unlabelled = objects.map((o) => (o.kind === 'Namespace' ? ns(o.metadata!.name!, {}) : o));
    expect(portsOf(unlabelled, ref('web', 'web'), ref('api', 'api'))).toBe('all');
    expect(portsOf(unlabelled, ref('web', 'web'), ref('off', 'off'))).toEqual(OTHER);
  });

  it('sources outside the inputs: ipBlock has no identity; a peer in a named namespace may carry it', () => {
    const np = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'in', namespace: 'api' }, spec });
    const objects = [
      deployment('api', 'api'),
      np({
        podSelector: {},
        ingress: [
          { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8080 }] },
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080 }] },
        ],
      }),
      authz('api', 'from-ingress', { rules: [{ from: [{ source: { namespaces: ['ingress-nginx'] } }] }] }),
    ];
    const m = computeReachability(objects, { layers: defaultLayers(objects) });
    expect(m.external.filter((f) => f.direction === 'ingress')).toEqual([
      { workload: ref('api', 'api'), direction: 'ingress', peer: { type: 'selector', description: 'all pods in namespace ingress-nginx (not among the inputs)' }, ports: [tcp(8080)] },
    ]);
  });

  it('the security report reads both layers when AuthorizationPolicies are present', () => {
    const objects = [...base(), authz('api', 'allow-nothing', {})];
    const md = renderSecurityReport(objects, { mermaid: false });
    expect(md).toContain('Computed from NetworkPolicies, the Istio data plane (HBONE, PeerAuthentication, proxy bypass) and Istio AuthorizationPolicies.');
    // the allow-nothing policy closes api's proxied TCP ports; the sidecar's uncaptured ports stay open, without mTLS
    const open = '15020-15021/TCP, 15090/TCP, 1-65535/UDP, 1-65535/SCTP (without mTLS: 15020-15021/TCP, 15090/TCP)';
    expect(md).toContain(`| **web/web** | ${open} | ${open} | all (without mTLS: 15020-15021/TCP, 15090/TCP) |`);
    expect(renderSecurityReport(base(), { mermaid: false })).toContain('Computed from NetworkPolicies. ');
  });
});
