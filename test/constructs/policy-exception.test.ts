import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import {
  ContainerImage, EXCEPTIONS_ANNOTATION, HardenedApp, HardenedDeployment, HardenedInputError, HardenedNamespace, PodSecurityLevel, PolicyException, SandboxRuntime, SandboxRuntimeClass,
} from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { buildDefaultBlueprint } from '../../src/blueprint';
import { HARDENED_PACK, runRulePacks } from '../../policy/rules';
import { allowedRegistriesPack } from '../../policy/supply-chain';
import { container, DIGEST } from '../support/fixtures';
import { findObject } from '../support/manifests';

const REASON = 'Single-primary database; a second replica would be a second primary.';

function shop(options: { enforce?: PodSecurityLevel } = {}) {
  const app = new HardenedApp({ outdir: path.join(os.tmpdir(), 'cdk8s-hardened-policy-exception-never-written') });
  const cluster = new Chart(app, 'cluster');
  const ns = new HardenedNamespace(cluster, 'shop', { enforce: options.enforce, enforceReason: options.enforce && options.enforce !== PodSecurityLevel.RESTRICTED ? 'Legacy images still run as root; tracked in the migration plan.' : undefined });
  const chart = new Chart(app, 'shop-workloads', { namespace: 'shop' });
  return { app, cluster, ns, chart };
}

function objectsOf(app: HardenedApp): KubeObject[] {
  return app.synthObjects().objects.map(o => o.object);
}

function annotation(o: KubeObject): unknown {
  const value = o.metadata?.annotations?.[EXCEPTIONS_ANNOTATION];
  return value === undefined ? undefined : JSON.parse(value);
}

describe('PolicyException.add checks its input', () => {
  const { chart } = shop();
  const web = new HardenedDeployment(chart, 'web', { containers: [container()] });

  test('an unknown id names the construct, field, value and fix', () => {
    expect(() => PolicyException.add(web, { id: 'HARDENED-99', reason: REASON })).toThrow(HardenedInputError);
    expect(() => PolicyException.add(web, { id: 'image-digest', reason: REASON }))
      .toThrow(/^\[shop-workloads\/web\] PolicyException\.id: "image-digest" is not a rule id of the app's rule packs or a Pod Security Standards check id\. Fix: use a rule id of the app's packs \(hardened: HARDENED-1 to HARDENED-17; see docs\/rules\.md\)/);
  });

  test.each(['', 'n/a', 'TODO later', 'False positive!!', 'exempt'])('reason %j is refused', reason => {
    expect(() => PolicyException.add(web, { id: 'HARDENED-10', reason })).toThrow(/^\[shop-workloads\/web\] PolicyException\.reason: .* Fix: write a sentence/);
  });

  test('an empty path is refused; the same id and path twice on one construct is refused', () => {
    expect(() => PolicyException.add(web, { id: 'HARDENED-10', reason: REASON, path: ' ' })).toThrow(/PolicyException\.path: " " is not a field path/);
    PolicyException.add(web, { id: 'HARDENED-4', reason: 'The probe is served by the mesh sidecar proxy.' });
    expect(() => PolicyException.add(web, { id: 'HARDENED-4', reason: 'Another reason for the same thing.' })).toThrow(/is already excepted on this construct/);
  });

  test('Pod Security check ids are accepted', () => {
    expect(PolicyException.add(web, { id: 'runAsNonRoot', reason: 'Checked at the warn level only, see the namespace.' }).id).toBe('runAsNonRoot');
    expect(PolicyException.of(web).map(e => e.id)).toEqual(['HARDENED-4', 'runAsNonRoot']);
  });
});

