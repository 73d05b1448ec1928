import { Chart } from 'cdk8s';
import { HardenedNamespace, PodSecurityLevel } from '../../constructs';
import { field, findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

function namespace(props: ConstructorParameters<typeof HardenedNamespace>[2] = {}) {
  const app = testApp();
  const ns = new HardenedNamespace(new Chart(app, 'cluster'), 'shop', props);
  return { app, ns };
}

describe('HardenedNamespace', () => {
  test('snapshot', () => {
    expect(synthApp(namespace().app)).toMatchSnapshot();
  });

  test('every object is schema-valid; the Namespace carries no namespace', () => {
    const objects = synthApp(namespace().app);
    objects.forEach(validateAgainstKubernetesSchema);
    expect(findObject(objects, 'Namespace', 'shop').metadata?.namespace).toBeUndefined();
    for (const o of objects.filter(x => x.kind !== 'Namespace')) expect(o.metadata?.namespace).toBe('shop');
  });

  test('PSS labels: restricted, pinned v1.28, for enforce, audit and warn', () => {
    const labels = findObject(synthApp(namespace().app), 'Namespace', 'shop').metadata?.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.28',
    });
  });

  test('configurable level and version', () => {
    const labels = findObject(synthApp(namespace({ enforce: PodSecurityLevel.BASELINE, enforceReason: 'Legacy images still run as root; tracked in the migration plan.', podSecurityVersion: 'v1.30' }).app), 'Namespace', 'shop').metadata?.labels;
    expect(labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30', 'pod-security.kubernetes.io/warn': 'restricted' });
  });

  test('ResourceQuota and LimitRange with the documented defaults', () => {
    const objects = synthApp(namespace().app);
    expect(field(findObject(objects, 'ResourceQuota', 'resource-quota'), 'spec.hard')).toMatchObject({ 'requests.cpu': '8', 'limits.memory': '32Gi', 'services.loadbalancers': '0', 'services.nodeports': '0' });
    expect(field(findObject(objects, 'LimitRange', 'limit-range'), 'spec.limits')).toEqual([{
      type: 'Container',
      defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      default: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
      max: { 'cpu': '4', 'memory': '8Gi', 'ephemeral-storage': '10Gi' },
    }]);
  });

  test('default deny for ingress and egress, with no rules', () => {
    const deny = findObject(synthApp(namespace().app), 'NetworkPolicy', 'default-deny-all');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('DNS egress: kube-dns pods in kube-system, in ONE peer so they AND, 53 UDP and TCP', () => {
    const dns = findObject(synthApp(namespace().app), 'NetworkPolicy', 'namespace-allow-egress');
    expect(dns.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }],
      }],
    });
  });

  test('allowDns: false writes no egress policy at all', () => {
    const objects = synthApp(namespace({ allowDns: false }).app);
    expect(objects.filter(o => o.kind === 'NetworkPolicy').map(o => o.metadata?.name)).toEqual(['default-deny-all']);
  });

  describe('bad input', () => {
    test.each([
      ['name', () => namespace({ name: 'Shop!' }), /^\[cluster\/shop\] name: "Shop!" is not a valid DNS-1123 label\. Fix: /],
      ['version', () => namespace({ podSecurityVersion: '1.28' }), /\[cluster\/shop\] podSecurityVersion: "1\.28" is not a Pod Security Standards version\. Fix: use "v1\.N"/],
      ['audit weaker than enforce', () => namespace({ audit: PodSecurityLevel.BASELINE }), /audit: "baseline" is less strict than enforce "restricted".*Fix: set audit to "restricted"/],
      ['quota quantity', () => namespace({ resourceQuota: { 'requests.cpu': 'eight' } }), /resourceQuota\["requests\.cpu"\]: "eight" is not a Kubernetes quantity/],
      ['default above max', () => namespace({ defaultLimit: { cpu: '8', memory: '1Gi' } }), /defaultLimit\.cpu: "8" is above maxLimit\.cpu 4\. Fix: /],
      ['label', () => namespace({ labels: { team: 'a b' } }), /labels\["team"\]: "a b" is not a valid label value/],
    ] as [string, () => unknown, RegExp][])('%s', (_n, build, message) => expect(build).toThrow(message));

    test('a chart with a namespace cannot hold the cluster-scoped Namespace', () => {
      const app = testApp();
      expect(() => new HardenedNamespace(new Chart(app, 'c', { namespace: 'x' }), 'shop'))
        .toThrow(/\[c\/shop\] chart\.namespace: "x" is set on the chart that holds a HardenedNamespace.*Fix: create HardenedNamespace in a chart without a namespace/);
    });

    test('duplicate names', () => {
      const app = testApp();
      const c = new Chart(app, 'c');
      new HardenedNamespace(c, 'a', { name: 'shop' });
      expect(() => new HardenedNamespace(c, 'b', { name: 'shop' })).toThrow(/\[c\/b\] name: "shop" is already used by c\/a/);
    });
  });
});
