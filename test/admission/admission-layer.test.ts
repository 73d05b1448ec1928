/**
 * The admission layer: what it generates for the default blueprint, that the generated objects are
 * schema-valid, and that the blueprint's own workloads (and the objects its controllers create)
 * are admitted by its own policies, evaluated from the generated YAML's CEL by a real CEL engine.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import { ContainerImage, HardenedApp, HardenedCronJob, HardenedDeployment, HardenedNamespace, PolicyException } from '../../constructs';
import {
  ADMISSION_APPLY_PHASE_LABEL, ADMISSION_RULE_LABEL, AdmissionAction, AdmissionEngine, AdmissionLayer, type AdmissionProps,
} from '../../constructs/admission';
import { PodSecurityLevel } from '../../constructs/pod-security';
import { podTemplateOf } from '../../policy';
import type { KubeObject } from '../../policy/kube-object';
import { buildDefaultBlueprint } from '../../src/blueprint';
import { validateAgainstKubernetesSchema } from '../support/schema';
import { validateGatekeeperObject } from './_gatekeeper-schema';
import { AdmissionSimulator, controllerCreated } from './_simulate';
import { loadFixtures } from './_fixtures';
import { allowedCapabilitiesRule } from '../../policy/admission';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(props: AdmissionProps = {}, kubernetesVersion?: string, build: (app: HardenedApp) => void = buildDefaultBlueprint) {
  const app = new HardenedApp({ kubernetesVersion, admission: props });
  build(app);
  const synthesis = app.synthObjects();
  const admission = synthesis.objects.filter(o => o.constructPath.startsWith('admission/')).map(o => o.object);
  const workloads = synthesis.objects.filter(o => !o.constructPath.startsWith('admission/')).map(o => o.object);
  return { synthesis, admission, workloads };
}

const ADMISSION_KINDS = new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ConstraintTemplate']);

const RULES_1_28 = [
  'HARDENED-1', 'HARDENED-11', 'HARDENED-2', 'HARDENED-3', 'HARDENED-4', 'HARDENED-5', 'HARDENED-7', 'HARDENED-8',
  'allowPrivilegeEscalation', 'allowedCapabilities', 'allowedHostPaths', 'appArmorProfile', 'capabilities_restricted', 'hostNamespaces',
  'hostPorts', 'privileged', 'procMount', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile_restricted',
  'sysctls', 'windowsHostProcess',
];
// v1.34 adds hostProbesAndHostLifecycle (baseline); v1.35 replaces procMount by procMount_restricted
const RULES_1_36 = [...RULES_1_28.filter(r => r !== 'procMount'), 'hostProbesAndHostLifecycle', 'procMount_restricted'].sort();

describe.each([
  ['1.28', 'admissionregistration.k8s.io/v1beta1', RULES_1_28],
  ['1.36', 'admissionregistration.k8s.io/v1', RULES_1_36],
])('default blueprint with the admission layer (Kubernetes %s)', (kubernetesVersion, vapApiVersion, expectedRules) => {
  const { synthesis, admission, workloads } = synth({}, kubernetesVersion);
  const n = expectedRules.length;
  const sim = new AdmissionSimulator(admission);

  test('one policy, binding, template and constraint per rule, every one labelled with its rule id', () => {
    const byKind = (k: string) => admission.filter(o => o.kind === k);
    const rules = [...new Set(admission.map(o => o.metadata?.labels?.[ADMISSION_RULE_LABEL]))].sort();
    expect(rules).toEqual(expectedRules);
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ConstraintTemplate']) expect(byKind(kind)).toHaveLength(n);
    expect(admission.filter(o => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1')).toHaveLength(n);
    expect(admission).toHaveLength(4 * n);
    for (const o of admission) expect(o.metadata?.labels?.[ADMISSION_RULE_LABEL]).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/);
    expect(sim.size).toEqual({ policies: n, bindings: n, constraints: n });
  });

  test(`${kubernetesVersion} target: ${vapApiVersion}, Deny, failurePolicy Fail, system namespaces excluded`, () => {
    const vap = admission.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata?.name === 'cdk8s-hardened-run-as-non-root') as Json;
    expect(vap.apiVersion).toBe(vapApiVersion);
    expect(vap.spec.failurePolicy).toBe('Fail');
    expect(vap.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers', 'podtemplates', 'replicationcontrollers'] },
      { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['replicasets', 'deployments', 'statefulsets', 'daemonsets'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
    ]);
    const binding = admission.find(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata?.name === vap.metadata.name) as Json;
    expect(binding.spec.validationActions).toEqual(['Deny']);
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['kube-system', 'istio-system', 'gatekeeper-system']);
    const constraint = admission.find(o => o.kind === 'HardenedRunAsNonRoot') as Json;
    expect(constraint.spec.enforcementAction).toBe('deny');
    expect(constraint.spec.match.excludedNamespaces).toEqual(['kube-system', 'istio-system', 'gatekeeper-system']);
    expect(constraint.spec.match.kinds).toEqual([
      { apiGroups: [''], kinds: ['Pod', 'PodTemplate', 'ReplicationController'] },
      { apiGroups: ['apps'], kinds: ['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet'] },
      { apiGroups: ['batch'], kinds: ['Job', 'CronJob'] },
    ]);
  });

  test('apply order: templates and policies in phase 1 (Argo CD wave -20), constraints and bindings in phase 2 (wave -10)', () => {
    for (const o of admission) {
      const phase = ADMISSION_KINDS.has(o.kind) && o.kind !== 'ValidatingAdmissionPolicyBinding' ? '1' : '2';
      expect([o.kind, o.metadata?.labels?.[ADMISSION_APPLY_PHASE_LABEL]]).toEqual([o.kind, phase]);
      expect(o.metadata?.annotations?.['argocd.argoproj.io/sync-wave']).toBe(phase === '1' ? '-20' : '-10');
    }
    for (const c of admission.filter(o => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1')) {
      expect(c.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
    }
    // in the one cluster file, every policy comes before its binding and every template before its constraint
    const cluster = synthesis.objects.filter(o => o.file === 'cluster.yaml').map(o => o.object);
    const at = (kind: string) => cluster.findIndex(o => o.kind === kind);
    const lastOf = (pred: (o: KubeObject) => boolean) => cluster.reduce((n, o, i) => (pred(o) ? i : n), -1);
    expect(lastOf(o => o.kind === 'ValidatingAdmissionPolicy')).toBeLessThan(at('ValidatingAdmissionPolicyBinding'));
    expect(lastOf(o => o.kind === 'ConstraintTemplate')).toBeLessThan(cluster.findIndex(o => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1'));
  });

  // a readability bound of ours (hostProbesAndHostLifecycle, from v1.34, is the longest: 5 handlers x 2 kinds); the API server's
  // bound is the CEL cost, which cel-cost.test.ts and the real-server suite (test/cluster) check
  test('validation messages are one line and every expression is under 2,000 characters', () => {
    const validations = admission.flatMap(o => (o as Json).spec?.validations ?? (o as Json).spec?.targets?.[0]?.code?.[0]?.source?.validations ?? []) as Json[];
    expect(validations.length).toBe(2 * n);
    for (const v of validations) {
      expect(v.message).not.toMatch(/[\r\n]/);
      expect(v.expression.length).toBeLessThan(2000);
    }
  });

  test('every generated object is schema-valid: policies and bindings against the Kubernetes schema, Gatekeeper objects against the Gatekeeper CRDs', () => {
    for (const o of admission) {
      if (o.kind.startsWith('ValidatingAdmissionPolicy')) {
        // kubernetes-models carries v1 only; v1beta1 has the same fields for everything we write
        validateAgainstKubernetesSchema({ ...o, apiVersion: 'admissionregistration.k8s.io/v1' });
      } else {
        validateGatekeeperObject(o, admission);
      }
    }
  });

  test('the blueprint\'s own workloads, and the ReplicaSets and Pods their controllers create, are admitted by every policy and constraint', () => {
    const podBearing = workloads.filter(o => podTemplateOf(o) !== undefined);
    expect(podBearing.map(o => `${o.metadata?.namespace}/${o.kind}/${o.metadata?.name}`).sort()).toEqual(expect.arrayContaining([
      'backend/Deployment/api', 'backend/Deployment/thumbnailer', 'storefront/Deployment/web',
    ]));
    let reviews = 0;
    const denied: string[] = [];
    for (const o of podBearing.flatMap(w => [w, ...controllerCreated(w)])) {
      const verdicts = sim.review(o);
      expect(verdicts).toHaveLength(2 * sim.size.policies);
      for (const v of verdicts) {
        reviews++;
        if (v.denials.length > 0) denied.push(`${o.kind} ${o.metadata?.name}: ${v.engine} ${v.rule}: ${v.denials.join('; ')}`);
      }
    }
    expect(denied).toEqual([]);
    expect(reviews).toBeGreaterThanOrEqual(3 * 3 * 48);
  });

  test('a non-hardened workload is denied by both engines, by the rules it breaks', () => {
    const bad: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'legacy', namespace: 'backend' },
      spec: { selector: { matchLabels: { app: 'legacy' } }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    };
    const rules = (engine: string) => sim.review(bad).filter(v => v.engine === engine && v.denials.length > 0).map(v => v.rule).sort();
    const expected = ['HARDENED-1', 'HARDENED-2', 'HARDENED-3', 'HARDENED-4', 'HARDENED-5', 'HARDENED-7', 'allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'];
    expect(rules('ValidatingAdmissionPolicy')).toEqual(expected);
    expect(rules('Gatekeeper')).toEqual(expected);
    // an existing Pod that breaks the rules may still be labelled (its spec is unchanged), not changed
    const pod = controllerCreated(bad)[1];
    const relabelled = { ...pod, metadata: { ...pod.metadata, labels: { app: 'legacy', team: 'x' } } };
    expect(sim.review(relabelled, undefined, pod).filter(v => v.denials.length > 0)).toEqual([]);
    const spec = pod.spec as Json;
    const reimaged = { ...pod, spec: { ...spec, containers: [{ ...spec.containers[0], image: 'nginx:1.27' }] } };
    expect(sim.review(reimaged, undefined, pod).filter(v => v.denials.length > 0).length).toBeGreaterThan(0);
    // so may its ReplicaSet be scaled (the Deployment controller's update) and the Deployment lose a
    // finalizer (the garbage collector's update): the template is unchanged; a template change is judged
    const replicaSet = controllerCreated(bad)[0];
    expect(replicaSet.kind).toBe('ReplicaSet');
    const scaled = { ...replicaSet, spec: { ...(replicaSet.spec as Json), replicas: 5 } };
    expect(sim.review(scaled, undefined, replicaSet).filter(v => v.denials.length > 0)).toEqual([]);
    const finalized = { ...bad, metadata: { ...bad.metadata, finalizers: ['foregroundDeletion'] } };
    expect(sim.review(bad, undefined, finalized).filter(v => v.denials.length > 0)).toEqual([]);
    const retemplated = { ...bad, spec: { ...(bad.spec as Json), template: { ...(bad.spec as Json).template, metadata: { labels: { app: 'legacy', v: '2' } } } } };
    expect(sim.review(retemplated, undefined, bad).filter(v => v.denials.length > 0).length).toBeGreaterThan(0);
    // an excluded namespace is left alone
    expect(sim.review({ ...bad, metadata: { name: 'legacy', namespace: 'kube-system' } })).toEqual([]);
  });
});

describe('exceptions reach admission exactly', () => {
  function twoContainers(app: HardenedApp, except: boolean) {
    const ns = new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
    const chart = new Chart(app, 'shop-workloads', { namespace: ns.name });
    const container = (name: string) => ({
      name,
      image: ContainerImage.fromDigest(`registry.example.com/${name}@sha256:${'a'.repeat(64)}`),
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
      readiness: Probe.fromCommand(['true']),
      liveness: Probe.fromCommand(['true']),
    });
    const web = new HardenedDeployment(chart, 'web', { containers: [container('web'), container('log-shipper')] });
    if (except) {
      PolicyException.add(web, { id: 'HARDENED-11', reason: 'The log shipper predates native sidecars on this cluster; moving it is tracked in OPS-123.' });
    }
  }

  const { admission, workloads } = synth({}, undefined, app => twoContainers(app, true));
  const sim = new AdmissionSimulator(admission);
  const web = workloads.find(o => o.kind === 'Deployment') as KubeObject;

  test('the excepted Deployment, its ReplicaSet and its Pod are exempt from HARDENED-11 by namespace and name, in both engines', () => {
    const vap = admission.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata?.labels?.[ADMISSION_RULE_LABEL] === 'HARDENED-11') as Json;
    const exemption = { namespace: 'shop', kind: 'Deployment', name: 'web', apiVersion: 'apps/v1', podOwner: false, childKind: 'ReplicaSet', childApiVersion: 'apps/v1', childPattern: '^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$' };
    expect(vap.spec.variables[0]).toEqual({ name: 'params', expression: `{'exemptions': dyn([{${Object.entries(exemption).map(([k, v]) => `'${k}': dyn(${typeof v === 'string' ? `'${v}'` : v})`).join(', ')}}])}` });
    const constraint = admission.find(o => o.kind === 'HardenedRule11') as Json;
    expect(constraint.spec.parameters).toEqual({ exemptions: [exemption] });
    for (const o of [web, ...controllerCreated(web)]) {
      expect(sim.review(o).filter(v => v.denials.length > 0)).toEqual([]);
    }
  });

  test('and nothing else: the same Deployment under another name or in another namespace is denied by HARDENED-11 only', () => {
    for (const other of [
      { ...web, metadata: { ...web.metadata, name: 'web2' } },
      { ...web, metadata: { ...web.metadata, name: 'web-admin' } },
      { ...web, metadata: { ...web.metadata, name: 'web-bcd' } },
      { ...web, metadata: { ...web.metadata, namespace: 'other' } },
    ]) {
      for (const o of [other, ...controllerCreated(other)]) {
        const denied = sim.review(o).filter(v => v.denials.length > 0).map(v => `${v.engine} ${v.rule}`);
        expect(denied).toEqual(['ValidatingAdmissionPolicy HARDENED-11', 'Gatekeeper HARDENED-11']);
      }
    }
    // labels or annotations do not exempt anything
    const annotated = { ...web, metadata: { ...web.metadata, name: 'web3', annotations: { 'cdk8s-hardened.io/exceptions': '[{"id":"HARDENED-11","reason":"I say so, trust me please"}]' } } };
    expect(sim.review(annotated).filter(v => v.denials.length > 0)).toHaveLength(2);
  });

  test('a workload that accepts an image by tag (ContainerImage.fromTag) is exempt from HARDENED-1 by name, not by its annotation', () => {
    const built = synth({}, undefined, app => {
      const ns = new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
      new HardenedDeployment(new Chart(app, 'shop-workloads', { namespace: ns.name }), 'vendor', {
        containers: [{
          name: 'vendor',
          image: ContainerImage.fromTag('registry.example.com/vendor/agent:4.2.1', { reason: 'The vendor publishes no digests; we mirror and scan each release tag.' }),
          resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
          readiness: Probe.fromCommand(['true']),
          liveness: Probe.fromCommand(['true']),
        }],
      });
    });
    const simulator = new AdmissionSimulator(built.admission);
    const vendor = built.workloads.find(o => o.kind === 'Deployment') as KubeObject;
    const exemption = { namespace: 'shop', kind: 'Deployment', name: 'vendor', apiVersion: 'apps/v1', podOwner: false, childKind: 'ReplicaSet', childApiVersion: 'apps/v1', childPattern: '^vendor-[bcdfghjklmnpqrstvwxz2456789]{1,10}$' };
    expect((built.admission.find(o => o.kind === 'HardenedRule1') as Json).spec.parameters).toEqual({ exemptions: [exemption] });
    expect((built.admission.find(o => o.kind === 'HardenedRule2') as Json).spec.parameters).toEqual({ exemptions: [] });
    for (const o of [vendor, ...controllerCreated(vendor)]) expect(simulator.review(o).filter(v => v.denials.length > 0)).toEqual([]);
    const copy = { ...vendor, metadata: { ...vendor.metadata, name: 'copycat' } };
    expect(simulator.review(copy).filter(v => v.denials.length > 0).map(v => `${v.engine} ${v.rule}`)).toEqual(['ValidatingAdmissionPolicy HARDENED-1', 'Gatekeeper HARDENED-1']);
  });

  test('owner references count only as the controller reference with the real API version; a CronJob\'s hand-made Job (<name>-manual) and its Pod are exempt, a sibling\'s are not', () => {
    const built = synth({}, undefined, app => {
      const ns = new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
      const chart = new Chart(app, 'shop-workloads', { namespace: ns.name });
      const c = (name: string) => ({ name, image: ContainerImage.fromDigest(`registry.example.com/${name}@sha256:${'a'.repeat(64)}`), resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } } });
      const cron = new HardenedCronJob(chart, 'export', { schedule: '@daily', containers: [c('export'), c('uploader')] });
      PolicyException.add(cron, { id: 'HARDENED-11', reason: 'The uploader runs beside the export until the bucket client is a library; tracked in OPS-9.' });
    });
    const sim = new AdmissionSimulator(built.admission);
    const cron = built.workloads.find(o => o.kind === 'CronJob') as Json;
    const template = cron.spec.jobTemplate.spec.template;
    const owner = (apiVersion: string, kind: string, name: string, controller = true) => [{ apiVersion, kind, name, uid: 'u', controller }];
    const pod = (name: string, ownerReferences: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name, namespace: 'shop', ownerReferences }, spec: template.spec });
    const job = (name: string, ownerReferences: unknown[]): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'shop', ownerReferences }, spec: cron.spec.jobTemplate.spec });
    const denied = (o: KubeObject) => sim.review(o).filter(v => v.rule === 'HARDENED-11' && v.denials.length > 0).map(v => v.engine);
    // what the CronJob controller and kubectl create
    expect(denied(job('export-29000000', owner('batch/v1', 'CronJob', 'export')))).toEqual([]);
    expect(denied(pod('export-29000000-abcde', owner('batch/v1', 'Job', 'export-29000000')))).toEqual([]);
    expect(denied(job('export-manual', owner('batch/v1', 'CronJob', 'export')))).toEqual([]);
    expect(denied(pod('export-manual-x7k2p', owner('batch/v1', 'Job', 'export-manual')))).toEqual([]);
    expect(denied(pod('export-manual-2-x7k2p', owner('batch/v1', 'Job', 'export-manual-2')))).toEqual([]);
    const both = ['ValidatingAdmissionPolicy', 'Gatekeeper'];
    // a sibling's Jobs, a forged API version, a non-controller reference, a Pod claiming the CronJob itself
    expect(denied(pod('export-admin-29000000-abcde', owner('batch/v1', 'Job', 'export-admin-29000000')))).toEqual(both);
    expect(denied(pod('export-29000000-abcde', owner('example.com/v1', 'Job', 'export-29000000')))).toEqual(both);
    expect(denied(pod('export-29000000-abcde', owner('batch/v1', 'Job', 'export-29000000', false)))).toEqual(both);
    expect(denied(pod('export-abcde', owner('batch/v1', 'CronJob', 'export')))).toEqual(both);
    expect(denied(job('export-manual', owner('batch/v1', 'CronJob', 'export', false)))).toEqual(both);
  });

  test('without the exception, nothing is exempt', () => {
    expect(() => synth({}, undefined, app => twoContainers(app, false))).toThrow(/HARDENED-11/);
  });
});

describe('renders once', () => {
  test('with the admission layer, every ApiObject is still rendered exactly once per synth', () => {
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      const app = new HardenedApp({ admission: {} });
      buildDefaultBlueprint(app);
      spy.mockClear();
      app.synthObjects();
      const objects = app.node.findAll().filter(c => ApiObject.isApiObject(c));
      const renders = new Map<unknown, number>();
      for (const self of spy.mock.contexts) renders.set(self, (renders.get(self) ?? 0) + 1);
      expect(objects.filter(o => renders.get(o) !== 1).map(o => `${o.node.path}: ${renders.get(o) ?? 0}`)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('targets, actions and engines', () => {
  test('HardenedAppProps.admission and AppModel.addLayer(new AdmissionLayer(...)) write the same objects', () => {
    const viaLayer = new HardenedApp();
    viaLayer.model.addLayer(new AdmissionLayer(viaLayer, {}));
    buildDefaultBlueprint(viaLayer);
    const objects = viaLayer.synthObjects().objects.filter(o => o.constructPath.startsWith('admission/')).map(o => o.object);
    expect(objects).toEqual(synth().admission);
  });

  test('a 1.30 target writes admissionregistration.k8s.io/v1 (schema-valid), and its own workloads are admitted', () => {
    const { admission, workloads } = synth({}, '1.30');
    const vaps = admission.filter(o => o.kind.startsWith('ValidatingAdmissionPolicy'));
    expect(vaps.length).toBe(48);
    for (const o of vaps) {
      expect(o.apiVersion).toBe('admissionregistration.k8s.io/v1');
      validateAgainstKubernetesSchema(o);
    }
    const sim = new AdmissionSimulator(admission);
    const denied = workloads.filter(o => podTemplateOf(o)).flatMap(w => [w, ...controllerCreated(w)]).flatMap(o => sim.review(o).filter(v => v.denials.length > 0));
    expect(denied).toEqual([]);
  });

  test('a target before 1.28 is refused (no ValidatingAdmissionPolicy v1beta1)', () => {
    expect(() => synth({}, '1.27')).toThrow(/kubernetesVersion: "1.27" is outside the Kubernetes versions this library writes for \(1.28 to 1.37\).*Fix: target 1.28 or later; clusters older than 1.28 lack ValidatingAdmissionPolicy/);
    expect(() => synth({ podSecurityVersion: '1.28' })).toThrow(/admission.podSecurityVersion: "1.28" is not a Pod Security Standards version/);
    expect(() => synth({ podSecurityVersion: 'v1.37' }, '1.36')).toThrow(/admission.podSecurityVersion: "v1.37" is newer than the app's Kubernetes version 1.36.*Fix: pin "v1.36" or older/);
    expect(() => synth({ podSecurityLevel: PodSecurityLevel.PRIVILEGED })).toThrow(/admission.podSecurityLevel: "privileged" has no checks/);
    expect(() => synth({ allowedRegistries: [] })).toThrow(/admission.allowedRegistries: \[\] would deny every image/);
  });

  test('rollout: WARN writes Warn+Audit and Gatekeeper warn; AUDIT writes Audit and dryrun; per-rule actions win', () => {
    const warn = synth({ action: AdmissionAction.WARN, ruleActions: { runAsNonRoot: AdmissionAction.DENY, 'HARDENED-4': AdmissionAction.AUDIT } }).admission as Json[];
    const actionOf = (rule: string) => [
      warn.find(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.labels[ADMISSION_RULE_LABEL] === rule)?.spec.validationActions,
      warn.find(o => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1' && o.metadata.labels[ADMISSION_RULE_LABEL] === rule)?.spec.enforcementAction,
    ];
    expect(actionOf('privileged')).toEqual([['Warn', 'Audit'], 'warn']);
    expect(actionOf('runAsNonRoot')).toEqual([['Deny'], 'deny']);
    expect(actionOf('HARDENED-4')).toEqual([['Audit'], 'dryrun']);
    expect(() => synth({ ruleActions: { nope: AdmissionAction.WARN } })).toThrow(/admission.ruleActions.nope.*names no rule/);
  });

  test('a blueprint namespace that enforces a lower Pod Security level is left to Pod Security Admission by the Pod Security policies only', () => {
    const { admission } = synth({}, undefined, app => {
      const cluster = new Chart(app, 'cluster');
      new HardenedNamespace(cluster, 'shop');
      new HardenedNamespace(cluster, 'legacy', { enforce: PodSecurityLevel.BASELINE, ...({ enforceReason: 'The vendor agent needs baseline until its 2027 release, tracked in OPS-77.' } as object) });
    });
    const excludedBy = (rule: string) => (admission.find(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata?.labels?.[ADMISSION_RULE_LABEL] === rule) as Json)
      .spec.matchResources.namespaceSelector.matchExpressions[0].values;
    expect(excludedBy('runAsNonRoot')).toEqual(['kube-system', 'istio-system', 'gatekeeper-system', 'legacy']);
    expect(excludedBy('HARDENED-5')).toEqual(['kube-system', 'istio-system', 'gatekeeper-system']);
    expect((admission.find(o => o.kind === 'HardenedRunAsNonRoot') as Json).spec.match.excludedNamespaces).toContain('legacy');
  });

  test('one engine only; baseline level; parameters and excluded namespaces are props', () => {
    const { admission } = synth({
      engines: [AdmissionEngine.GATEKEEPER], podSecurityLevel: PodSecurityLevel.BASELINE, hardenedRules: false,
      excludedNamespaces: ['kube-system'], allowedHostPaths: [{ pathPrefix: '/var/log/', readOnly: true }],
      allowedCapabilities: [], allowedRegistries: ['registry.example.com'],
    });
    expect(admission.some(o => o.kind.startsWith('ValidatingAdmissionPolicy'))).toBe(false);
    const constraints = admission.filter(o => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1') as Json[];
    expect(constraints.map(c => c.metadata.labels[ADMISSION_RULE_LABEL])).toEqual(expect.arrayContaining(['hostPathVolumes', 'capabilities_baseline', 'allowedHostPaths', 'allowedRegistries']));
    expect(constraints.find(c => c.kind === 'HardenedAllowedHostPaths')?.spec.parameters).toEqual({ allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }], exemptions: [] });
    expect(constraints.find(c => c.kind === 'HardenedAllowedRegistries')?.spec.parameters.allowedRegistries).toEqual(['registry.example.com/']);
    expect(constraints.every(c => c.spec.match.excludedNamespaces.join() === 'kube-system')).toBe(true);
    for (const o of admission) validateGatekeeperObject(o, admission);
  });
});

describe('parameters follow the chosen level', () => {
  test('baseline gets the capabilities baseline allows (upstream capabilities_baseline0 passes); restricted NET_BIND_SERVICE only', () => {
    const caps = (level?: PodSecurityLevel) => {
      const constraint = synth(level ? { podSecurityLevel: level } : {}).admission.find(o => o.kind === 'HardenedAllowedCapabilities') as Json;
      return constraint.spec.parameters.allowedCapabilities as string[];
    };
    expect(caps()).toEqual(['NET_BIND_SERVICE']);
    expect(caps(PodSecurityLevel.BASELINE)).toEqual(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
    const rule = allowedCapabilitiesRule(caps(PodSecurityLevel.BASELINE));
    const fixture = loadFixtures().find(f => f.rel === 'baseline/v1.28/pass/capabilities_baseline0.yaml')!;
    expect(rule.admits(fixture.pod)).toBe(true);
  });
});

describe('UPDATE semantics on every pod-bearing kind', () => {
  const { admission } = synth({});
  const sim = new AdmissionSimulator(admission);
  const template = { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
  const retemplated = { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } };
  const objects: [string, (t: Json) => KubeObject][] = [
    ['Pod', t => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'legacy', namespace: 'backend', labels: t.metadata.labels }, spec: t.spec })],
    ['PodTemplate', t => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'legacy', namespace: 'backend' }, template: t })],
    ['ReplicationController', t => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'backend' }, spec: { replicas: 2, selector: { app: 'legacy' }, template: t } })],
    ...(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet'] as const).map(kind => [kind, (t: Json) => ({ apiVersion: 'apps/v1', kind, metadata: { name: 'legacy', namespace: 'backend' }, spec: { replicas: 2, selector: { matchLabels: { app: 'legacy' } }, template: t } })] as [string, (t: Json) => KubeObject]),
    ['Job', t => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'legacy', namespace: 'backend' }, spec: { template: { ...t, spec: { ...t.spec, restartPolicy: 'Never' } } } })],
    ['CronJob', t => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'legacy', namespace: 'backend' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { ...t, spec: { ...t.spec, restartPolicy: 'Never' } } } } } })],
  ];

  test.each(objects)('%s: an update that leaves the pod template (or a Pod\'s spec) as it was is admitted; one that changes it is judged', (_kind, make) => {
    const denied = (o: KubeObject, old: KubeObject | null) => sim.review(o, { 'kubernetes.io/metadata.name': 'backend' }, old).filter(v => v.denials.length > 0).length;
    const before = make(template);
    expect(denied(before, null)).toBeGreaterThan(0); // a non-compliant object is denied at CREATE
    const relabelled = { ...before, metadata: { ...before.metadata, labels: { team: 'x' }, finalizers: ['foregroundDeletion'], annotations: { 'deployment.kubernetes.io/revision': '2' } } };
    const scaled = (before.spec as Json | undefined)?.replicas !== undefined ? { ...relabelled, spec: { ...(before.spec as Json), replicas: 5 } } : relabelled;
    expect(denied(scaled, before)).toBe(0);
    expect(denied(make(retemplated), before)).toBeGreaterThan(0);
  });
});