describe('HardenedApp runs the rule packs at synth', () => {
  test('a compliant app synthesizes, with no exceptions annotation anywhere', () => {
    const { app, chart } = shop();
    new HardenedDeployment(chart, 'web', { containers: [container()] });
    const objects = objectsOf(app);
    expect(objects.filter(o => annotation(o) !== undefined)).toEqual([]);
    expect(runRulePacks(objects)).toEqual([]);
  });

  test('a finding fails synth: [construct path] RULE: what (field). Why: ... Fix: ...', () => {
    const { app, chart } = shop();
    new HardenedDeployment(chart, 'db', { containers: [container()], replicas: 1 });
    expect(() => app.synthObjects()).toThrow(
      /Policy check failed with the following errors:\n {2}\[shop-workloads\/db\/Resource\/Resource\] HARDENED-10: Deployment shop\/db runs 1 replica \(spec\.replicas\)\. Why: A single replica .* Fix: set replicas .*, or, if it is intended, PolicyException\.add\(/);
  });

  test('an exception on the workload covers its finding and is annotated on that object only', () => {
    const { app, chart } = shop();
    const db = new HardenedDeployment(chart, 'db', { containers: [container()], replicas: 1 });
    PolicyException.add(db, { id: 'HARDENED-10', reason: REASON });
    const objects = objectsOf(app);
    expect(annotation(findObject(objects, 'Deployment', 'db'))).toEqual([{ id: 'HARDENED-10', reason: REASON }]);
    expect(objects.filter(o => annotation(o) !== undefined).map(o => `${o.kind}/${o.metadata?.name}`)).toEqual(['Deployment/db']);
  });

  test('an exception on an ancestor (the chart) covers the objects below it; one on a sibling does not', () => {
    const { app, chart } = shop();
    new HardenedDeployment(chart, 'db', { containers: [container()], replicas: 1 });
    const other = new HardenedDeployment(chart, 'other', { containers: [container()] });
    PolicyException.add(other, { id: 'HARDENED-10', reason: REASON });
    expect(() => app.synthObjects()).toThrow(/\[shop-workloads\/db\/Resource\/Resource\] HARDENED-10[\s\S]*\[shop-workloads\/other\] PolicyException HARDENED-10 \("Single-primary/);

    const second = shop();
    new HardenedDeployment(second.chart, 'db', { containers: [container()], replicas: 1 });
    PolicyException.add(second.chart, { id: 'HARDENED-10', reason: REASON });
    expect(annotation(findObject(objectsOf(second.app), 'Deployment', 'db'))).toEqual([{ id: 'HARDENED-10', reason: REASON }]);
  });

  test('a stale exception (it covers no finding) fails synth', () => {
    const { app, chart } = shop();
    const web = new HardenedDeployment(chart, 'web', { containers: [container()] });
    PolicyException.add(web, { id: 'HARDENED-10', reason: REASON });
    expect(() => app.synthObjects()).toThrow(
      /\[shop-workloads\/web\] PolicyException HARDENED-10 \("Single-primary database; a second replica would be a second primary\."\) covers no finding on the objects of this construct and its descendants\. Fix: remove the exception/);
  });

  /**
   * A second main container that passes Pod Security baseline and every rule but HARDENED-11, and
   * (through an escape-hatch patch that removes its capabilities drop) fails restricted's
   * capabilities check.
   */
  function addShipper(web: HardenedDeployment): void {
    web.addContainer(container({ name: 'shipper', image: ContainerImage.fromDigest(`registry.example.com/shipper@${DIGEST}`), ports: [{ number: 9090 }] }));
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/1/securityContext/capabilities'));
  }

  function quietly<T>(fn: () => T): { result: T; warnings: string[] } {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const result = fn();
      return { result, warnings: warn.mock.calls.map(c => String(c[0])) };
    } finally {
      warn.mockRestore();
    }
  }

  test('a path narrows an exception to one field', () => {
    const { app, chart } = shop({ enforce: PodSecurityLevel.BASELINE });
    const web = new HardenedDeployment(chart, 'web', { containers: [container()] });
    addShipper(web);
    const reason = 'Log shipper until the cluster runs Kubernetes 1.29 native sidecars.';
    PolicyException.add(web, { id: 'HARDENED-11', reason, path: 'spec.template.spec.containers[1]' });
    const { result } = quietly(() => objectsOf(app));
    expect(annotation(findObject(result, 'Deployment', 'web'))).toEqual([{ id: 'HARDENED-11', reason, path: 'spec.template.spec.containers[1]' }]);

    const second = shop({ enforce: PodSecurityLevel.BASELINE });
    const web2 = new HardenedDeployment(second.chart, 'web', { containers: [container()] });
    addShipper(web2);
    PolicyException.add(web2, { id: 'HARDENED-11', reason, path: 'spec.template.spec.containers[2]' });
    expect(() => quietly(() => second.app.synthObjects())).toThrow(/HARDENED-11: Deployment shop\/web container "shipper" is a second main container[\s\S]*PolicyException HARDENED-11 at spec\.template\.spec\.containers\[2\] .* covers no finding/);
  });

  test('escape-hatch patches are judged on the final object', () => {
    const { app, chart } = shop({ enforce: PodSecurityLevel.BASELINE });
    const web = new HardenedDeployment(chart, 'web', { containers: [container()] });
    web.addContainer(container({ name: 'shipper', ports: [{ number: 9090 }] }));
    ApiObject.of(web.deployment).addJsonPatch(
      JsonPatch.replace('/spec/template/spec/containers/1/image', 'busybox:latest'),
      JsonPatch.remove('/spec/template/spec/containers/1/readinessProbe'));
    expect(() => quietly(() => app.synthObjects())).toThrow(/HARDENED-1: Deployment shop\/web container "shipper" image "busybox:latest" is not pinned by digest[\s\S]*HARDENED-2:[\s\S]*HARDENED-4:[\s\S]*HARDENED-11: Deployment shop\/web container "shipper" is a second main container next to "app" \(spec\.template\.spec\.containers\[1\]\)/);
  });

  test('a container added through cdk8s-plus directly fails synth, naming the method to use', () => {
    const { app, chart } = shop();
    const web = new HardenedDeployment(chart, 'web', { containers: [container()] });
    web.deployment.addContainer({ name: 'shipper', image: `registry.example.com/shipper@${DIGEST}` });
    expect(() => app.synthObjects()).toThrow(/\[shop-workloads\/web\] containers: "shipper" was added through cdk8s-plus, so it is not hardened\. Fix: use HardenedDeployment\.addContainer, addInitContainer or addSidecar instead\./);
  });

  test('the warn/audit Pod Security levels warn (console.warn), and a Pod Security exception silences and annotates them', () => {
    const { app, chart } = shop({ enforce: PodSecurityLevel.BASELINE });
    const web = new HardenedDeployment(chart, 'web', { containers: [container()] });
    addShipper(web);
    const reason = 'Log shipper until the cluster runs Kubernetes 1.29 native sidecars.';
    PolicyException.add(web, { id: 'HARDENED-11', reason });
    const { warnings } = quietly(() => objectsOf(app));
    expect(warnings).toEqual([expect.stringMatching(
      /^warning: \[shop-workloads\/web\/Resource\/Resource\] capabilities_restricted: Deployment shop\/web: .*container "shipper".* \(spec\.template\.spec\.containers\[1\]\.securityContext\.capabilities\.drop\): Pod Security Standards restricted v1\.36 is the warn and audit level of namespace "shop", so the API server will warn on this pod\. Fix: /)]);

    const second = shop({ enforce: PodSecurityLevel.BASELINE });
    const web2 = new HardenedDeployment(second.chart, 'web', { containers: [container()] });
    addShipper(web2);
    PolicyException.add(web2, { id: 'HARDENED-11', reason });
    PolicyException.add(web2, { id: 'capabilities_restricted', reason: 'The shipper image adds CAP_CHOWN at start; tracked upstream.' });
    const quiet = quietly(() => objectsOf(second.app));
    expect(quiet.warnings).toEqual([]);
    expect((annotation(findObject(quiet.result, 'Deployment', 'web')) as { id: string }[]).map(e => e.id)).toEqual(['HARDENED-11', 'capabilities_restricted']);
  });

  test('the pass renders nothing again: each ApiObject is rendered once', () => {
    const { app, chart } = shop();
    const web = new HardenedDeployment(chart, 'web', { containers: [container()] });
    const sa = ApiObject.of(web.serviceAccount);
    const render = sa.toJson.bind(sa);
    let calls = 0;
    Object.defineProperty(sa, 'toJson', { value: () => { calls++; return render(); }, configurable: true });
    app.synthObjects();
    expect(calls).toBe(1);
  });

  test('under a plain cdk8s App, the constructs refuse to be created and say to use HardenedApp', () => {
    // a plain App.synth would skip the policy pass: a rule violation would ship without a word
    const app = new App({ outdir: path.join(os.tmpdir(), 'cdk8s-hardened-never-written') });
    const cluster = new Chart(app, 'cluster');
    expect(() => new HardenedNamespace(cluster, 'shop')).toThrow(/^\[cluster\/shop\] scope: "App" is in an app that is not a HardenedApp, .*Fix: create the app with `new HardenedApp\(\)`/);
    const chart = new Chart(app, 'w', { namespace: 'shop' });
    expect(() => new HardenedDeployment(chart, 'db', { containers: [container()], replicas: 1 })).toThrow(/not a HardenedApp/);
    expect(() => PolicyException.add(chart, { id: 'HARDENED-10', reason: REASON })).toThrow(/not a HardenedApp/);
    expect(() => new SandboxRuntimeClass(cluster, 'gvisor', { runtime: SandboxRuntime.GVISOR })).toThrow(/not a HardenedApp/);
  });
});

describe('the exceptions annotation reaches the manifests', () => {
  test('on the object whose finding it covers, and only there', () => {
    const app = new HardenedApp({ outdir: path.join(os.tmpdir(), 'cdk8s-hardened-never-written') });
    new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
    const db = new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'db', { containers: [container()], replicas: 1 });
    PolicyException.add(db, { id: 'HARDENED-10', reason: REASON });
    const shopYaml = app.synthFiles()['shop.yaml'];
    const documents = shopYaml.split(/^---$/m);
    expect(documents.filter(d => d.includes(EXCEPTIONS_ANNOTATION)).map(d => /^kind: (\w+)/m.exec(d)?.[1])).toEqual(['Deployment']);
    expect(shopYaml).toContain(`${EXCEPTIONS_ANNOTATION}: ${JSON.stringify(JSON.stringify([{ id: 'HARDENED-10', reason: REASON }]))}`);
  });
});

describe('the default blueprint', () => {
  test('passes every rule but one, which carries a justified exception', () => {
    const app = new HardenedApp({ outdir: path.join(os.tmpdir(), 'cdk8s-hardened-blueprint-never-written') });
    buildDefaultBlueprint(app);
    const objects = objectsOf(app);
    const postgres = findObject(objects, 'StatefulSet', 'postgres', 'data');
    expect(annotation(postgres)).toEqual([{ id: 'HARDENED-10', reason: expect.stringMatching(/^Single-primary PostgreSQL/) }]);
    expect(objects.filter(o => annotation(o) !== undefined)).toEqual([postgres]);
    expect(runRulePacks(objects).map(f => `${f.rule} ${objects[f.objectIndex].kind}/${objects[f.objectIndex].metadata?.name}`)).toEqual(['HARDENED-10 StatefulSet/postgres']);
  });
});

describe('the app owns its rule packs', () => {
  const registries = allowedRegistriesPack(['registry.example.com']);
  const outdir = path.join(os.tmpdir(), 'cdk8s-hardened-never-written');

  test('an exception may name a rule of any pack the app runs, and only those', () => {
    const withPack = new HardenedApp({ outdir, rulePacks: [HARDENED_PACK, registries] });
    const chart = new Chart(withPack, 'w', { namespace: 'shop' });
    expect(() => PolicyException.add(chart, { id: 'allowedRegistries', reason: REASON })).not.toThrow();
    const without = new Chart(new HardenedApp({ outdir }), 'w', { namespace: 'shop' });
    expect(() => PolicyException.add(without, { id: 'allowedRegistries', reason: REASON }))
      .toThrow(/PolicyException\.id: "allowedRegistries" is not a rule id of the app's rule packs.*Fix: use a rule id of the app's packs \(hardened: HARDENED-1 to HARDENED-\d+; see docs\/rules\.md\)/);
  });

  test('packs are validated when the app is built: a rule id used twice, a Pod Security check id, an empty pack', () => {
    expect(() => new HardenedApp({ outdir, rulePacks: [HARDENED_PACK, HARDENED_PACK] })).toThrow(/\[HardenedApp\] rulePacks: \["hardened","hardened"\] rule id "HARDENED-1" of pack "hardened" is already used by pack "hardened"/);
    expect(() => new HardenedApp({ outdir, rulePacks: [{ name: 'mine', rules: [{ ...HARDENED_PACK.rules[0], id: 'runAsNonRoot' }] }] })).toThrow(/rule id "runAsNonRoot" of pack "mine" is already used by Pod Security Standards/);
    expect(() => new HardenedApp({ outdir, rulePacks: [{ name: 'empty', rules: [] }] })).toThrow(/rule pack "empty" has no rules/);
  });
});
