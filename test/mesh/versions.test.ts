/**
 * The version matrix: the meshed storefront for (Kubernetes 1.28, Istio 1.24) and the default
 * (Kubernetes 1.36, Istio 1.31), with every difference between the two outputs asserted; the
 * Istio table's edges: no line for Kubernetes 1.37 (override warns), lines before 1.22 refused.
 */
import { Chart } from 'cdk8s';
import { HardenedAppProps, HardenedDeployment, HardenedNamespace, IstioMesh } from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { checkPodSecurity, podTemplateOf } from '../../policy/pss';
import { container } from '../support/fixtures';
import { synthApp, testApp } from '../support/manifests';
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
  const old = synth({ kubernetesVersion: '1.28' });
  const current = synth({});

  test('defaults: Istio 1.24 for Kubernetes 1.28, Istio 1.31 for Kubernetes 1.36 (the default)', () => {
    expect(old.istio).toBe('1.24');
    expect(current.istio).toBe('1.31');
  });

  test('both pairs: the same Istio objects, security.istio.io/v1 (and the ServiceEntry, networking.istio.io/v1), valid against the CRDs; pods pass restricted', () => {
    for (const { objects } of [old, current]) {
      const istio = objects.filter(isIstioObject);
      expect(istio.map(o => o.apiVersion).sort()).toEqual(['networking.istio.io/v1', ...Array(11).fill('security.istio.io/v1')]);
      istio.forEach(validateAgainstIstioCrd);
      for (const o of objects.filter(x => podTemplateOf(x) !== undefined)) expect(checkPodSecurity(o, 'restricted', 'latest')).toEqual([]);
    }
  });

  test('the only differences: Pod Security version labels (v1.28, v1.36), AppArmor as annotation (1.28) or field (1.36); install values: seccomp (Istio 1.28+), native sidecars (Kubernetes 1.29+)', () => {
    const diff = differences(old.objects, current.objects);
    const apparmorAnnotations = diff.filter(d => /annotations\.container\.apparmor\.security\.beta\.kubernetes\.io\//.test(d));
    const apparmorFields = diff.filter(d => /securityContext\.appArmorProfile\.type$/.test(d));
    const versionLabels = diff.filter(d => /^Namespace \/\w+\.metadata\.labels\.pod-security\.kubernetes\.io\/(enforce|audit|warn)-version$/.test(d));
    expect(apparmorAnnotations.length).toBe(4);
    expect(apparmorFields.length).toBe(4);
    expect(versionLabels.length).toBe(9); // three namespaces, three modes
    expect(diff.filter(d => ![...apparmorAnnotations, ...apparmorFields, ...versionLabels].includes(d))).toEqual([]);
    for (const ns of current.objects.filter(o => o.kind === 'Namespace')) {
      expect(ns.metadata?.labels?.['pod-security.kubernetes.io/enforce-version']).toBe('v1.36');
    }
    expect(old.mesh.installValues()).not.toHaveProperty('global');
    expect(current.mesh.installValues()).toHaveProperty('global.proxy.seccompProfile', { type: 'RuntimeDefault' });
    expect(old.mesh.installValues()).not.toHaveProperty('pilot.env');
    expect(current.mesh.installValues()).toHaveProperty('pilot.env', { ENABLE_NATIVE_SIDECARS: 'true' });
  });

  test('ambient on both pairs; refused on Istio 1.23', () => {
    expect(synth({ kubernetesVersion: '1.28' }, 'ambient').objects.filter(o => o.kind === 'Namespace').map(o => o.metadata?.labels?.['istio.io/dataplane-mode'])).toEqual(['ambient', 'ambient', 'ambient']);
    expect(synth({}, 'ambient').objects.filter(isIstioObject).length).toBe(11);
    expect(() => synth({ kubernetesVersion: '1.28', istioVersion: '1.23' }, 'ambient')).toThrow(/needs Istio 1.24 or later/);
  });

  test('Kubernetes 1.35, 1.36 and 1.37, meshed and not: synth succeeds, or fails only where no Istio line supports the target', () => {
    for (const kubernetesVersion of ['1.35', '1.36']) {
      expect(synth({ kubernetesVersion }).istio).toBe('1.31');
      expect(synth({ kubernetesVersion }, 'ambient').objects.filter(isIstioObject)).toHaveLength(11);
    }
    expect(() => synth({ kubernetesVersion: '1.37' })).toThrow(
      /\[HardenedApp\] istioVersion: \(unset\) has no default: no Istio line supports Kubernetes 1.37 \(the newest, 1.31, supports 1.32 to 1.36;.*Fix: target a Kubernetes version in 1.32 to 1.36, or declare istioVersion: "1.31"/);
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation(m => void warnings.push(String(m)));
    try {
      expect(synth({ kubernetesVersion: '1.37', istioVersion: '1.31' }).istio).toBe('1.31');
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toContainEqual(expect.stringMatching(/^warning: \[HardenedApp\] istioVersion: Istio 1.31 does not support Kubernetes 1.37 \(it supports 1.32 to 1.36\); no Istio line does yet/));
  });

  test('without a mesh, Kubernetes 1.35, 1.36 and 1.37 synthesize (Istio is not consulted), each namespace pinned to its target', () => {
    for (const kubernetesVersion of ['1.35', '1.36', '1.37']) {
      const app = testApp({ kubernetesVersion });
      new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
      new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container({ name: 'web' })] });
      const ns = synthApp(app).find(o => o.kind === 'Namespace')!;
      expect(ns.metadata?.labels?.['pod-security.kubernetes.io/enforce-version']).toBe(`v${kubernetesVersion}`);
    }
  });

  test('an Istio line past its end of life warns; lines before 1.22 and unknown lines are refused', () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation(m => void warnings.push(String(m)));
    try {
      synth({ kubernetesVersion: '1.28' });
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toContainEqual(expect.stringMatching(/istioVersion: Istio 1.24 reached its end of life on 2025-06-24 and gets no security fixes; supported: 1.30, 1.31/));
    expect(warnings).toContainEqual(expect.stringMatching(/kubernetesVersion: Kubernetes 1.28 reached its end of life on 2024-10-28.*supported today: 1.35, 1.36, 1.37/));
    expect(() => synth({ istioVersion: '1.21' })).toThrow(/istioVersion: "1.21" is not a known Istio line \(known: 1.22 \(Kubernetes 1.27 to 1.30\),/);
    expect(() => synth({ istioVersion: 'latest' })).toThrow(/istioVersion: "latest" is not an Istio version\. Fix: use "1.N"/);
  });
});
