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
