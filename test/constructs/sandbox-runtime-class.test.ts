import { Chart } from 'cdk8s';
import { SandboxRuntime, SandboxRuntimeClass } from '../../constructs';
import { findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

describe('SandboxRuntimeClass', () => {
  function all() {
    const app = testApp();
    const c = new Chart(app, 'cluster');
    for (const [id, runtime] of [['gvisor', SandboxRuntime.GVISOR], ['qemu', SandboxRuntime.KATA_QEMU], ['clh', SandboxRuntime.KATA_CLH], ['fc', SandboxRuntime.KATA_FC]] as const) {
      new SandboxRuntimeClass(c, id, { runtime });
    }
    return synthApp(app);
  }

  test('snapshot, schema-valid, cluster-scoped', () => {
    const objects = all();
    expect(objects).toMatchSnapshot();
    objects.forEach(validateAgainstKubernetesSchema);
    objects.forEach(o => expect(o.metadata?.namespace).toBeUndefined());
  });

  test('handlers, overhead and node scheduling', () => {
    const objects = all();
    expect(findObject(objects, 'RuntimeClass', 'gvisor')).toMatchObject({ handler: 'runsc', overhead: { podFixed: { cpu: '100m', memory: '64Mi' } } });
    expect(findObject(objects, 'RuntimeClass', 'kata-qemu')).toMatchObject({ handler: 'kata-qemu', overhead: { podFixed: { cpu: '250m', memory: '160Mi' } }, scheduling: { nodeSelector: { 'katacontainers.io/kata-runtime': 'true' } } });
    expect(findObject(objects, 'RuntimeClass', 'kata-clh').handler).toBe('kata-clh');
    expect(findObject(objects, 'RuntimeClass', 'kata-fc').handler).toBe('kata-fc');
    expect(findObject(objects, 'RuntimeClass', 'gvisor').scheduling).toEqual({
      nodeSelector: { 'sandbox.cdk8s-hardened.io/gvisor': 'true' },
      tolerations: [{ key: 'sandbox.cdk8s-hardened.io/gvisor', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    });
  });

  test('bad input', () => {
    const app = testApp();
    expect(() => new SandboxRuntimeClass(new Chart(app, 'c'), 'x', { runtime: SandboxRuntime.custom('Bad Name', 'runsc', { cpu: '1', memory: '1Gi' }, {}) }))
      .toThrow(/\[c\/x\] runtime\.name: "Bad Name" is not a valid DNS-1123 subdomain/);
    expect(() => new SandboxRuntimeClass(new Chart(app, 'd', { namespace: 'n' }), 'x', { runtime: SandboxRuntime.GVISOR }))
      .toThrow(/\[d\/x\] chart\.namespace: "n" is set on the chart that holds a cluster-scoped RuntimeClass/);
  });
});
