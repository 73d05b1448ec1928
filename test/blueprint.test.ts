import { podTemplateOf, checkPodSecurity } from '../policy/pss';
import { buildDefaultBlueprint } from '../src/blueprint';
import { synthApp, testApp } from './support/manifests';
import { validateAgainstKubernetesSchema } from './support/schema';
import { isIstioObject, validateAgainstIstioCrd } from './mesh/_support';
import { KubeObject } from '../policy/kube-object';

function blueprint(): KubeObject[] {
  const app = testApp();
  buildDefaultBlueprint(app);
  return synthApp(app);
}

describe('default blueprint', () => {
  const objects = blueprint();

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes schema, and every Istio object against its CRD', () => {
    expect(objects.length).toBeGreaterThan(30);
    objects.forEach(o => (isIstioObject(o) ? validateAgainstIstioCrd(o) : validateAgainstKubernetesSchema(o)));
  });

  test('every pod template passes Pod Security Standards restricted at v1.28 and latest', () => {
    const podBearing = objects.filter(o => podTemplateOf(o) !== undefined);
    expect(podBearing.map(o => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`).sort()).toEqual([
      'CronJob data/export', 'Deployment backend/api', 'Deployment backend/thumbnailer', 'Deployment storefront/web', 'Job backend/migrate', 'StatefulSet data/postgres',
    ]);
    for (const o of podBearing) {
      expect({ name: o.metadata?.name, findings: checkPodSecurity(o, 'restricted', 'v1.28') }).toEqual({ name: o.metadata?.name, findings: [] });
      expect({ name: o.metadata?.name, findings: checkPodSecurity(o, 'restricted', 'latest') }).toEqual({ name: o.metadata?.name, findings: [] });
    }
  });

  test('one workload runs in a sandbox', () => {
    const sandboxed = objects.filter(o => o.kind === 'Deployment' && (o.spec as { template: { spec: { runtimeClassName?: string } } }).template.spec.runtimeClassName);
    expect(sandboxed.map(o => o.metadata?.name)).toEqual(['thumbnailer']);
  });

  test('objects by kind', () => {
    const counts: Record<string, number> = {};
    for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    expect(counts).toEqual({
      AuthorizationPolicy: 7, CronJob: 1, Deployment: 3, HorizontalPodAutoscaler: 1, Ingress: 1, Job: 1, LimitRange: 3, Namespace: 3, NetworkPolicy: 17,
      PeerAuthentication: 4, PodDisruptionBudget: 3, ResourceQuota: 3, RuntimeClass: 1, Service: 4, ServiceAccount: 6, StatefulSet: 1,
    });
  });

  test('every workload sits behind default deny: its namespace denies all, and only declared flows open', () => {
    const workloads = objects.filter(o => podTemplateOf(o) !== undefined);
    const denyAll = new Set(objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata?.name === 'default-deny-all').map(o => o.metadata?.namespace));
    expect(workloads.filter(w => !denyAll.has(w.metadata?.namespace)).map(w => w.metadata?.name)).toEqual([]);
  });

  test('the only public entry point is the Ingress of web, with TLS', () => {
    const ingresses = objects.filter(o => o.kind === 'Ingress');
    expect(ingresses.map(i => [i.metadata?.namespace, (i.spec as any).rules[0].host, (i.spec as any).tls[0].hosts])).toEqual([['storefront', 'shop.example.com', ['shop.example.com']]]);
  });

  test('synthesis is deterministic', () => {
    expect(JSON.stringify(blueprint())).toBe(JSON.stringify(objects));
  });
});
