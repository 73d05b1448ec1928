/**
 * The version matrix: the meshed storefront for (Kubernetes 1.28, Istio 1.24), the default, and
 * (Kubernetes 1.33, Istio 1.28), with every difference between the two outputs asserted; and the
 * older security API for Istio before 1.22.
 */
import { HardenedAppProps, IstioMesh } from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { checkPodSecurity, podTemplateOf } from '../../policy/pss';
import { synthApp } from '../support/manifests';
import { isIstioObject, meshedStorefront, validateAgainstIstioCrd } from './_support';

function synth(app: HardenedAppProps, mode: 'sidecar' | 'ambient' = 'sidecar'): { objects: KubeObject[]; mesh: IstioMesh; istio: string } {
  const built = meshedStorefront({ app, mode });
  const objects = synthApp(built.app);
  return { objects, mesh: built.mesh, istio: built.app.model.istio.version };
}

/** Every leaf `<kind> <ns>/<name> <path>` whose value differs between two object lists of the same objects. */
function differences(a: readonly KubeObject[], b: readonly KubeObject[]): string[] {
  const leaves = (objects: readonly KubeObject[]) => {
    const out = new Map<string, string>();
    const walk = (prefix: string, v: unknown) => {
      if (v !== null && typeof v === 'object') {
        for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(`${prefix}.${k}`, child);
      } else {
        out.set(prefix, JSON.stringify(v));
      }
    };
    for (const o of objects) walk(`${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o);
    return out;
  };
  const la = leaves(a);
  const lb = leaves(b);
  return [...new Set([...la.keys(), ...lb.keys()])].filter(k => la.get(k) !== lb.get(k)).sort();
}

describe('version matrix', () => {
  const old = synth({});
  const current = synth({ kubernetesVersion: '1.33' });

  test('defaults: Istio 1.24 for Kubernetes 1.28, Istio 1.28 for Kubernetes 1.33', () => {
    expect(old.istio).toBe('1.24');
    expect(current.istio).toBe('1.28');
  });

  test('both pairs: the same Istio objects, security.istio.io/v1, valid against the CRDs; pods pass restricted', () => {
    for (const { objects } of [old, current]) {
      const istio = objects.filter(isIstioObject);
      expect(istio.map(o => o.apiVersion)).toEqual(Array(11).fill('security.istio.io/v1'));
      istio.forEach(validateAgainstIstioCrd);
      for (const o of objects.filter(x => podTemplateOf(x) !== undefined)) expect(checkPodSecurity(o, 'restricted', 'latest')).toEqual([]);
    }
  });

  test('the only differences: AppArmor as annotation (1.28) or field (1.33); install values: seccomp (Istio 1.28), native sidecars (Kubernetes 1.29+)', () => {
    const diff = differences(old.objects, current.objects);
    const apparmorAnnotations = diff.filter(d => /annotations\.container\.apparmor\.security\.beta\.kubernetes\.io\//.test(d));
    const apparmorFields = diff.filter(d => /securityContext\.appArmorProfile\.type$/.test(d));
    expect(apparmorAnnotations.length).toBe(4);
    expect(apparmorFields.length).toBe(4);
    expect(diff.filter(d => !apparmorAnnotations.includes(d) && !apparmorFields.includes(d))).toEqual([]);
    expect(old.mesh.installValues()).not.toHaveProperty('global');
    expect(current.mesh.installValues()).toHaveProperty('global.proxy.seccompProfile', { type: 'RuntimeDefault' });
    expect(old.mesh.installValues()).not.toHaveProperty('pilot.env');
    expect(current.mesh.installValues()).toHaveProperty('pilot.env', { ENABLE_NATIVE_SIDECARS: 'true' });
  });

  test('ambient on both pairs; refused on Istio 1.23', () => {
    expect(synth({}, 'ambient').objects.filter(o => o.kind === 'Namespace').map(o => o.metadata?.labels?.['istio.io/dataplane-mode'])).toEqual(['ambient', 'ambient', 'ambient']);
    expect(synth({ kubernetesVersion: '1.33' }, 'ambient').objects.filter(isIstioObject).length).toBe(11);
    expect(() => synth({ istioVersion: '1.23' }, 'ambient')).toThrow(/needs Istio 1.24 or later/);
  });

  test('Istio 1.21 on Kubernetes 1.28 writes security.istio.io/v1beta1, valid against the v1beta1 schema', () => {
    const { objects } = synth({ istioVersion: '1.21' });
    const istio = objects.filter(isIstioObject);
    expect(istio.map(o => o.apiVersion)).toEqual(Array(11).fill('security.istio.io/v1beta1'));
    istio.forEach(validateAgainstIstioCrd);
    expect(differences(old.objects.filter(isIstioObject), istio).every(d => d.endsWith('.apiVersion'))).toBe(true);
  });
});
