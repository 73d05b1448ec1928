import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../policy/kube-object';
import { computeReachability, mermaidIdFragment, mermaidLabel, renderSecurityReport, resolveMtls, extractWorkloads, formatMtls } from '../../analysis/report';

/** Topology (a) as synthesized YAML: two namespaces, default deny, DNS egress, web→api:8080. */
const TOPOLOGY_A = `
apiVersion: v1
kind: Namespace
metadata:
  name: web
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: api
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: v1.30
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: web }
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: ghcr.io/example/web:1.4.2
          ports: [{ name: http, containerPort: 8000 }]
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      serviceAccountName: api
      automountServiceAccountToken: false
      runtimeClassName: gvisor
      initContainers:
        - name: migrate
          image: ghcr.io/example/api-migrate@sha256:1111111111111111111111111111111111111111111111111111111111111111
          securityContext: { runAsUser: 0 }
      containers:
        - name: api
          image: ghcr.io/example/api@sha256:2222222222222222222222222222222222222222222222222222222222222222
          ports: [{ name: http, containerPort: 8080 }]
          securityContext: { runAsUser: 10001, readOnlyRootFilesystem: true }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: api }
spec:
  selector: { app: api }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: web }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: api }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-dns, namespace: web }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-dns, namespace: api }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: web }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: api } }
          podSelector: { matchLabels: { app: api } }
      ports: [{ port: 8080, protocol: TCP }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-web, namespace: api }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: web } }
          podSelector: { matchLabels: { app: web } }
      ports: [{ port: 8080, protocol: TCP }]
`;

function load(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText).map((d) => d.toJS() as KubeObject);
}

