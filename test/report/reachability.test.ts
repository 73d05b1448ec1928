import fc from 'fast-check';
import type { KubeObject } from '../../policy/kube-object';
import {
  AllowedPorts,
  applyLayers,
  computeReachability,
  effectivePolicyTypes,
  ExternalFlow,
  intersectPorts,
  istioPrincipal,
  normalizePorts,
  PortSpec,
  ReachabilityEdge,
  ReachabilityLayer,
  samePorts,
  subtractPorts,
  unionPorts,
  WorkloadRef,
} from '../../analysis/report';

// ---------------------------------------------------------------------------------------------
// Builders for synthesized-looking objects. Expected results below are written out by hand.
// ---------------------------------------------------------------------------------------------

type Labels = Record<string, string>;
interface Port {
  name?: string;
  containerPort: number;
  protocol?: string;
}

function namespace(name: string, labels: Labels = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function deployment(ns: string, name: string, labels: Labels, ports: Port[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: `example/${name}:1`, ports }] } },
    },
  };
}

function netpol(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

const nsLabel = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

function defaultDeny(ns: string): KubeObject {
  return netpol(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

/** DNS egress to kube-system/kube-dns as ONE peer element (namespaceSelector AND podSelector). */
function allowDnsAnd(ns: string): KubeObject {
  return netpol(ns, 'allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: nsLabel('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ],
  });
}

const ref = (ns: string, name: string, kind = 'Deployment'): WorkloadRef => ({ kind, namespace: ns, name });
const tcp = (port: number, endPort?: number): PortSpec => (endPort === undefined ? { protocol: 'TCP', port } : { protocol: 'TCP', port, endPort });
const udp = (port: number): PortSpec => ({ protocol: 'UDP', port });
const edge = (from: WorkloadRef, to: WorkloadRef, ports: AllowedPorts): ReachabilityEdge => ({ from, to, ports });

const DNS_SELECTOR_PEER = {
  type: 'selector',
  description: 'pods matching {k8s-app=kube-dns} in namespace kube-system (not among the inputs)',
} as const;

// ---------------------------------------------------------------------------------------------
// (a) two namespaces, default deny both ways, DNS egress (AND peer), one declared flow
// ---------------------------------------------------------------------------------------------

function topologyA(): KubeObject[] {
  return [
    namespace('web'),
    namespace('api'),
    deployment('web', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8000 }]),
    deployment('api', 'api', { app: 'api' }, [{ name: 'http', containerPort: 8080 }]),
    defaultDeny('web'),
    defaultDeny('api'),
    allowDnsAnd('web'),
    allowDnsAnd('api'),
    netpol('web', 'web-to-api', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: nsLabel('api'), podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    }),
    netpol('api', 'api-from-web', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: nsLabel('web'), podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    }),
  ];
}

