/** Above a dozen workloads the report lists the allowed flows: its size grows with the flows, not with the square of the workloads. */
import { HardenedApp } from '../../constructs';
import { renderSecurityReport } from '../../analysis/report/security-report';
import { MATRIX_MAX_WORKLOADS } from '../../analysis/report/reachability-tables';
import type { KubeObject } from '../../policy/kube-object';
import { buildHardened } from '../../bench/blueprints';

function objectsOf(workloads: number): KubeObject[] {
  const app = new HardenedApp({ outdir: '/nonexistent' });
  buildHardened(app, workloads);
  return app.synthObjects().objects.map(o => o.object);
}

function section(md: string): string {
  return md.slice(md.indexOf('### Workload to workload'), md.indexOf('### To and from outside'));
}

test('a matrix up to 12 workloads, a flow list above; the list is linear in the flows', () => {
  expect(MATRIX_MAX_WORKLOADS).toBe(12);
  expect(section(renderSecurityReport(objectsOf(12)))).toContain('Rows are sources, columns destinations');
  const lists = [20, 40].map(n => section(renderSecurityReport(objectsOf(n))));
  // each workload reaches its neighbour: n flows, one row each
  expect(lists[0]).toContain('20 allowed flows between 20 workloads');
  expect(lists[0].split('\n').filter(l => l.startsWith('| ns-')).length).toBe(20);
  expect(lists[1].split('\n').filter(l => l.startsWith('| ns-')).length).toBe(40);
  const perFlow = lists.map((l, i) => l.length / [20, 40][i]);
  expect(perFlow[1] / perFlow[0]).toBeLessThan(1.2);
});

test('a namespace without NetworkPolicies is one row, not N²: the flows are grouped by namespace and ports', () => {
  const deployment = (i: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `w${i}`, namespace: 'flat' },
    spec: { selector: { matchLabels: { app: `w${i}` } }, template: { metadata: { labels: { app: `w${i}` } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flat' } }, ...Array.from({ length: 20 }, (_, i) => deployment(i))];
  const rows = section(renderSecurityReport(objects)).split('\n').filter(l => l.startsWith('| every') || l.startsWith('| flat/'));
  expect(section(renderSecurityReport(objects))).toContain('400 allowed flows between 20 workloads');
  expect(rows).toEqual(['| every workload of `flat` (20) | every workload of `flat` (20) | all |']);
});