describe('renderSecurityReport, topology (a)', () => {
  const objects = load(TOPOLOGY_A);

  it('has the hand-checked reachability', () => {
    const m = computeReachability(objects);
    expect(m.edges).toEqual([
      { from: { kind: 'Deployment', namespace: 'web', name: 'web' }, to: { kind: 'Deployment', namespace: 'api', name: 'api' }, ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect(m.external.map((f) => `${f.workload.namespace}/${f.workload.name} ${f.direction} ${f.peer.type}`)).toEqual(['api/api egress selector', 'web/web egress selector']);
  });

  it('matches the reviewed snapshot', () => {
    expect(renderSecurityReport(objects)).toMatchSnapshot();
  });

  it('is byte-identical for the same input, whatever the object order', () => {
    const a = renderSecurityReport(objects);
    expect(renderSecurityReport(load(TOPOLOGY_A))).toBe(a);
    expect(renderSecurityReport([...objects].reverse())).toBe(a);
  });

  it('shows the key facts', () => {
    const r = renderSecurityReport(objects);
    expect(r).toContain('| **web/web** | 8080/TCP | — |');
    expect(r).toContain('`ghcr.io/example/web:1.4.2` ⚠️ no digest');
    expect(r).not.toContain('api@sha256:2222222222222222222222222222222222222222222222222222222222222222` ⚠️');
    expect(r).toContain('no (migrate)');
    expect(r).toContain('false (from ServiceAccount)');
    expect(r).toContain('wl_web__web -->|"8080/TCP"| wl_api__api');
    expect(r.endsWith('\n')).toBe(true);
  });

  it('takes replicas from a HorizontalPodAutoscaler targeting the workload', () => {
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10 },
    };
    expect(renderSecurityReport([...objects, hpa])).toContain('| Deployment/web | 2–10 (HPA) |');
  });
});

describe('findings and exceptions', () => {
  const objects = load(TOPOLOGY_A);

  it('renders findings with their status and exception reasons verbatim', () => {
    const reason = 'Migrations need root until ticket SEC-42 | lands; see *runbook* <b>now</b>';
    const r = renderSecurityReport(objects, {
      findings: [
        { namespace: 'api', kind: 'Deployment', name: 'api', rule: 'run-as-non-root', message: 'init container migrate runs as uid 0' },
        { namespace: 'web', kind: 'Deployment', name: 'web', rule: 'image-digest', message: 'image ghcr.io/example/web:1.4.2 | not pinned' },
      ],
      exceptions: [{ namespace: 'api', kind: 'Deployment', name: 'api', rule: 'run-as-non-root', reason }],
    });
    expect(r).toContain('2 findings, 1 exception.');
    expect(r).toContain('| excepted | `api/Deployment/api` | `run-as-non-root` | init container migrate runs as uid 0 |');
    expect(r).toContain('| open | `web/Deployment/web` | `image-digest` | image ghcr.io/example/web:1.4.2 \\| not pinned |');
    expect(r).toContain(reason);
  });

  it('omits the section when neither findings nor exceptions are given, says so when both are empty', () => {
    expect(renderSecurityReport(objects)).not.toContain('## Findings');
    const r = renderSecurityReport(objects, { findings: [], exceptions: [] });
    expect(r).toContain('## Findings\n\nNo findings.');
    expect(r).toContain('### Exceptions\n\nNo exceptions.');
  });
});

describe('mTLS from PeerAuthentication', () => {
  const pa = (ns: string, name: string, mode: string | undefined, selector?: Record<string, string>, portLevel?: Record<string, string>): KubeObject => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace: ns },
    spec: {
      ...(selector ? { selector: { matchLabels: selector } } : {}),
      ...(mode ? { mtls: { mode } } : {}),
      ...(portLevel ? { portLevelMtls: Object.fromEntries(Object.entries(portLevel).map(([p, m]) => [p, { mode: m }])) } : {}),
    },
  });
  const objects = load(TOPOLOGY_A);
  const mtlsOf = (extra: KubeObject[]): Record<string, string> => {
    const all = [...objects, ...extra];
    return Object.fromEntries(extractWorkloads(all).map((w) => [w.name, formatMtls(resolveMtls(all, w))]));
  };

  it('none without PeerAuthentication', () => {
    expect(mtlsOf([])).toEqual({ api: 'none', web: 'none' });
  });

  it('mesh-wide in istio-system, overridden by namespace, overridden by workload selector; UNSET inherits', () => {
    expect(mtlsOf([pa('istio-system', 'default', 'STRICT')])).toEqual({ api: 'STRICT (mesh)', web: 'STRICT (mesh)' });
    expect(mtlsOf([pa('istio-system', 'default', 'STRICT'), pa('api', 'default', 'PERMISSIVE')])).toEqual({ api: 'PERMISSIVE (namespace)', web: 'STRICT (mesh)' });
    expect(
      mtlsOf([pa('istio-system', 'default', 'STRICT'), pa('api', 'default', 'PERMISSIVE'), pa('api', 'api', 'UNSET', { app: 'api' }, { '8080': 'DISABLE' })]),
    ).toEqual({ api: 'PERMISSIVE (namespace; 8080: DISABLE)', web: 'STRICT (mesh)' });
    // selector policies in the root namespace are ignored
    expect(mtlsOf([pa('istio-system', 'web-only', 'STRICT', { app: 'web' })])).toEqual({ api: 'none', web: 'none' });
    // UNSET all the way up: Istio's default, PERMISSIVE
    expect(mtlsOf([pa('web', 'default', undefined)])).toEqual({ api: 'none', web: 'PERMISSIVE (istio-default)' });
  });

  it('appears in the namespace table', () => {
    const r = renderSecurityReport([...objects, pa('istio-system', 'default', 'STRICT')]);
    expect(r).toContain('| Deployment/web | 3 | restricted | sidecar | STRICT (mesh) |');
  });
});

describe('Mermaid output', () => {
  it('escapes labels so quotes, #, pipes and HTML cannot break the diagram', () => {
    expect(mermaidLabel('a "b" #1 | <x> & `y`\nz')).toBe('a #quot;b#quot; #35;1 #124; #lt;x#gt; #amp; #96;y#96; z');
  });

  it('derives injective, safe ids', () => {
    expect(mermaidIdFragment('web-frontend.v2')).toBe('web_2dfrontend_2ev2');
    expect(mermaidIdFragment('a_b')).toBe('a_5fb');
    expect(mermaidIdFragment('a-b')).not.toBe(mermaidIdFragment('a.b'));
    expect(mermaidIdFragment('é')).toBe('_e9');
    expect(mermaidIdFragment('名')).toBe('_u540d');
  });

  it('can be omitted or capped', () => {
    const objects = load(TOPOLOGY_A);
    expect(renderSecurityReport(objects, { mermaid: false })).not.toContain('```mermaid');
    expect(renderSecurityReport(objects, { mermaidMaxEdges: 1 })).toContain('_Diagram omitted: 3 edges exceed the limit of 1._');
  });
});
