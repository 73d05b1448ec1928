/**
 * A blueprint-shaped set of manifests of any size, for diagram-size tests: `namespaces` namespaces
 * of `perNamespace` workloads each, default deny with DNS egress per namespace (as
 * HardenedNamespace writes), a chain of flows inside each namespace (w0 → w1 → … on 8080), the
 * first workload of each namespace called by the first of the previous one (8443), ingress from an
 * ingress controller to each first workload, and egress to an external API from each last workload.
 */
import type { KubeObject } from '../../policy/kube-object';

const np = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
const app = (name: string) => ({ matchLabels: { app: name } });

export function scaleBlueprint(namespaces: number, perNamespace: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    out.push(np(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    out.push(
      np(ns, 'dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      }),
    );
    for (let w = 0; w < perNamespace; w++) {
      const name = `svc-${w}`;
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
        spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `registry.example.com/${name}@sha256:${'0'.repeat(64)}`, ports: [{ containerPort: 8080 }] }] } } },
      });
      const egress: unknown[] = [];
      const ingress: unknown[] = [];
      if (w + 1 < perNamespace) egress.push({ to: [{ podSelector: app(`svc-${w + 1}`) }], ports: [{ port: 8080 }] });
      if (w > 0) ingress.push({ from: [{ podSelector: app(`svc-${w - 1}`) }], ports: [{ port: 8080 }] });
      if (w === 0 && n + 1 < namespaces) egress.push({ to: [{ namespaceSelector: byName(`team-${n + 1}`), podSelector: app('svc-0') }], ports: [{ port: 8443 }] });
      if (w === 0 && n > 0) ingress.push({ from: [{ namespaceSelector: byName(`team-${n - 1}`), podSelector: app('svc-0') }], ports: [{ port: 8443 }] });
      if (w === 0) ingress.push({ from: [{ namespaceSelector: byName('ingress-nginx') }], ports: [{ port: 8080 }] });
      if (w === perNamespace - 1) egress.push({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] });
      out.push(np(ns, `${name}-egress`, { podSelector: app(name), policyTypes: ['Egress'], egress }));
      out.push(np(ns, `${name}-ingress`, { podSelector: app(name), policyTypes: ['Ingress'], ingress }));
    }
  }
  return out;
}

/**
 * Checks Mermaid flowchart text against the subset of the grammar we emit: one `flowchart LR`
 * header, balanced `subgraph`/`end`, ids of `[A-Za-z0-9_]`, every label double-quoted without a
 * raw `"`, and every edge between declared nodes or subgraphs. Returns the problems found.
 */
export function lintFlowchart(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines[0] !== 'flowchart LR') problems.push(`header: ${lines[0]}`);
  const declared = new Set<string>();
  let depth = 0;
  const edges: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const t = line.trim();
    let m: RegExpExecArray | null;
    if ((m = /^subgraph ([A-Za-z0-9_]+)\["([^"]*)"\]$/.exec(t))) {
      declared.add(m[1]);
      depth++;
    } else if (t === 'end') {
      depth--;
      if (depth < 0) problems.push('end without subgraph');
    } else if ((m = /^([A-Za-z0-9_]+)(\["[^"]*"\]|\(\["[^"]*"\]\))$/.exec(t))) {
      declared.add(m[1]);
    } else if ((m = /^([A-Za-z0-9_]+) (-->|-\.->)\|"[^"]*"\| ([A-Za-z0-9_]+)$/.exec(t))) {
      edges.push([m[1], m[3]]);
    } else {
      problems.push(`unrecognized line: ${t}`);
    }
  }
  if (depth !== 0) problems.push('unbalanced subgraph');
  for (const [a, b] of edges) for (const id of [a, b]) if (!declared.has(id)) problems.push(`edge to undeclared ${id}`);
  return problems;
}
