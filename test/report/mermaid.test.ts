/**
 * Diagrams stay legible and within Mermaid's default limits (50,000 characters, 500 edges) as the
 * blueprint grows, in the security report and in the diff; the default blueprint's diagram is
 * unchanged.
 */
import * as fs from 'fs';
import * as path from 'path';
import { diffManifests, renderDiffMarkdown } from '../../analysis/diff';
import { changedFlowsDiagram } from '../../analysis/diff/render';
import { computeReachability, renderSecurityReport, shortPeerLabel } from '../../analysis/report';
import { lintFlowchart, scaleBlueprint } from './_scale';

const mermaidOf = (markdown: string): string | undefined => /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
const edgesOf = (text: string): string[] => text.split('\n').filter((l) => / (-->|-\.->)\|/.test(l));

describe('security report diagram at scale', () => {
  it.each([
    [4, 1],
    [5, 10],
    [40, 5],
  ])('%i namespaces × %i workloads: parses (our grammar lint), within 50,000 characters and 500 edges', (namespaces, per) => {
    const objects = scaleBlueprint(namespaces, per);
    const text = mermaidOf(renderSecurityReport(objects));
    expect(text).toBeDefined();
    expect(lintFlowchart(text!)).toEqual([]);
    expect(text!.length).toBeLessThanOrEqual(50_000);
    expect(edgesOf(text!).length).toBeLessThanOrEqual(500);
  });

  it('200 workloads: one node per namespace with flow counts and ports, short peer labels', () => {
    const text = mermaidOf(renderSecurityReport(scaleBlueprint(20, 10)))!;
    expect(text).toContain('ns_team_2d3["team-3 · 10 workloads"]');
    // DNS: one edge per namespace, counting its ten flows
    expect(text).toContain('ns_team_2d3 -->|"10 flows: 53/TCP, 53/UDP"| ext_sel_');
    expect(text).toContain('(["kube-system: k8s-app=kube-dns"])');
    expect(text).toContain('ns_team_2d3 -->|"9 flows: 8080/TCP"| ns_team_2d3');
    expect(text).toContain('ns_team_2d3 -->|"1 flow: 8443/TCP"| ns_team_2d4');
    // per namespace: its chain, DNS, ingress controller, external API; plus 19 namespace-to-namespace flows
    expect(edgesOf(text).length).toBe(20 * 4 + 19);
    expect(lintFlowchart(text)).toEqual([]);
    expect(text.length).toBeLessThan(12_000);
  });

  it('up to 30 workloads: workloads drawn, a flow every workload of a namespace shares drawn once', () => {
    const objects = scaleBlueprint(3, 10);
    const text = mermaidOf(renderSecurityReport(objects))!;
    const dns = edgesOf(text).filter((l) => l.includes('53/TCP, 53/UDP'));
    expect(dns).toEqual(['ns_team_2d0', 'ns_team_2d1', 'ns_team_2d2'].map((ns) => expect.stringMatching(new RegExp(`^  ${ns} -->\\|"53/TCP, 53/UDP"\\| ext_sel_[0-9a-f]{8}$`))));
    expect(text).toContain('wl_team_2d0__svc_2d0["svc-0 (Deployment)"]');
    expect(edgesOf(text).length).toBe(computeReachability(objects).edges.length + 3 * 3);
  });

  it('small blueprints keep the full diagram: every flow drawn, full peer labels (as the committed dist/SECURITY-REPORT.md was before)', () => {
    // two namespaces of two workloads: below three, a shared DNS flow stays one edge per workload
    const text = mermaidOf(renderSecurityReport(scaleBlueprint(2, 2)))!;
    expect(lintFlowchart(text)).toEqual([]);
    expect(edgesOf(text).filter((l) => l.includes('53/TCP, 53/UDP'))).toHaveLength(4);
    expect(text).toContain('(["pods matching {k8s-app=kube-dns} in namespace kube-system (not among the inputs)"])');
    expect(text).toContain('wl_team_2d0__svc_2d0["svc-0 (Deployment)"]');
  });

  it('the committed diagram parses (our grammar lint)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'SECURITY-REPORT.md'), 'utf8');
    expect(lintFlowchart(mermaidOf(committed)!)).toEqual([]);
  });

  it('short peer labels', () => {
    expect(shortPeerLabel({ type: 'selector', description: 'pods matching {k8s-app=kube-dns} in namespace kube-system (not among the inputs)' })).toBe('kube-system: k8s-app=kube-dns');
    expect(shortPeerLabel({ type: 'selector', description: 'all pods in namespace ingress-nginx (not among the inputs)' })).toBe('ingress-nginx: *');
    expect(shortPeerLabel({ type: 'selector', description: 'all pods in namespaces matching {team=x} (not among the inputs)' })).toBe('{team=x}: *');
    expect(shortPeerLabel({ type: 'ipBlock', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] })).toBe('10.0.0.0/8 (except 1)');
    expect(shortPeerLabel({ type: 'any' })).toBe('any');
  });
});

describe('diff diagram at scale', () => {
  it('200 workloads, every flow changed: namespace view, within limits; added solid, removed dashed', () => {
    const before = scaleBlueprint(20, 10);
    // the change: every namespace loses its DNS policy and the chain moves from 8080 to 9090
    const after = scaleBlueprint(20, 10).map((o) => JSON.parse(JSON.stringify(o).replace(/"port":8080/g, '"port":9090')))
      .filter((o) => o.metadata?.name !== 'dns');
    const diff = diffManifests(before, after);
    const d = changedFlowsDiagram(diff);
    expect(d.view).toBe('namespaces');
    const text = d.lines.slice(1, -1).join('\n');
    expect(lintFlowchart(text)).toEqual([]);
    expect(text.length).toBeLessThanOrEqual(50_000);
    expect(d.edges).toBeLessThanOrEqual(500);
    expect(text).toContain('ns_team_2d3 -.->|"10 flows: 53/TCP, 53/UDP"| ext_sel_');
    expect(text).toContain('ns_team_2d3 -->|"+9 flows: 9090/TCP"| ns_team_2d3');
    expect(text).toContain('ns_team_2d3 -.->|"−9 flows: 8080/TCP"| ns_team_2d3');
    expect(renderDiffMarkdown(diff).length).toBeGreaterThan(0);
  });

  it('a few changed flows among many workloads: only their workloads are drawn; a shared flow of a whole namespace drawn once', () => {
    const before = scaleBlueprint(20, 10);
    const after = before.filter((o) => !(o.metadata?.name === 'dns' && o.metadata.namespace === 'team-7'));
    const d = changedFlowsDiagram(diffManifests(before, after));
    expect(d.view).toBe('workloads');
    expect(d.lines.filter((l) => l.includes('subgraph'))).toEqual(['  subgraph ns_team_2d7["team-7"]']);
    expect(d.lines.filter((l) => l.includes('-.->'))).toEqual([expect.stringMatching(/^ {2}ns_team_2d7 -\.->\|"53\/TCP, 53\/UDP"\| ext_sel_[0-9a-f]{8}$/)]);
    expect(d.edges).toBe(1);
  });
});