describe('(a) default deny + DNS + one declared flow', () => {
  it('allows exactly web→api 8080/TCP, plus DNS to kube-dns outside the inputs', () => {
    const m = computeReachability(topologyA());
    expect(m.workloads).toEqual([ref('api', 'api'), ref('web', 'web')]);
    expect(m.edges).toEqual([edge(ref('web', 'web'), ref('api', 'api'), [tcp(8080)])]);
    expect(m.external).toEqual<ExternalFlow[]>([
      { workload: ref('api', 'api'), direction: 'egress', peer: DNS_SELECTOR_PEER, ports: [tcp(53), udp(53)] },
      { workload: ref('web', 'web'), direction: 'egress', peer: DNS_SELECTOR_PEER, ports: [tcp(53), udp(53)] },
    ]);
    expect(m.isolation).toEqual([
      { workload: ref('api', 'api'), ingress: true, egress: true },
      { workload: ref('web', 'web'), ingress: true, egress: true },
    ]);
    expect(m.notes).toEqual([]);
  });

  it('resolves DNS to the kube-dns workload when kube-system is among the inputs', () => {
    const kubeDns = deployment('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ]);
    const m = computeReachability([...topologyA(), namespace('kube-system'), kubeDns]);
    const dns = ref('kube-system', 'kube-dns');
    expect(m.edges).toEqual([
      edge(ref('api', 'api'), dns, [tcp(53), udp(53)]),
      // kube-system has no policies: kube-dns is open both ways, so it reaches itself
      edge(dns, dns, 'all'),
      edge(ref('web', 'web'), ref('api', 'api'), [tcp(8080)]),
      edge(ref('web', 'web'), dns, [tcp(53), udp(53)]),
    ]);
    expect(m.external).toEqual<ExternalFlow[]>([
      { workload: dns, direction: 'egress', peer: { type: 'any' }, ports: 'all' },
      { workload: dns, direction: 'ingress', peer: { type: 'any' }, ports: 'all' },
    ]);
  });

  it('the implicit kubernetes.io/metadata.name label always equals the namespace name', () => {
    // The implicit kubernetes.io/metadata.name label is always the namespace's own name,
    // even when a manifest declares something else.
    const objs = topologyA().map((o) =>
      o.kind === 'Namespace' && o.metadata?.name === 'api' ? namespace('api', { 'kubernetes.io/metadata.name': 'web' }) : o,
    );
    expect(computeReachability(objs).edges).toEqual([edge(ref('web', 'web'), ref('api', 'api'), [tcp(8080)])]);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) the OR-vs-AND trap
// ---------------------------------------------------------------------------------------------

function topologyB(peers: unknown[]): KubeObject[] {
  return [
    namespace('kube-system'),
    namespace('web'),
    deployment('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }),
    deployment('kube-system', 'metrics-server', { 'k8s-app': 'metrics-server' }),
    deployment('web', 'client', { app: 'client' }),
    // a pod in the app namespace that carries the DNS label
    deployment('web', 'impostor', { 'k8s-app': 'kube-dns' }),
    defaultDeny('web'),
    netpol('web', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: peers, ports: [{ port: 53, protocol: 'UDP' }] }] }),
    netpol('web', 'impostor-open', { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, policyTypes: ['Ingress'], ingress: [{}] }),
  ];
}

describe('(b) one peer element (AND) vs two elements (OR)', () => {
  const dns = ref('kube-system', 'kube-dns');
  const metrics = ref('kube-system', 'metrics-server');
  const client = ref('web', 'client');
  const impostor = ref('web', 'impostor');
  // kube-system has no policies, so these exist in both variants
  const kubeSystemEdges = [
    edge(dns, dns, 'all'),
    edge(dns, metrics, 'all'),
    edge(dns, impostor, 'all'),
    edge(metrics, dns, 'all'),
    edge(metrics, metrics, 'all'),
    edge(metrics, impostor, 'all'),
  ];

  it('AND: only kube-dns in kube-system', () => {
    const m = computeReachability(topologyB([{ namespaceSelector: nsLabel('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]));
    expect(m.edges).toEqual([...kubeSystemEdges, edge(client, dns, [udp(53)]), edge(impostor, dns, [udp(53)])]);
  });

  it('OR: every pod of kube-system, plus DNS-labelled pods of the policy namespace', () => {
    const m = computeReachability(topologyB([{ namespaceSelector: nsLabel('kube-system') }, { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]));
    expect(m.edges).toEqual([
      ...kubeSystemEdges,
      edge(client, dns, [udp(53)]),
      edge(client, metrics, [udp(53)]),
      edge(client, impostor, [udp(53)]),
      edge(impostor, dns, [udp(53)]),
      edge(impostor, metrics, [udp(53)]),
      edge(impostor, impostor, [udp(53)]),
    ]);
  });

  it('namespaceSelector {} means every namespace', () => {
    const m = computeReachability(topologyB([{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]));
    expect(m.edges).toEqual([
      ...kubeSystemEdges,
      edge(client, dns, [udp(53)]),
      edge(client, impostor, [udp(53)]),
      edge(impostor, dns, [udp(53)]),
      edge(impostor, impostor, [udp(53)]),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) no policies at all
// ---------------------------------------------------------------------------------------------

describe('(c) no NetworkPolicies', () => {
  it('allows everything, both ways, and to/from outside', () => {
    const m = computeReachability([namespace('a'), deployment('a', 'x', { app: 'x' }), deployment('a', 'y', { app: 'y' })]);
    const x = ref('a', 'x');
    const y = ref('a', 'y');
    expect(m.edges).toEqual([edge(x, x, 'all'), edge(x, y, 'all'), edge(y, x, 'all'), edge(y, y, 'all')]);
    expect(m.external).toEqual<ExternalFlow[]>([
      { workload: x, direction: 'egress', peer: { type: 'any' }, ports: 'all' },
      { workload: x, direction: 'ingress', peer: { type: 'any' }, ports: 'all' },
      { workload: y, direction: 'egress', peer: { type: 'any' }, ports: 'all' },
      { workload: y, direction: 'ingress', peer: { type: 'any' }, ports: 'all' },
    ]);
    expect(m.isolation.every((i) => !i.ingress && !i.egress)).toBe(true);
  });

  it('policies in another namespace do not isolate', () => {
    const m = computeReachability([deployment('a', 'x', { app: 'x' }), defaultDeny('b')]);
    expect(m.edges).toEqual([edge(ref('a', 'x'), ref('a', 'x'), 'all')]);
  });
});

// ---------------------------------------------------------------------------------------------
// (d) only ingress isolation
// ---------------------------------------------------------------------------------------------

describe('(d) ingress isolation only (egress open)', () => {
  const frontend = ref('shop', 'frontend');
  const backend = ref('shop', 'backend');
  const base = (): KubeObject[] => [
    namespace('shop'),
    deployment('shop', 'frontend', { app: 'frontend' }),
    deployment('shop', 'backend', { app: 'backend' }, [{ name: 'http', containerPort: 8080 }]),
  ];
  // no policyTypes: defaults to [Ingress] because there is no egress section
  const backendIngress = netpol('shop', 'backend-ingress', {
    podSelector: { matchLabels: { app: 'backend' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }],
  });

  it('isolates backend ingress only; egress stays open for everyone', () => {
    const m = computeReachability([...base(), backendIngress]);
    expect(m.edges).toEqual([
      edge(backend, frontend, 'all'),
      edge(frontend, backend, [tcp(8080)]),
      edge(frontend, frontend, 'all'),
    ]);
    expect(m.isolation).toEqual([
      { workload: backend, ingress: true, egress: false },
      { workload: frontend, ingress: false, egress: false },
    ]);
    expect(m.external).toEqual<ExternalFlow[]>([
      { workload: backend, direction: 'egress', peer: { type: 'any' }, ports: 'all' },
      { workload: frontend, direction: 'egress', peer: { type: 'any' }, ports: 'all' },
      { workload: frontend, direction: 'ingress', peer: { type: 'any' }, ports: 'all' },
    ]);
  });

  it('an empty egress list without policyTypes does not isolate egress', () => {
    const p = netpol('shop', 'deny-in', { podSelector: {}, egress: [] });
    expect(effectivePolicyTypes({ podSelector: {}, egress: [] })).toEqual({ ingress: true, egress: false });
    const m = computeReachability([...base(), p]);
    expect(m.edges).toEqual([]);
    expect(m.isolation.map((i) => [i.ingress, i.egress])).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  it('ingress rules of a policy whose policyTypes is [Egress] are ignored', () => {
    const p = netpol('shop', 'egress-only', {
      podSelector: { matchLabels: { app: 'backend' } },
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }],
      egress: [{}],
    });
    const m = computeReachability([...base(), p]);
    expect(m.isolation).toEqual([
      { workload: backend, ingress: false, egress: true },
      { workload: frontend, ingress: false, egress: false },
    ]);
    expect(m.edges).toHaveLength(4);
    expect(m.edges.every((e) => e.ports === 'all')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// (e) matchExpressions
// ---------------------------------------------------------------------------------------------

describe('(e) matchExpressions', () => {
  it('evaluates In, NotIn, Exists, DoesNotExist in podSelector and peers', () => {
    const objs = [
      namespace('m'),
      deployment('m', 'a', { tier: 'frontend', env: 'prod' }),
      deployment('m', 'b', { tier: 'backend', env: 'prod' }),
      deployment('m', 'c', { tier: 'backend', env: 'dev', canary: 'true' }),
      deployment('m', 'd', { env: 'prod' }),
      deployment('m', 'db', { app: 'db' }),
      netpol('m', 'db-main', {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] },
        ingress: [
          {
            from: [
              {
                podSelector: {
                  matchExpressions: [
                    { key: 'tier', operator: 'In', values: ['backend'] },
                    { key: 'env', operator: 'NotIn', values: ['dev'] },
                    { key: 'canary', operator: 'DoesNotExist' },
                  ],
                },
              },
            ],
            ports: [{ port: 5432 }],
          },
        ],
      }),
      netpol('m', 'db-canary', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] } }], ports: [{ port: 9999 }] }],
      }),
    ];
    const m = computeReachability(objs);
    const [a, b, c, d, db] = ['a', 'b', 'c', 'd', 'db'].map((n) => ref('m', n)) as [WorkloadRef, WorkloadRef, WorkloadRef, WorkloadRef, WorkloadRef];
    const open = [a, b, c, d];
    const expected: ReachabilityEdge[] = [];
    for (const src of [a, b, c, d, db]) {
      for (const dst of open) expected.push(edge(src, dst, 'all'));
      if (src === b) expected.push(edge(b, db, [tcp(5432)]));
      if (src === c) expected.push(edge(c, db, [tcp(9999)]));
    }
    expect(m.edges).toEqual(expected);
  });

  it('NotIn matches pods without the key; an unknown operator selects nothing and is noted', () => {
    const objs = [
      deployment('m', 'nokey', { app: 'x' }),
      deployment('m', 'db', { app: 'db' }),
      netpol('m', 'db', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          { from: [{ podSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }], ports: [{ port: 1 }] },
          { from: [{ podSelector: { matchExpressions: [{ key: 'env', operator: 'Gt', values: ['1'] }] } }], ports: [{ port: 2 }] },
        ],
      }),
    ];
    const m = computeReachability(objs);
    // db itself has no env key either, so it may reach itself on port 1
    expect(m.edges.filter((e) => e.to.name === 'db')).toEqual([
      edge(ref('m', 'db'), ref('m', 'db'), [tcp(1)]),
      edge(ref('m', 'nokey'), ref('m', 'db'), [tcp(1)]),
    ]);
    expect(m.notes).toEqual([expect.stringContaining('unsupported matchExpression')]);
  });
});

// ---------------------------------------------------------------------------------------------
// (f) named ports
// ---------------------------------------------------------------------------------------------

describe('(f) named ports', () => {
  const apiPorts: Port[] = [
    { name: 'http', containerPort: 8080 },
    { name: 'metrics', containerPort: 9090 },
    { name: 'dns', containerPort: 5353, protocol: 'UDP' },
  ];

  it('resolves ingress named ports against the destination containers (name and protocol)', () => {
    const m = computeReachability([
      deployment('n', 'api', { app: 'api' }, apiPorts),
      deployment('n', 'client', { app: 'client' }),
      netpol('n', 'api-in', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'client' } } }],
            // dns/TCP does not exist (dns is UDP); grpc does not exist at all
            ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }, { port: 'dns' }, { port: 'grpc' }],
          },
        ],
      }),
    ]);
    expect(m.edges).toEqual([
      edge(ref('n', 'api'), ref('n', 'client'), 'all'),
      edge(ref('n', 'client'), ref('n', 'api'), [tcp(8080), udp(5353)]),
      edge(ref('n', 'client'), ref('n', 'client'), 'all'),
    ]);
    expect(m.notes).toEqual([
      'NetworkPolicy n/api-in: named port "dns"/TCP is not declared by any container of n/Deployment/api; it allows nothing there',
      'NetworkPolicy n/api-in: named port "grpc"/TCP is not declared by any container of n/Deployment/api; it allows nothing there',
    ]);
  });

  it('resolves egress named ports against the destination pod, keeps them named towards IP blocks', () => {
    const m = computeReachability([
      deployment('n', 'api', { app: 'api' }, apiPorts),
      deployment('n', 'client', { app: 'client' }),
      netpol('n', 'client-out', {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'metrics' }] },
          { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 'https' }] },
        ],
      }),
    ]);
    expect(m.edges.filter((e) => e.from.name === 'client')).toEqual([edge(ref('n', 'client'), ref('n', 'api'), [tcp(9090)])]);
    expect(m.external.filter((f) => f.workload.name === 'client' && f.direction === 'egress')).toEqual<ExternalFlow[]>([
      { workload: ref('n', 'client'), direction: 'egress', peer: { type: 'ipBlock', cidr: '203.0.113.0/24', except: [] }, ports: [{ protocol: 'TCP', port: 'https' }] },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// (g) ipBlock egress with except
// ---------------------------------------------------------------------------------------------

describe('(g) ipBlock egress with except', () => {
  it('lists CIDR egress separately and never matches pods with ipBlock', () => {
    const m = computeReachability([
      deployment('g', 'app', { app: 'app' }),
      deployment('g', 'other', { app: 'other' }),
      netpol('g', 'app-egress', {
        podSelector: { matchLabels: { app: 'app' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ port: 443 }] },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] } }] },
        ],
      }),
    ]);
    const app = ref('g', 'app');
    const other = ref('g', 'other');
    // app cannot reach any pod (not even other, whose ingress is open): ipBlock never matches pods
    expect(m.edges).toEqual([edge(other, app, 'all'), edge(other, other, 'all')]);
    expect(m.external).toEqual<ExternalFlow[]>([
      { workload: app, direction: 'egress', peer: { type: 'ipBlock', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] }, ports: 'all' },
      { workload: app, direction: 'egress', peer: { type: 'ipBlock', cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }, ports: [tcp(443)] },
      { workload: app, direction: 'ingress', peer: { type: 'any' }, ports: 'all' },
      { workload: other, direction: 'egress', peer: { type: 'any' }, ports: 'all' },
      { workload: other, direction: 'ingress', peer: { type: 'any' }, ports: 'all' },
    ]);
  });

  it('ipBlock ingress peers appear as ingress from the CIDR', () => {
    const m = computeReachability([
      deployment('g', 'app', { app: 'app' }),
      netpol('g', 'lb', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 8443 }] }] }),
    ]);
    expect(m.edges).toEqual([]);
    expect(m.external.filter((f) => f.direction === 'ingress')).toEqual<ExternalFlow[]>([
      { workload: ref('g', 'app'), direction: 'ingress', peer: { type: 'ipBlock', cidr: '192.0.2.0/24', except: [] }, ports: [tcp(8443)] },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// (h) endPort ranges
// ---------------------------------------------------------------------------------------------

describe('(h) endPort ranges', () => {
  it('intersects egress and ingress ranges and merges adjacent ports', () => {
    const m = computeReachability([
      deployment('h', 'client', { app: 'client' }),
      deployment('h', 'server', { app: 'server' }),
      netpol('h', 'server-in', {
        podSelector: { matchLabels: { app: 'server' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 32000, endPort: 32767 }, { port: 8080 }, { port: 8081 }] }],
      }),
      netpol('h', 'client-out', {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 32100, endPort: 40000 }] }],
      }),
    ]);
    expect(m.edges).toEqual([
      edge(ref('h', 'client'), ref('h', 'server'), [tcp(32100, 32767)]),
      edge(ref('h', 'server'), ref('h', 'client'), 'all'),
    ]);
  });

  it('server ingress alone: adjacent single ports merge into one range', () => {
    const m = computeReachability([
      deployment('h', 'client', { app: 'client' }),
      deployment('h', 'server', { app: 'server' }),
      netpol('h', 'server-in', {
        podSelector: { matchLabels: { app: 'server' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 32000, endPort: 32767 }, { port: 8080 }, { port: 8081 }] }],
      }),
    ]);
    expect(m.edges.find((e) => e.to.name === 'server')).toEqual(edge(ref('h', 'client'), ref('h', 'server'), [tcp(8080, 8081), tcp(32000, 32767)]));
  });
});

