import { podTemplateOf, checkPodSecurity } from '../policy/pss';
import { buildDefaultBlueprint } from '../src/blueprint';
import { synthApp, testApp } from './support/manifests';
import { validateAgainstKubernetesSchema } from './support/schema';
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

  test('every object is valid against the Kubernetes schema', () => {
    expect(objects.length).toBeGreaterThan(30);
    objects.forEach(validateAgainstKubernetesSchema);
  });

  test('every pod template passes Pod Security Standards restricted at v1.28 and latest', () => {
    const podBearing = objects.filter(o => podTemplateOf(o) !== undefined);
    expect(podBearing.map(o => `${o.metadata?.namespace}/${o.metadata?.name}`).sort()).toEqual(['backend/api', 'backend/thumbnailer', 'data/postgres', 'storefront/web']);
    for (const o of podBearing) {
      expect({ name: o.metadata?.name, findings: checkPodSecurity(o, 'restricted', 'v1.28') }).toEqual({ name: o.metadata?.name, findings: [] });
      expect({ name: o.metadata?.name, findings: checkPodSecurity(o, 'restricted', 'latest') }).toEqual({ name: o.metadata?.name, findings: [] });
    }
  });

  test('one workload runs in a sandbox', () => {
    const sandboxed = objects.filter(o => o.kind === 'Deployment' && (o.spec as { template: { spec: { runtimeClassName?: string } } }).template.spec.runtimeClassName);
    expect(sandboxed.map(o => o.metadata?.name)).toEqual(['thumbnailer']);
  });

  test('synthesis is deterministic', () => {
    expect(JSON.stringify(blueprint())).toBe(JSON.stringify(objects));
  });
});
