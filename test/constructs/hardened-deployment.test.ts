import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppArmorProfile, ContainerImage, HardenedAppProps, HardenedDeployment, HardenedNamespace, KUBERNETES_VERSION_CONTEXT, SandboxRuntime, SandboxRuntimeClass,
  PolicyException, SeccompProfile, SeLinuxType, UNPINNED_IMAGES_ANNOTATION,
} from '../../constructs';
import { checkPodSecurity } from '../../policy/pss';
import { container, DIGEST, shopApp } from '../support/fixtures';
import { field, findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

function deploy(props: Partial<ConstructorParameters<typeof HardenedDeployment>[2]> = {}, appProps: HardenedAppProps = {}) {
  const env = shopApp(appProps);
  const web = new HardenedDeployment(env.chart, 'web', { containers: [container()], ...props });
  return { ...env, web };
}

describe('HardenedDeployment', () => {
  test('snapshot', () => {
    const { app } = deploy();
    expect(synthApp(app)).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes schema and the pod passes PSS restricted v1.28 and latest', () => {
    const { app } = deploy();
    const objects = synthApp(app);
    objects.forEach(validateAgainstKubernetesSchema);
    const d = findObject(objects, 'Deployment', 'web', 'shop');
    expect(checkPodSecurity(d, 'restricted', 'v1.28')).toEqual([]);
    expect(checkPodSecurity(d, 'restricted', 'latest')).toEqual([]);
  });

  test.each(['1.28', '1.36'])('pod and container security contexts are restricted by construction (Kubernetes %s)', version => {
    const d = findObject(synthApp(deploy({}, { kubernetesVersion: version }).app), 'Deployment', 'web');
    const pod = field(d, 'spec.template.spec') as Record<string, unknown>;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.hostNetwork).toBe(false);
    expect(pod.hostPID).toBeUndefined();
    expect(pod.hostIPC).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.serviceAccountName).toBe('web');
    const c = field(pod, 'containers[0]') as Record<string, unknown>;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
      runAsUser: 65532, runAsGroup: 65532, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      ...(version === '1.28' ? {} : { appArmorProfile: { type: 'RuntimeDefault' } }), // 1.28: the annotation
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect((c.ports as { hostPort?: number }[]).every(p => p.hostPort === undefined)).toBe(true);
    expect((pod.volumes as unknown[] | undefined) ?? []).toEqual([]);
    expect(c.readinessProbe).toBeTruthy();
    expect(c.livenessProbe).toBeTruthy();
  });

  test('dedicated ServiceAccount without token, Service, PDB and topology spread', () => {
    const objects = synthApp(deploy().app);
    expect(findObject(objects, 'ServiceAccount', 'web', 'shop').automountServiceAccountToken).toBe(false);
    expect(field(findObject(objects, 'Service', 'web'), 'spec')).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(field(findObject(objects, 'PodDisruptionBudget', 'web'), 'spec')).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } });
    const d = findObject(objects, 'Deployment', 'web');
    expect(field(d, 'spec.replicas')).toBe(2);
    const spread = field(d, 'spec.template.spec.topologySpreadConstraints') as { topologyKey: string; whenUnsatisfiable: string }[];
    expect(spread.map(s => [s.topologyKey, s.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule'], ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
  });

  test('a single replica gets no PodDisruptionBudget (and needs an exception to HARDENED-10)', () => {
    const { app, web } = deploy({ replicas: 1 });
    expect(() => synthApp(app)).toThrow(/HARDENED-10: Deployment shop\/web runs 1 replica/);
    PolicyException.add(web, { id: 'HARDENED-10', reason: 'A batch-style worker that tolerates being down during a node drain.' });
    const objects = synthApp(app);
    expect(objects.filter(o => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('autoscaling emits an autoscaling/v2 HPA and leaves replicas to it', () => {
    const objects = synthApp(deploy({ autoscaling: { minReplicas: 3, maxReplicas: 9, cpuUtilizationPercent: 60 } }).app);
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'web');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(field(hpa, 'spec')).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 9,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(field(findObject(objects, 'Deployment', 'web'), 'spec.replicas')).toBeUndefined();
    objects.forEach(validateAgainstKubernetesSchema);
  });

  test('AppArmor is an annotation for a 1.28 target and a field from 1.30', () => {
    const d128 = findObject(synthApp(deploy({}, { kubernetesVersion: '1.28' }).app), 'Deployment', 'web');
    expect(field(d128, 'spec.template.metadata.annotations')).toEqual({ 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' });
    expect(field(d128, 'spec.template.spec.containers[0].securityContext.appArmorProfile')).toBeUndefined();

    const d130 = findObject(synthApp(deploy({ appArmorProfile: AppArmorProfile.localhost('k8s-web') }, { kubernetesVersion: '1.30' }).app), 'Deployment', 'web');
    expect(field(d130, 'spec.template.metadata.annotations')).toBeUndefined();
    expect(field(d130, 'spec.template.spec.containers[0].securityContext.appArmorProfile')).toEqual({ type: 'Localhost', localhostProfile: 'k8s-web' });
    validateAgainstKubernetesSchema(d130);
  });

  test('the app-wide context sets the Kubernetes version', () => {
    const app = testApp();
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.31');
    new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
    new HardenedDeployment(new Chart(app, 'shop-workloads', { namespace: 'shop' }), 'web', { containers: [container()] });
    expect(field(findObject(synthApp(app), 'Deployment', 'web'), 'spec.template.spec.containers[0].securityContext.appArmorProfile')).toEqual({ type: 'RuntimeDefault' });
  });

  test('escape hatch: pod-level seccomp Localhost, SELinux and runtimeClassName, which cdk8s-plus cannot set', () => {
    const { app, cluster, chart } = shopApp();
    const gvisor = new SandboxRuntimeClass(cluster, 'gvisor', { runtime: SandboxRuntime.GVISOR });
    new HardenedDeployment(chart, 'web', {
      containers: [container()], runtimeClass: gvisor,
      seccompProfile: SeccompProfile.localhost('profiles/web.json'),
      seLinuxOptions: { type: SeLinuxType.CONTAINER_KVM_T, level: 's0:c1,c2' },
    });
    const d = findObject(synthApp(app), 'Deployment', 'web');
    expect(field(d, 'spec.template.spec.runtimeClassName')).toBe('gvisor');
    expect(field(d, 'spec.template.spec.securityContext.seccompProfile')).toEqual({ type: 'Localhost', localhostProfile: 'profiles/web.json' });
    expect(field(d, 'spec.template.spec.containers[0].securityContext.seccompProfile')).toEqual({ type: 'Localhost', localhostProfile: 'profiles/web.json' });
    expect(field(d, 'spec.template.spec.securityContext.seLinuxOptions')).toEqual({ type: 'container_kvm_t', level: 's0:c1,c2' });
    expect(checkPodSecurity(d, 'restricted', 'v1.28')).toEqual([]);
  });

  test("users' own ApiObject.addJsonPatch still applies (documented escape hatch)", () => {
    const { app, web } = deploy();
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'business-critical'));
    expect(field(findObject(synthApp(app), 'Deployment', 'web'), 'spec.template.spec.priorityClassName')).toBe('business-critical');
  });

  test('NET_BIND_SERVICE only on request; writable paths are size-limited emptyDirs', () => {
    const { app } = deploy({ containers: [container({ netBindService: true, writablePaths: ['/tmp', '/var/cache/app'] })] });
    const d = findObject(synthApp(app), 'Deployment', 'web');
    expect(field(d, 'spec.template.spec.containers[0].securityContext.capabilities')).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(field(d, 'spec.template.spec.containers[0].volumeMounts')).toEqual([{ mountPath: '/tmp', name: 'app-tmp' }, { mountPath: '/var/cache/app', name: 'app-var-cache-app' }]);
    expect(field(d, 'spec.template.spec.volumes')).toEqual([{ name: 'app-tmp', emptyDir: { sizeLimit: '64Mi' } }, { name: 'app-var-cache-app', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(checkPodSecurity(d, 'restricted', 'v1.28')).toEqual([]);
  });

  test('a tag is accepted only with a reason, which is annotated for reviewers', () => {
    const { app } = deploy({ containers: [container({ image: ContainerImage.fromTag('registry.example.com/team/app:1.4.2', { reason: 'vendor publishes no digests; mirrored nightly' }) })] });
    const d = findObject(synthApp(app), 'Deployment', 'web');
    expect(field(d, 'spec.template.spec.containers[0].image')).toBe('registry.example.com/team/app:1.4.2');
    expect((field(d, 'spec.template.metadata.annotations') as Record<string, string>)[UNPINNED_IMAGES_ANNOTATION]).toBe('app: vendor publishes no digests; mirrored nightly');
  });

  describe('bad input fails with path, field, value and fix', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['unpinned image', () => deploy({ containers: [container({ image: ContainerImage.fromDigest('nginx:1.25') })] }),
        /^\[shop-workloads\/web\] containers\[0\]\.image: "nginx:1\.25" is not an image reference pinned by digest\. Fix: pin the image as/],
      ['short digest', () => deploy({ containers: [container({ image: ContainerImage.fromDigest('nginx@sha256:abc') })] }), /containers\[0\]\.image: "nginx@sha256:abc" is not an image reference pinned by digest/],
      ['latest tag', () => deploy({ containers: [container({ image: ContainerImage.fromTag('nginx:latest', { reason: 'because I said so ok' }) })] }), /containers\[0\]\.image: "nginx:latest" uses the tag "latest".*Fix: pin a digest/],
      ['tag without reason', () => deploy({ containers: [container({ image: ContainerImage.fromTag('nginx:1.25', { reason: '' }) })] }), /containers\[0\]\.image\.reason: "" is not a meaningful reason: it is missing\. Fix: write a sentence/],
      ['bad quantity', () => deploy({ containers: [container({ resources: { cpu: { request: 'lots', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } } })] }),
        /\[shop-workloads\/web\] containers\[0\]\.resources\.cpu\.request: "lots" is not a Kubernetes quantity\. Fix: use a number/],
      ['request above limit', () => deploy({ containers: [container({ resources: { cpu: { request: '2', limit: '500m' }, memory: { request: '1Gi', limit: '1Gi' } } })] }),
        /containers\[0\]\.resources\.cpu\.limit: "500m" is below the request 2\. Fix: set the limit at or above the request/],
      ['missing resources', () => deploy({ containers: [container({ resources: undefined as never })] }), /containers\[0\]\.resources: \(unset\) must give cpu and memory requests and limits\. Fix: set resources/],
      ['root user', () => deploy({ runAsUser: 0 }), /\[shop-workloads\/web\] runAsUser: 0 is not a whole number from 1 to 2147483647\. Fix: use a non-zero user id; 0 is root/],
      ['bad name', () => deploy({ name: 'Web_Server' }), /\[shop-workloads\/web\] name: "Web_Server" is not a valid DNS-1123 label\. Fix: use at most 63 lowercase/],
      ['replicas with autoscaling', () => deploy({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }), /replicas: 3 is set together with autoscaling.*Fix: remove replicas/],
      ['autoscaling min 1', () => deploy({ autoscaling: { minReplicas: 1, maxReplicas: 4 } }), /autoscaling\.minReplicas: 1 is not a whole number from 2 to 1000\. Fix: use at least 2/],
      ['duplicate containers', () => deploy({ containers: [container(), container()] }), /containers\[1\]\.name: "app" is used by two containers\. Fix: give each container a unique name/],
      ['bad port', () => deploy({ containers: [container({ ports: [{ number: 70000 }] })] }), /containers\[0\]\.ports\[0\]\.number: 70000 is not a whole number from 1 to 65535\. Fix: use a port number/],
      ['relative writable path', () => deploy({ containers: [container({ writablePaths: ['tmp'] })] }), /containers\[0\]\.writablePaths\[0\]: "tmp" is not an absolute path below \/\. Fix: write an absolute path/],
      ['kubernetes version', () => deploy({}, { kubernetesVersion: '28' }), /kubernetesVersion: "28" is not a Kubernetes minor version\. Fix: use "1\.N" in 1\.28 to 1\.37/],
      ['SELinux level', () => deploy({ seLinuxOptions: { level: 'root' } }), /seLinuxOptions\.level: "root" is not an SELinux MCS level/],
    ];
    test.each(cases)('%s', (_name, build, message) => {
      expect(build).toThrow(message);
    });

    test('a workload outside any namespace', () => {
      const app = testApp();
      expect(() => new HardenedDeployment(new Chart(app, 'loose'), 'web', { containers: [container()] }))
        .toThrow(/^\[loose\/web\] namespace: \(unset\) is not set and the enclosing chart has no namespace\. Fix: pass namespace/);
    });
  });

  describe('placement proof', () => {
    test('an escape-hatch change that breaks restricted fails synth naming path, check and fix', () => {
      const { app, web } = deploy();
      web.addContainer(container({ name: 'debug', ports: [{ number: 9090 }] }));
      ApiObject.of(web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/1/securityContext/privileged', true));
      expect(() => app.synth()).toThrow(/\[shop-workloads\/web\] spec\.template\.spec\.containers\[1\]\.securityContext\.privileged: violates Pod Security Standards restricted v1\.36 check "privileged" enforced by namespace "shop" \(cluster\/shop\).*Fix: /);
    });

    test('a pod allowed by a newer version fails in a namespace pinned to an older one', () => {
      const { app } = deploy({ seLinuxOptions: { type: SeLinuxType.CONTAINER_ENGINE_T } }, { kubernetesVersion: '1.30' }); // allowed from v1.31
      expect(() => app.synth()).toThrow(/restricted v1\.30 check "seLinuxOptions" enforced by namespace "shop"/);
    });

    test('the same pod passes where the namespace pins a version that allows it', () => {
      const app = testApp();
      const cluster = new Chart(app, 'cluster');
      const ns = new HardenedNamespace(cluster, 'ci', { podSecurityVersion: 'v1.31' });
      new HardenedDeployment(new Chart(app, 'ci-workloads'), 'builder', { namespace: ns, containers: [container()], seLinuxOptions: { type: SeLinuxType.CONTAINER_ENGINE_T } });
      expect(() => synthApp(app)).not.toThrow();
    });

    test('a workload in a namespace no HardenedNamespace of the app defines fails synth, suggesting the closest name', () => {
      const { app } = shopApp();
      new HardenedDeployment(new Chart(app, 'shops', { namespace: 'shops' }), 'web', { containers: [container()] });
      expect(() => app.synth()).toThrow(/\[shops\/web\] namespace: "shops" is not defined by any HardenedNamespace of this app, .*Fix: did you mean "shop"\? create new HardenedNamespace/);
    });

    test('a pod-bearing object outside the app\'s namespaces is held to restricted latest, judged at the target (as the cluster\'s Pod Security Admission does)', () => {
      const app = testApp();
      new ApiObject(new Chart(app, 'raw'), 'pod', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'elsewhere' },
        spec: { containers: [{ name: 'debug', image: `busybox@${DIGEST}`, securityContext: { allowPrivilegeEscalation: true } }] },
      });
      expect(() => app.synth()).toThrow(/\[raw\/pod\] spec\.containers\[0\]\.securityContext\.allowPrivilegeEscalation: violates Pod Security Standards restricted v1\.36 check "allowPrivilegeEscalation" enforced by namespace "elsewhere" \(not in this app; cluster default\)/);
    });

    test('containers removed from restricted through an escape hatch are proven too', () => {
      const { app, web } = deploy();
      ApiObject.of(web.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/securityContext/capabilities'));
      expect(() => app.synth()).toThrow(/containers\[0\]\.securityContext\.capabilities.*check "capabilities_restricted"/);
      expect(kplus.Capability.ALL).toBe('ALL');
    });
  });
});