// ---------------------------------------------------------------------------------------------
// Workload kinds, layers, port algebra
// ---------------------------------------------------------------------------------------------

describe('workload kinds', () => {
  it('reads pod labels from CronJob job templates and Pods', () => {
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: 'k' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { metadata: { labels: { app: 'backup' } }, spec: { containers: [] } } } } },
    };
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'k', labels: { app: 'p' } }, spec: { containers: [] } };
    const m = computeReachability([
      cron,
      pod,
      netpol('k', 'p-in', { podSelector: { matchLabels: { app: 'p' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'backup' } } }] }] }),
    ]);
    expect(m.edges).toEqual([
      edge(ref('k', 'backup', 'CronJob'), ref('k', 'backup', 'CronJob'), 'all'),
      edge(ref('k', 'backup', 'CronJob'), ref('k', 'p', 'Pod'), 'all'),
      edge(ref('k', 'p', 'Pod'), ref('k', 'backup', 'CronJob'), 'all'),
    ]);
  });
});

describe('layers (extension point for Istio AuthorizationPolicy)', () => {
  it('can only narrow what NetworkPolicies allow', () => {
    const seen: string[] = [];
    const onlyFromWebSa: ReachabilityLayer = {
      name: 'test-l7',
      restrict(flow) {
        if (flow.from.type === 'workload') seen.push(istioPrincipal(flow.from.workload));
        // tries to widen to 'all' for web, allows nothing for anything else
        return flow.from.type === 'workload' && flow.from.workload.name === 'web' ? 'all' : [];
      },
    };
    const m = computeReachability(topologyA(), { layers: [onlyFromWebSa] });
    expect(m.layers).toEqual(['test-l7']);
    expect(m.edges).toEqual([edge(ref('web', 'web'), ref('api', 'api'), [tcp(8080)])]);
    expect(m.external).toEqual([expect.objectContaining({ workload: ref('web', 'web'), direction: 'egress' })]);
    expect(seen).toContain('cluster.local/ns/web/sa/default');
  });

  it('applyLayers intersects in order', () => {
    const l = (name: string, ports: AllowedPorts): ReachabilityLayer => ({ name, restrict: () => ports });
    const from = { type: 'external', peer: { type: 'any' } } as const;
    const out = applyLayers({ from, to: from, allowed: [tcp(1, 100)] }, [l('a', [tcp(50, 200)]), l('b', [tcp(60), tcp(99, 150)])]);
    expect(out).toEqual([tcp(60), tcp(99, 100)]);
  });
});

