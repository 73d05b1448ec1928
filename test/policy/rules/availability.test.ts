import type { KubeObject } from '../../../policy/kube-object';
import { probes } from '../../../policy/rules/availability/probes';
import { replicasAndDisruptionBudget } from '../../../policy/rules/availability/replicas-and-disruption-budget';
import { evaluate, goodContainer, goodDeployment, goodNeighbours, variant, violations } from './_fixtures';

describe('HARDENED-4 readiness-and-liveness-probes', () => {
  test('compliant: every main container has both probes; init containers and native sidecars are not judged', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.initContainers = [{ name: 'proxy', image: 'x', restartPolicy: 'Always' }, { name: 'migrate', image: 'x' }];
    });
    expect(evaluate(probes, o)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: a missing readiness or liveness probe', () => {
    const o = variant(goodDeployment(), d => {
      delete d.spec.template.spec.containers[0].readinessProbe;
      d.spec.template.spec.containers.push({ ...goodContainer('second'), livenessProbe: undefined, readinessProbe: undefined });
    });
    expect(violations(evaluate(probes, o))).toEqual([
      { message: 'container "app" declares no readinessProbe', path: 'spec.template.spec.containers[0].readinessProbe' },
      { message: 'container "second" declares no readinessProbe and no livenessProbe', path: 'spec.template.spec.containers[1].readinessProbe' },
    ]);
  });

  test('Jobs and CronJobs run to completion and are not judged', () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'once', image: 'x' }] } } },
    };
    expect(evaluate(probes, job)).toEqual({ status: 'not-applicable' });
  });
});

describe('HARDENED-10 replicas-and-disruption-budget', () => {
  test('compliant: 2 replicas and a PodDisruptionBudget (matchLabels or matchExpressions) that allows an eviction', () => {
    expect(evaluate(replicasAndDisruptionBudget, goodDeployment())).toEqual({ status: 'compliant' });
    const byExpression = goodNeighbours().map(o => o.kind !== 'PodDisruptionBudget' ? o : variant(o, p => {
      p.spec = { minAvailable: 1, selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] } };
    }));
    expect(evaluate(replicasAndDisruptionBudget, goodDeployment(), byExpression)).toEqual({ status: 'compliant' });
  });

  test('compliant: an autoscaler with minReplicas >= 2 owns the replica count', () => {
    const o = variant(goodDeployment(), d => { delete d.spec.replicas; });
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
    };
    expect(evaluate(replicasAndDisruptionBudget, o, [...goodNeighbours(), hpa])).toEqual({ status: 'compliant' });
    expect(violations(evaluate(replicasAndDisruptionBudget, o, [...goodNeighbours(), variant(hpa, h => { delete h.spec.minReplicas; })]))).toEqual([
      { message: 'HorizontalPodAutoscaler "web" may scale it down to 1 replica', path: 'spec.replicas', fix: 'set the autoscaler\'s minReplicas to 2 or more' },
    ]);
  });

  test('non-compliant: one replica (explicit or by default)', () => {
    expect(violations(evaluate(replicasAndDisruptionBudget, variant(goodDeployment(), d => { d.spec.replicas = 1; })))).toEqual([
      { message: 'runs 1 replica', path: 'spec.replicas' },
    ]);
    expect(violations(evaluate(replicasAndDisruptionBudget, variant(goodDeployment(), d => { delete d.spec.replicas; })))).toEqual([
      { message: 'sets no replicas, so it runs 1', path: 'spec.replicas' },
    ]);
  });

  test('non-compliant: no budget selects the pods (other labels, other namespace, other API group)', () => {
    const elsewhere = goodNeighbours().map(o => o.kind !== 'PodDisruptionBudget' ? o : variant(o, p => { p.metadata.namespace = 'other'; }));
    const otherLabels = goodNeighbours().map(o => o.kind !== 'PodDisruptionBudget' ? o : variant(o, p => { p.spec.selector = { matchLabels: { app: 'api' } }; }));
    for (const others of [elsewhere, otherLabels]) {
      expect(violations(evaluate(replicasAndDisruptionBudget, goodDeployment(), others))).toEqual([
        { message: 'no PodDisruptionBudget in namespace "shop" selects its pods', path: 'spec.template.metadata.labels' },
      ]);
    }
  });

  test('non-compliant: a budget that allows no eviction blocks drains', () => {
    const blocking = goodNeighbours().map(o => o.kind !== 'PodDisruptionBudget' ? o : variant(o, p => { p.spec = { minAvailable: 2, selector: {} }; }));
    expect(violations(evaluate(replicasAndDisruptionBudget, goodDeployment(), blocking))).toEqual([{
      message: 'PodDisruptionBudget "web" allows no eviction (minAvailable 2 of 2 replicas), which blocks node drains',
      path: 'spec.template.metadata.labels',
      fix: 'set the budget to maxUnavailable: 1 (or a minAvailable below the replica count)',
    }]);
  });

  test('StatefulSets are judged; DaemonSets and Jobs are not', () => {
    const sts = variant(goodDeployment(), d => { d.kind = 'StatefulSet'; d.spec.replicas = 1; });
    expect(violations(evaluate(replicasAndDisruptionBudget, sts))).toHaveLength(1);
    expect(evaluate(replicasAndDisruptionBudget, variant(goodDeployment(), d => { d.kind = 'DaemonSet'; }))).toEqual({ status: 'not-applicable' });
  });
});
