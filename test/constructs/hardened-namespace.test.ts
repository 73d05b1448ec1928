import { ApiObject, Chart } from 'cdk8s';
import { HardenedNamespace, PodSecurityLevel } from '../../constructs';
import { DIGEST } from '../support/fixtures';
import { field, findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

function namespace(props: ConstructorParameters<typeof HardenedNamespace>[2] = {}) {
  const app = testApp();
  const ns = new HardenedNamespace(new Chart(app, 'cluster'), 'shop', props);
  return { app, ns };
}

describe('HardenedNamespace', () => {
  test.each([['enforce', 'Restricted', 'write "restricted" (PodSecurityLevel.RESTRICTED)'], ['audit', 'BASELINE', 'write "baseline" (PodSecurityLevel.BASELINE)'], ['warn', 'strict', 'use PodSecurityLevel.RESTRICTED, BASELINE or PRIVILEGED']])('a %s level %j blames itself, with the fix %j', (prop, level, fix) => {
    const cluster = new Chart(testApp(), 'cluster');
    expect(() => new HardenedNamespace(cluster, 'shop', { [prop]: level as PodSecurityLevel })).toThrow(`[cluster/shop] ${prop}: "${level}" is not a Pod Security level (privileged, baseline, restricted; the API server reads them in lower case). Fix: ${fix}`);
  });

  test('snapshot', () => {
    expect(synthApp(namespace().app)).toMatchSnapshot();
  });

  test('every object is schema-valid; the Namespace carries no namespace', () => {
    const objects = synthApp(namespace().app);
    objects.forEach(validateAgainstKubernetesSchema);
    expect(findObject(objects, 'Namespace', 'shop').metadata?.namespace).toBeUndefined();
    for (const o of objects.filter(x => x.kind !== 'Namespace')) expect(o.metadata?.namespace).toBe('shop');
  });

  test.each(['1.28', '1.35', '1.36', '1.37'])('PSS labels on a Kubernetes %s target: restricted, pinned to the target, for enforce, audit and warn', version => {
    const app = testApp({ kubernetesVersion: version });
    new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
    const labels = findObject(synthApp(app), 'Namespace', 'shop').metadata?.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': `v${version}`,
      'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': `v${version}`,
      'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': `v${version}`,
    });
  });

  test('an older pin is kept; latest is written and judged as the target (as Pod Security Admission clamps it); a newer pin is refused', () => {
    const app = testApp({ kubernetesVersion: '1.30' });
    const cluster = new Chart(app, 'cluster');
    new HardenedNamespace(cluster, 'old', { podSecurityVersion: 'v1.28' });
    new HardenedNamespace(cluster, 'moving', { podSecurityVersion: 'latest' });
    // a sysctl restricted allows from v1.32 (net.ipv4.tcp_rmem): judged at v1.30, not v1.37
    new ApiObject(new Chart(app, 'raw'), 'pod', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'keepalive', namespace: 'moving' },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] },
        containers: [{ name: 'c', image: `busybox@${DIGEST}`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      },
    });
    expect(() => synthApp(app)).toThrow(/\[raw\/pod\] spec\.securityContext\.sysctls\[0\]\.name: violates Pod Security Standards restricted v1\.30 check "sysctls" enforced by namespace "moving"/);
    const written = testApp({ kubernetesVersion: '1.30' });
    const c = new Chart(written, 'cluster');
    new HardenedNamespace(c, 'old', { podSecurityVersion: 'v1.28' });
    new HardenedNamespace(c, 'moving', { podSecurityVersion: 'latest' });
    const objects = synthApp(written);
    expect(findObject(objects, 'Namespace', 'old').metadata?.labels?.['pod-security.kubernetes.io/enforce-version']).toBe('v1.28');
    expect(findObject(objects, 'Namespace', 'moving').metadata?.labels?.['pod-security.kubernetes.io/enforce-version']).toBe('latest');
    expect(() => new HardenedNamespace(new Chart(testApp({ kubernetesVersion: '1.35' }), 'cluster'), 'ahead', { podSecurityVersion: 'v1.36' }))
      .toThrow(/\[cluster\/ahead\] podSecurityVersion: "v1.36" is newer than the app's Kubernetes version 1.35, whose Pod Security Admission judges it as v1.35\. Fix: pin "v1.35" or older/);
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