describe('port algebra', () => {
  const protos = ['TCP', 'UDP'] as const;
  const specArb = fc
    .record({ protocol: fc.constantFrom(...protos), port: fc.integer({ min: 1, max: 40 }), len: fc.integer({ min: 0, max: 10 }) })
    .map(({ protocol, port, len }): PortSpec => (len === 0 ? { protocol, port } : { protocol, port, endPort: port + len }));
  const setArb: fc.Arbitrary<AllowedPorts> = fc.oneof(fc.constant<'all'>('all'), fc.array(specArb, { maxLength: 5 }));
  const members = (p: AllowedPorts): Set<string> => {
    const out = new Set<string>();
    for (const proto of protos) {
      for (let n = 1; n <= 60; n++) {
        if (p === 'all' || p.some((s) => s.protocol === proto && typeof s.port === 'number' && n >= s.port && n <= (s.endPort ?? s.port))) out.add(`${proto}${n}`);
      }
    }
    return out;
  };

  it('union and intersection agree with set semantics; normalization preserves membership', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const ma = members(a);
        const mb = members(b);
        expect(members(unionPorts(a, b))).toEqual(new Set([...ma, ...mb]));
        expect(members(intersectPorts(a, b))).toEqual(new Set([...ma].filter((x) => mb.has(x))));
        expect(members(subtractPorts(a, b))).toEqual(new Set([...ma].filter((x) => !mb.has(x))));
        expect(samePorts(a, b)).toBe(ma.size === mb.size && [...ma].every((x) => mb.has(x)) && (a === 'all') === (b === 'all'));
        expect(members(normalizePorts(a))).toEqual(ma);
        expect(normalizePorts(normalizePorts(a))).toEqual(normalizePorts(a));
      }),
    );
  });
});
