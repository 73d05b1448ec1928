/**
 * The real API server suite of one Kubernetes minor (one file per minor calls it, so that jest
 * runs the minors in parallel workers). Everything is judged by the upstream kube-apiserver: its
 * OpenAPI and CRD structural schemas with strict field validation, the CRDs' CEL rules, Pod
 * Security Admission, the ValidatingAdmissionPolicy plugin, ResourceQuota and LimitRanger; and
 * the upstream kube-controller-manager creates the Pods. Our code only synthesizes and counts.
 */
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { AdmissionAction, ContainerImage, HardenedApp, HardenedCronJob, HardenedNamespace, PolicyException, type AdmissionProps } from '../../constructs';
import { evaluatePolicy } from '../../policy';
import { allowedCapabilitiesRule, allowedHostPathsRule, podSecurityAdmissionRules, ruleAdmissionRules, type AdmissionRule } from '../../policy/admission';
import type { KubeObject } from '../../policy/kube-object';
import { effectivePssVersion } from '../../policy/pss';
import { buildDefaultBlueprint } from '../../src/blueprint';
import { buildCluster } from '../../src/cluster/test-cluster';
import { GATEKEEPER_BIN } from '../../src/cluster/gatekeeper-crds';
import { signedImagesServerTests } from './_signed-images';
import type { KubeClient, KubeJson } from '../../src/cluster/kube-client';
import { ApplyPhase, phaseOf, readManifests, type ManifestObject } from '../../src/cluster/manifests';
import { loadFixtures, ruleCorpus } from '../admission/_fixtures';
import { withoutWarnings } from '../support/manifests';
import { build as buildRandomApp, plans } from '../support/random-apps';
import { apiAccessServerTests } from './_api-access';
import { badInputServerTests } from './_bad-input';
import { boundaryApps } from './_boundary-apps';
import { gatewayServerTests } from './_gateway';
import { meshDataPlaneServerTests } from './_mesh-data-plane';
import {
  admission, applyAll, asManifests, describeIfGo, eventually, fixtureCrds, jobFromCronJob, podsIn, ROOT, synthStorefront, useCluster, warningEvents,
} from './_support';

/** What the suites found, for the closing note (printed at the end of each file). */
const tally: string[] = [];
afterAll(() => {
  if (tally.length > 0) process.stderr.write(`\n${tally.join('\n')}\n`);
});

/** The target props for `minor`: no Istio line states support for 1.37 yet, so the override (it warns). */
function targetOf(minor: string): { kubernetesVersion: string; istioVersion?: string } {
  return { kubernetesVersion: minor, ...(minor === '1.37' ? { istioVersion: '1.31' } : {}) };
}

/** The default blueprint with its admission layer (DENY unless `admissionProps` says otherwise), synthesized for `minor`. */
export function blueprintFor(minor: string, admissionProps: AdmissionProps = {}): KubeJson[] {
  const app = new HardenedApp({ outdir: '/nonexistent', ...targetOf(minor), admission: admissionProps });
  buildDefaultBlueprint(app);
  return withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
}

/** The rules the default blueprint's admission layer enforces at `minor` (admission: {}). */
function admissionRulesAt(minor: string): AdmissionRule[] {
  return [...podSecurityAdmissionRules('restricted', `v${minor}`), ...ruleAdmissionRules(), allowedHostPathsRule([]), allowedCapabilitiesRule(['NET_BIND_SERVICE'])];
}

/** The VAP name of a rule, as the admission layer writes it (`cdk8s-hardened-run-as-non-root`). */
function policyNameOf(objects: readonly KubeJson[], rule: string): string {
  const vap = objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && (o.metadata?.labels as Record<string, string> | undefined)?.['cdk8s-hardened.io/rule'] === rule);
  if (!vap) throw new Error(`no ValidatingAdmissionPolicy for rule ${rule}`);
  return String(vap.metadata?.name);
}

/**
 * `object` in `namespace` (kept when it is `default`: HARDENED-8 judges it) with a name the API server
 * accepts; a workload wrapper of a fixture Pod gets what the API requires and the fixture lacks (a
 * selector matching its template, a Job restart policy). No rule reads those fields.
 */
function into(namespace: string, object: KubeObject, name: string): KubeJson {
  const copy = JSON.parse(JSON.stringify(object)) as KubeJson & { spec?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const keep = copy.metadata?.namespace === 'default';
  const valid = name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'x';
  copy.metadata = { ...(copy.metadata ?? {}), namespace: keep ? 'default' : namespace, name: valid };
  delete (copy.metadata as Record<string, unknown>).ownerReferences;
  const spec = copy.spec;
  if (spec && ['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'].includes(String(copy.kind)) && spec.template) {
    spec.template.metadata = { ...(spec.template.metadata ?? {}), labels: { ...(spec.template.metadata?.labels ?? {}), probe: valid } };
    spec.selector = { matchLabels: { probe: valid } };
  }
  const jobTemplate = copy.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : copy.kind === 'Job' ? spec?.template : undefined;
  if (jobTemplate?.spec && jobTemplate.spec.restartPolicy === undefined) jobTemplate.spec.restartPolicy = 'OnFailure';
  return copy;
}

/**
 * Runs Gatekeeper's gator (`gator test`, v3.23.1, its CEL driver) on templates, constraints and
 * objects; returns the rules (`cdk8s-hardened.io/rule` of the violated constraints) per object,
 * `Kind/namespace/name`.
 */
function runGator(objects: readonly KubeJson[]): Map<string, string[]> {
  buildCluster('gatekeeper');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gator-'));
  try {
    fs.writeFileSync(path.join(dir, 'input.yaml'), objects.map(o => JSON.stringify(o)).join('\n---\n'));
    const r = spawnSync(path.join(GATEKEEPER_BIN, 'gator'), ['test', '-o', 'json', '-f', path.join(dir, 'input.yaml')], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`gator: ${r.stderr}`);
    const results = ((r.stdout.trim() === '' ? null : JSON.parse(r.stdout)) ?? []) as { constraint: KubeJson; violatingObject: KubeJson }[]; // null: no violation
    const out = new Map<string, string[]>();
    for (const v of results) {
      const key = `${v.violatingObject.kind}/${v.violatingObject.metadata?.namespace}/${v.violatingObject.metadata?.name}`;
      out.set(key, [...(out.get(key) ?? []), String((v.constraint.metadata?.labels as Record<string, string>)['cdk8s-hardened.io/rule'])]);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A namespace Pod Security Admission leaves alone, where only our policies judge. */
const PROBE_DENY = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'probe-deny', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } };

/**
 * Waits until every Deny binding of the blueprint judges: a Pod that breaks every rule at once
 * (root, a tag, no resources, no probes, privileged, host network) is denied by each policy in turn
 * (the server reports the first denial; a Warn probe binding would hide nothing here).
 */
async function denyBindingsInEffect(c: KubeClient): Promise<void> {
  const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad', namespace: 'probe-deny' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } };
  const policies = (await c.get<{ items: { metadata: { name: string } }[] }>('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings')).items
    .map(b => b.metadata.name).filter(n => n.startsWith('cdk8s-hardened-'));
  await eventually(() => `every Deny binding in effect (${policies.length})`, 30_000, async () => {
    // all bindings loaded: three dry runs a few hundred milliseconds apart all name a policy of ours
    for (let i = 0; i < 3; i++) {
      const r = await c.request('POST', '/api/v1/namespaces/probe-deny/pods?dryRun=All', bad);
      if (r.status !== 403 || !/ValidatingAdmissionPolicy 'cdk8s-hardened-/.test(JSON.stringify(r.body))) return undefined;
      await new Promise(res => setTimeout(res, 300));
    }
    return true;
  });
}

/** Waits until the controllers created the Pods of every workload in `objects`; returns the count per kind. */
async function expectPodsCreated(c: KubeClient, objects: readonly KubeJson[]): Promise<Map<string, number>> {
  const workloads = objects.filter(o => ['Deployment', 'StatefulSet', 'CronJob', 'Job'].includes(String(o.kind)));
  for (const cron of workloads.filter(o => o.kind === 'CronJob')) {
    // a Job from each CronJob, as `kubectl create job --from=cronjob/NAME` does
    const live = await c.get<KubeJson & { spec: { jobTemplate: { spec: unknown } }; metadata: { uid: string } }>(`/apis/batch/v1/namespaces/${cron.metadata?.namespace}/cronjobs/${cron.metadata?.name}`);
    const name = `${String(cron.metadata?.name).slice(0, 45)}-manual`;
    const r = await c.request('POST', `/apis/batch/v1/namespaces/${cron.metadata?.namespace}/jobs?fieldValidation=Strict`, jobFromCronJob(live, name));
    if (r.status !== 201 && r.status !== 409) throw new Error(`Job ${name} from CronJob ${cron.metadata?.namespace}/${cron.metadata?.name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const expected = new Map<string, number>();
  const byKind = new Map<string, number>();
  for (const w of workloads) {
    const spec = w.spec as { replicas?: number; parallelism?: number; podManagementPolicy?: string };
    // an OrderedReady StatefulSet creates its next pod only when the previous one is Ready: no kubelet here, so one
    const ordered = w.kind === 'StatefulSet' && spec.podManagementPolicy !== 'Parallel';
    const n = w.kind === 'CronJob' || w.kind === 'Job' ? (spec.parallelism ?? 1) : ordered ? Math.min(1, spec.replicas ?? 1) : (spec.replicas ?? 1);
    const ns = String(w.metadata?.namespace);
    expected.set(ns, (expected.get(ns) ?? 0) + n);
    byKind.set(String(w.kind), (byKind.get(String(w.kind)) ?? 0) + n);
  }
  for (const [ns, n] of expected) {
    await eventually(() => `namespace ${ns}: fewer than ${n} pods`, 90_000, async () => ((await podsIn(c, ns)).length >= n ? true : undefined))
      .catch(async (e: Error) => {
        throw new Error(`${e.message}; warnings: ${(await warningEvents(c, ns)).join(' | ')}`);
      });
    expect((await warningEvents(c, ns)).filter(e => /FailedCreate|forbidden|denied/i.test(e))).toEqual([]);
  }
  return byKind;
}

/** The real API server suite of Kubernetes `minor`. */
export function realServerSuite(minor: string): void {
  const serverMinor = Number(minor.split('.')[1]);
  describeIfGo()(`real kube-apiserver and kube-controller-manager ${minor}`, () => {
    const client = useCluster(minor);
    let blueprint: ManifestObject[] = [];

    test('the Istio, Gatekeeper, Gateway API, policy-controller and Kyverno CRDs are accepted and established', async () => {
      const { verdicts, rejected } = await applyAll(client(), fixtureCrds());
      expect(rejected).toEqual([]);
      expect(verdicts.length).toBeGreaterThan(20);
      tally.push(`${minor}: ${verdicts.length} CRDs and policies of Istio, Gatekeeper, Gateway API, policy-controller and Kyverno accepted`);
    }, 120_000);

    test('Pod Security Admission agrees with our checker on every upstream fixture, at the namespace\'s version as the server clamps it', async () => {
      // namespaces labelled like each fixture directory, before any policy of ours exists
      const fixtures = loadFixtures();
      const dirs = [...new Set(fixtures.map(f => `${f.level}/${f.version}`))];
      const nsOf = (dir: string) => `pss-${dir.replace(/[/.]/g, '-')}`;
      const namespaces = dirs.map(dir => {
        const [level, version] = dir.split('/');
        return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsOf(dir), labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': version } } };
      });
      expect((await applyAll(client(), asManifests(namespaces))).rejected).toEqual([]);
      const disagreements: string[] = [];
      const invalid: string[] = [];
      let denied = 0;
      for (const f of fixtures) {
        const dir = `${f.level}/${f.version}`;
        const pod = into(nsOf(dir), f.pod, String(f.pod.metadata?.name)); // upstream names some with underscores
        const server = await admission(client(), pod);
        if (!server.admitted && !/violates PodSecurity/.test(server.message)) {
          // the API server's own validation refuses the pod before Pod Security Admission judges it
          expect(server.message).toMatch(/is invalid/);
          invalid.push(`${f.rel}: ${server.message}`);
          continue;
        }
        // our checker, as synth runs it: the namespace's version judged as a 1.<serverMinor> server does
        const ours = evaluatePolicy([namespaces.find(n => n.metadata.name === nsOf(dir)) as KubeObject, pod as KubeObject], { packs: [], kubernetesMinor: serverMinor })
          .findings.filter(x => x.source === 'pod-security-enforce');
        if (!server.admitted) {
          denied++;
          expect(server.message).toMatch(new RegExp(`violates PodSecurity "${f.level}:`));
        }
        if (server.admitted !== (ours.length === 0)) disagreements.push(`${f.rel} (judged at ${effectivePssVersion(f.version, serverMinor)}): server ${server.admitted ? 'admits' : `denies (${server.message})`}, ours ${ours.length === 0 ? 'admits' : `denies (${ours.map(x => x.rule).join(', ')})`}`);
      }
      expect(disagreements).toEqual([]);
      expect(invalid.length).toBeLessThan(fixtures.length / 10);
      tally.push(`${minor}: ${fixtures.length} upstream Pod Security fixtures: ${denied} denied by the server's Pod Security Admission, ${fixtures.length - denied - invalid.length} admitted, ${invalid.length} refused earlier by API validation (${invalid.map(i => i.split(':')[0]).join(', ')}); 0 disagreements with synth`);
    }, 180_000);

    test('every admission rule, evaluated by the server\'s ValidatingAdmissionPolicy plugin, gives the verdict of its synth-time form on the proof corpus', async () => {
      // the blueprint's policies with a Warn binding each, for one namespace Pod Security Admission leaves alone:
      // the server then reports every failing policy (a Deny binding stops at the first)
      const c = client();
      const objects = blueprintFor(minor);
      const policies = objects.filter(o => o.kind === 'ValidatingAdmissionPolicy');
      const probe = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'probe-warn', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } };
      const bindings = policies.map(p => ({
        apiVersion: p.apiVersion, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: `probe-${p.metadata?.name}` },
        spec: {
          policyName: p.metadata?.name, validationActions: ['Warn'],
          matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['probe-warn', 'default'] }] } },
        },
      }));
      expect((await applyAll(c, asManifests([probe, ...policies, ...bindings]))).rejected).toEqual([]);
      const rules = admissionRulesAt(minor);
      const nameOf = new Map(rules.map(r => [policyNameOf(objects, r.id), r.id]));
      const corpus = withoutWarnings(() => ruleCorpus(targetOf(minor))).map(({ name, object }) => ({ name, object: into('probe-warn', object, name) }));
      const perRule = new Map<string, number>();
      const disagreements: string[] = [];
      let judged = 0;
      // the plugin loads bindings asynchronously: wait until a probe Pod gets a warning from every policy the model says it breaks
      const probePod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'probe-warn' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } };
      const probeExpected = rules.filter(rule => !rule.admits(probePod as KubeObject)).map(rule => rule.id).sort();
      const warnedBy = (r: { warnings: readonly string[] }) => r.warnings.map(w => /ValidatingAdmissionPolicy '([^']+)'/.exec(w)?.[1]).filter((n): n is string => n !== undefined && !n.startsWith('probe-'))
        .map(n => nameOf.get(n) ?? n).sort();
      await eventually(() => `every Warn binding in effect (${probeExpected.join(', ')})`, 60_000, async () => {
        const r = await c.request('POST', '/api/v1/namespaces/probe-warn/pods?dryRun=All', probePod);
        return JSON.stringify([...new Set(warnedBy(r))]) === JSON.stringify(probeExpected) ? true : undefined;
      });
      for (const { name, object } of corpus) {
        const resource = await c.resourceOf(String(object.apiVersion), String(object.kind));
        const r = await c.request('POST', `${c.pathOf(resource!, object.metadata?.namespace)}?dryRun=All&fieldValidation=Strict`, object);
        if (r.status >= 300) continue; // invalid to the API server itself (counted below)
        judged++;
        const server = r.warnings.map(w => /ValidatingAdmissionPolicy '([^']+)'/.exec(w)?.[1]).filter((n): n is string => n !== undefined && !n.startsWith('probe-'))
          .map(n => nameOf.get(n) ?? n).sort();
        const ours = rules.filter(rule => !rule.admits(object as KubeObject)).map(rule => rule.id).sort();
        for (const id of ours) perRule.set(id, (perRule.get(id) ?? 0) + 1);
        if (JSON.stringify(server) !== JSON.stringify([...new Set(server)].sort()) || JSON.stringify([...new Set(server)]) !== JSON.stringify(ours)) {
          disagreements.push(`${name}: server ${JSON.stringify(server)}, synth ${JSON.stringify(ours)}`);
        }
      }
      expect(disagreements).toEqual([]);
      expect(judged).toBeGreaterThan(corpus.length * 0.9);
      for (const rule of rules) expect({ rule: rule.id, denied: (perRule.get(rule.id) ?? 0) > 0 }).toEqual({ rule: rule.id, denied: true });
      // the Warn bindings go; the blueprint's Deny bindings come next
      for (const b of bindings) await c.request('DELETE', `/apis/${b.apiVersion}/validatingadmissionpolicybindings/${b.metadata.name}`);
      tally.push(`${minor}: admission equal to synth on the real server: ${judged} of ${corpus.length} corpus objects judged (the rest invalid to the API server), ${rules.length} rules, each denying some (${[...perRule].map(([r, n]) => `${r} ${n}`).join(', ')}), 0 disagreements`);
    }, 240_000);

    test('the default blueprint (admission in DENY mode) is accepted whole; the server type-checks every policy without a warning', async () => {
      blueprint = minor === '1.36'
        ? readManifests(path.join(ROOT, 'dist')) // the committed dist/, which targets 1.36
        : asManifests(blueprintFor(minor));
      // Istio's installer creates istio-system; the blueprint writes the mesh-wide policy into it
      const istio = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } };
      // the admission policies first, and in effect (the plugin loads them asynchronously), so that they judge every object after them
      const isPolicy = (m: ManifestObject) => phaseOf(m.object) <= ApplyPhase.ADMISSION_BINDINGS;
      const first = await applyAll(client(), [...asManifests([istio, PROBE_DENY]), ...blueprint.filter(isPolicy)]);
      expect(first.rejected).toEqual([]);
      await denyBindingsInEffect(client());
      const rest = await applyAll(client(), blueprint.filter(m => !isPolicy(m)));
      expect(rest.rejected).toEqual([]);
      const verdicts = [...first.verdicts, ...rest.verdicts];
      const version = blueprint.find(m => m.object.kind === 'ValidatingAdmissionPolicy')!.object.apiVersion;
      const checked = await eventually(() => 'every policy type-checked', 30_000, async () => {
        const list = await client().get<{ items: { metadata: { name: string; generation: number }; status?: { observedGeneration?: number; typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] } } }[] }>(`/apis/${version}/validatingadmissionpolicies`);
        return list.items.every(p => p.status?.observedGeneration === p.metadata.generation) ? list.items : undefined;
      });
      expect(checked.flatMap(p => (p.status?.typeChecking?.expressionWarnings ?? []).map(w => `${p.metadata.name} ${w.fieldRef}: ${w.warning}`))).toEqual([]);
      tally.push(`${minor}: default blueprint, ${verdicts.length} objects accepted (${verdicts.filter(v => v.file === '').length} of them Constraint CRDs made by Gatekeeper's code); ${checked.length} policies type-checked by the server without warnings`);
    }, 120_000);

    test('the controllers create every Pod of the blueprint, each admitted by Pod Security Admission and every policy', async () => {
      const byKind = await expectPodsCreated(client(), blueprint.map(m => m.object));
      tally.push(`${minor}: blueprint Pods created by the controllers and admitted: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }, 180_000);

    test('Gatekeeper\'s own engine (gator) judges the proof corpus as synth does, and admits every Pod the controllers created', async () => {
      const objects = blueprint.map(m => m.object);
      const gatekeeper = objects.filter(o => o.kind === 'ConstraintTemplate' || String(o.apiVersion).startsWith('constraints.gatekeeper.sh/'));
      const rules = admissionRulesAt(minor);
      // the corpus, named by index (gator reports the violating object), in a namespace no exemption names
      const corpus = withoutWarnings(() => ruleCorpus(targetOf(minor))).map(({ object }, i) => into('probe-gator', object, `c${i}`));
      const corpusVerdicts = runGator([...gatekeeper, ...corpus]);
      const disagreements: string[] = [];
      corpus.forEach((object, i) => {
        const ours = rules.filter(rule => !rule.admits(object as KubeObject)).map(rule => rule.id).sort();
        const theirs = [...new Set(corpusVerdicts.get(`${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`) ?? [])].sort();
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagreements.push(`corpus ${i} (${object.kind}): gator ${JSON.stringify(theirs)}, synth ${JSON.stringify(ours)}`);
      });
      expect(disagreements).toEqual([]);
      // the Pods the controllers created, as the server stored them (owner references, defaults)
      const pods: KubeJson[] = [];
      for (const ns of new Set(objects.filter(o => o.kind === 'Namespace').map(o => String(o.metadata?.name)))) pods.push(...await podsIn(client(), ns));
      expect(pods.length).toBeGreaterThan(5);
      const podVerdicts = runGator([...gatekeeper, ...pods.map(p => ({ ...p, apiVersion: 'v1', kind: 'Pod' }))]);
      expect([...podVerdicts].map(([o, r]) => `${o}: ${r.join(', ')}`)).toEqual([]);
      tally.push(`${minor}: gator (Gatekeeper v3.23.1): ${corpus.length} corpus objects, 0 disagreements with synth; ${pods.length} controller-created Pods, 0 violations`);
    }, 180_000);

    test('negative controls: a Pod breaking each restricted check is rejected by Pod Security Admission in a blueprint namespace, and one breaking each admission rule by that rule', async () => {
      const c = client();
      const objects = blueprint.map(m => m.object);
      const verdicts: string[] = [];
      // Pod Security Admission at the blueprint namespace's labels: one failing upstream fixture per check
      const fixtures = loadFixtures().filter(f => f.level === 'restricted' && f.expect === 'fail');
      const byCheck = new Map<string, (typeof fixtures)[number]>();
      for (const f of fixtures) {
        const check = /fail\/([a-z_]+?)\d+\.yaml$/i.exec(f.rel)?.[1];
        if (check && !byCheck.has(check) && (await admission(c, into('probe-warn', f.pod, 'x'))).admitted) byCheck.set(check, f); // valid to the API
      }
      for (const [check, f] of byCheck) {
        const pod = into('backend', f.pod, `pss-${check}`);
        const ours = evaluatePolicy([objects.find(o => o.kind === 'Namespace' && o.metadata?.name === 'backend') as KubeObject, pod as KubeObject], { packs: [], kubernetesMinor: serverMinor }).findings;
        const server = await admission(c, pod);
        expect({ check, admitted: server.admitted }).toEqual({ check, admitted: ours.length === 0 });
        if (!server.admitted) {
          expect(server.message).toMatch(new RegExp(`violates PodSecurity "restricted:v${minor}"`));
          verdicts.push(`PSA ${check}: denied`);
        }
      }
      // each admission rule: an object of the corpus that only it denies, in a namespace Pod Security Admission leaves alone
      await denyBindingsInEffect(c);
      const rules = admissionRulesAt(minor);
      const corpus = withoutWarnings(() => ruleCorpus(targetOf(minor)));
      for (const rule of rules) {
        const only = corpus.find(({ object }) => !rule.admits(object) && rules.every(r => r === rule || r.admits(object)));
        const single = only ?? corpus.find(({ object }) => !rule.admits(object));
        expect({ rule: rule.id, found: single !== undefined }).toEqual({ rule: rule.id, found: true });
        const server = await admission(c, into('probe-deny', single!.object, `deny-${rule.id}`));
        expect({ rule: rule.id, admitted: server.admitted }).toEqual({ rule: rule.id, admitted: false });
        if (only) expect(server.message).toContain(`ValidatingAdmissionPolicy '${policyNameOf(objects, rule.id)}' with binding '${policyNameOf(objects, rule.id)}' denied request: ${rule.id}`);
        verdicts.push(`${rule.id}: denied${only ? ' by its own policy' : ''}`);
      }
      tally.push(`${minor}: negative controls: ${verdicts.join('; ')}`);
    }, 180_000);

    test('examples/storefront is accepted whole, its Pods created and admitted', async () => {
      const objects = synthStorefront();
      const { verdicts, rejected } = await applyAll(client(), objects);
      expect(rejected).toEqual([]);
      const byKind = await expectPodsCreated(client(), objects.map(m => m.object));
      tally.push(`${minor}: examples/storefront, ${verdicts.length} objects accepted, Pods ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }, 180_000);

    test('random valid apps of the property generator are accepted whole, under the blueprint\'s policies in DENY mode', async () => {
      const runs = Number(process.env.CLUSTER_RANDOM_APPS ?? 50);
      const samples = fc.sample(plans, { numRuns: runs, seed: 20261204 + serverMinor });
      let objects = 0;
      const rejected: string[] = [];
      for (const [i, plan] of samples.entries()) {
        const { app } = buildRandomApp(plan, minor, `r${i}-`, targetOf(minor).istioVersion);
        const synthesized = withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
        const result = await applyAll(client(), asManifests(synthesized));
        objects += result.verdicts.length;
        rejected.push(...result.rejected.map(line => `app ${i}: ${line}`));
      }
      expect(rejected).toEqual([]);
      tally.push(`${minor}: ${samples.length} random valid apps, ${objects} objects, all accepted`);
    }, 300_000);

    test('a workload admitted while the policies warned can still be scaled, relabelled and deleted once they deny (the cluster never wedges)', async () => {
      const c = client();
      const legacy = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } };
      const warnPolicies = blueprintFor(minor, { action: AdmissionAction.WARN }).filter(o => String(o.kind).startsWith('ValidatingAdmissionPolicy'));
      expect((await applyAll(c, asManifests([legacy, ...warnPolicies]))).rejected).toEqual([]);
      // an image by tag, no probes, no limits, root: admitted with warnings
      const deployment = {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'old', namespace: 'legacy', labels: { app: 'old' } },
        spec: { replicas: 2, selector: { matchLabels: { app: 'old' } }, template: { metadata: { labels: { app: 'old' } }, spec: { containers: [{ name: 'old', image: 'nginx:1.27' }] } } },
      };
      await eventually(() => 'the Warn bindings take effect', 30_000, async () => {
        const r = await c.request('POST', '/apis/apps/v1/namespaces/legacy/deployments?dryRun=All', deployment);
        return r.status === 201 && r.warnings.length > 0 ? true : undefined;
      });
      // and one of every other workload kind, admitted with warnings too
      const template = { metadata: { labels: { app: 'old-other' } }, spec: deployment.spec.template.spec };
      const others = [
        { path: '/apis/apps/v1/namespaces/legacy/statefulsets', object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'old-set', namespace: 'legacy' }, spec: { replicas: 1, selector: { matchLabels: { app: 'old-other' } }, template } } },
        { path: '/apis/apps/v1/namespaces/legacy/daemonsets', object: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'old-ds', namespace: 'legacy' }, spec: { selector: { matchLabels: { app: 'old-other' } }, template } } },
        { path: '/apis/batch/v1/namespaces/legacy/cronjobs', object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'old-cron', namespace: 'legacy' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } } } } } },
        { path: '/apis/batch/v1/namespaces/legacy/jobs', object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'old-job', namespace: 'legacy' }, spec: { suspend: true, template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } } } },
      ];
      for (const o of others) {
        const r = await c.request('POST', o.path, o.object);
        expect({ kind: o.object.kind, status: r.status }).toEqual({ kind: o.object.kind, status: 201 });
      }
      const created = await c.request('POST', '/apis/apps/v1/namespaces/legacy/deployments', deployment);
      expect(created.status).toBe(201);
      expect(created.warnings.length).toBeGreaterThan(0);
      const deploymentPods = async () => (await podsIn(c, 'legacy')).filter(p => (p.metadata?.labels as Record<string, string> | undefined)?.app === 'old');
      await eventually(() => 'legacy/old has 2 pods', 60_000, async () => ((await deploymentPods()).length === 2 ? true : undefined));
      // the policies move to DENY
      const denyPolicies = blueprintFor(minor).filter(o => String(o.kind).startsWith('ValidatingAdmissionPolicy'));
      expect((await applyAll(c, asManifests(denyPolicies))).rejected).toEqual([]);
      await denyBindingsInEffect(c);
      const steps: string[] = [];
      // scale down through the scale subresource: the Deployment controller updates the ReplicaSet, whose template is unchanged
      const scale = await c.request('PATCH', '/apis/apps/v1/namespaces/legacy/deployments/old/scale', { spec: { replicas: 1 } }, 'application/merge-patch+json');
      expect(scale.status).toBe(200);
      await eventually(async () => `legacy/old scaled to 1 pod; warnings: ${(await warningEvents(c, 'legacy')).join(' | ')}`, 60_000,
        async () => ((await deploymentPods()).filter(p => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp).length === 1 ? true : undefined));
      steps.push('scaled 2 -> 1 (ReplicaSet update admitted)');
      // relabel the Deployment and a Pod
      const relabel = await c.request('PATCH', '/apis/apps/v1/namespaces/legacy/deployments/old', { metadata: { labels: { team: 'migrating' } } }, 'application/merge-patch+json');
      expect({ status: relabel.status, body: relabel.status === 200 ? '' : relabel.body }).toEqual({ status: 200, body: '' });
      const pod = (await deploymentPods())[0];
      const relabelPod = await c.request('PATCH', `/api/v1/namespaces/legacy/pods/${pod.metadata?.name}`, { metadata: { labels: { team: 'migrating' } } }, 'application/merge-patch+json');
      expect({ status: relabelPod.status, body: relabelPod.status === 200 ? '' : relabelPod.body }).toEqual({ status: 200, body: '' });
      for (const o of others) {
        const relabelled = await c.request('PATCH', `${o.path}/${o.object.metadata.name}`, { metadata: { labels: { team: 'migrating' } } }, 'application/merge-patch+json');
        expect({ kind: o.object.kind, status: relabelled.status }).toEqual({ kind: o.object.kind, status: 200 });
      }
      steps.push('Deployment, StatefulSet, DaemonSet, CronJob, Job and Pod relabelled');
      // a change of the pod template is judged again, and denied
      const change = await c.request('PATCH', '/apis/apps/v1/namespaces/legacy/deployments/old', { spec: { template: { spec: { containers: [{ name: 'old', image: 'nginx:1.28' }] } } } }, 'application/strategic-merge-patch+json');
      expect(change.status).toBe(403);
      steps.push(`template change denied (${String((change.body as { message?: string }).message).slice(0, 80)}...)`);
      // foreground deletion: the garbage collector removes the foregroundDeletion finalizer (an update) once the dependents are gone
      const del = await c.request('DELETE', '/apis/apps/v1/namespaces/legacy/deployments/old', { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' });
      expect(del.status).toBeLessThan(300);
      await eventually(async () => `legacy/old deleted; warnings: ${(await warningEvents(c, 'legacy')).join(' | ')}`, 60_000,
        async () => ((await c.request('GET', '/apis/apps/v1/namespaces/legacy/deployments/old')).status === 404 ? true : undefined));
      steps.push('deleted in the foreground (the garbage collector\'s finalizer update admitted)');
      tally.push(`${minor}: WARN -> DENY: ${steps.join('; ')}`);
    }, 240_000);

    test('exemptions follow what the controllers create: a hand-made Job of an excepted CronJob and its Pod are admitted, a sibling\'s and a forged owner are denied', async () => {
      const c = client();
      const app = new HardenedApp({ outdir: '/nonexistent', ...targetOf(minor), admission: {} });
      const ns = new HardenedNamespace(new Chart(app, 'cluster'), 'batch-shop');
      const chart = new Chart(app, 'w', { namespace: ns.name });
      const image = (name: string) => ContainerImage.fromDigest(`registry.example.com/${name}@sha256:${'a'.repeat(64)}`);
      const container = (name: string) => ({ name, image: image(name), resources: { cpu: { request: '100m', limit: '200m' }, memory: { request: '64Mi', limit: '128Mi' } } });
      const cron = new HardenedCronJob(chart, 'export', { schedule: '@daily', containers: [container('export'), container('uploader')] });
      PolicyException.add(cron, { id: 'HARDENED-11', reason: 'The uploader runs beside the export until the bucket client is a library; tracked in OPS-9.' });
      const objects = withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
      const policies = asManifests(objects.filter(o => phaseOf(o) <= ApplyPhase.ADMISSION_BINDINGS));
      expect((await applyAll(c, policies)).rejected).toEqual([]);
      await denyBindingsInEffect(c);
      expect((await applyAll(c, asManifests(objects.filter(o => phaseOf(o) > ApplyPhase.ADMISSION_BINDINGS)))).rejected).toEqual([]);
      // kubectl create job --from=cronjob/export export-manual: the Job and the Pod its controller makes are admitted
      const live = await c.get<KubeJson & { spec: { jobTemplate: { spec: unknown } }; metadata: { uid: string } }>('/apis/batch/v1/namespaces/batch-shop/cronjobs/export');
      const made = await c.request('POST', '/apis/batch/v1/namespaces/batch-shop/jobs', jobFromCronJob(live, 'export-manual'));
      expect({ status: made.status, message: made.status === 201 ? '' : JSON.stringify(made.body) }).toEqual({ status: 201, message: '' });
      await eventually(async () => `the Pod of export-manual; warnings: ${(await warningEvents(c, 'batch-shop')).join(' | ')}`, 60_000,
        async () => ((await podsIn(c, 'batch-shop')).some(p => String(p.metadata?.name).startsWith('export-manual-')) ? true : undefined));
      // a sibling's Pod, and a Pod with a forged owner, are denied by HARDENED-11
      const job = (live.spec.jobTemplate.spec as { template: { metadata?: object; spec: object } }).template;
      const pod = (name: string, ownerReferences: object[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...(job.metadata ?? {}), name, namespace: 'batch-shop', ownerReferences }, spec: job.spec });
      const ref = (apiVersion: string, kind: string, name: string, controller = true) => [{ apiVersion, kind, name, uid: '0d1f7e55-0000-4000-8000-000000000000', controller }];
      const verdicts: string[] = [];
      for (const [what, object] of [
        ['a sibling CronJob\'s Job\'s Pod', pod('sibling', ref('batch/v1', 'Job', 'export-admin-29000000'))],
        ['an owner of another API group', pod('forged-group', ref('example.com/v1', 'Job', 'export-29000000'))],
        ['a non-controller owner reference', pod('forged-controller', ref('batch/v1', 'Job', 'export-29000000', false))],
        ['a Pod claiming the CronJob itself', pod('forged-cronjob', ref('batch/v1', 'CronJob', 'export'))],
      ] as const) {
        const verdict = await admission(c, object as KubeJson);
        expect({ what, admitted: verdict.admitted }).toEqual({ what, admitted: false });
        expect(verdict.message).toMatch(/ValidatingAdmissionPolicy 'cdk8s-hardened-/);
        verdicts.push(`${what}: denied`);
      }
      tally.push(`${minor}: exemptions: export-manual Job and Pod admitted; ${verdicts.join('; ')}`);
    }, 180_000);

    test('allowedHostPaths stays under the runtime cost limit for a 40 containers x 80 mounts x 40 hostPath volumes pod, and still denies a writable mount where read-only is required', async () => {
      const c = client();
      // the rule with parameters, as its own policy and binding for one namespace the blueprint's bindings leave out
      const app = new HardenedApp({ outdir: '/nonexistent', ...targetOf(minor), admission: { allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }, { pathPrefix: '/data', readOnly: false }, { pathPrefix: '/opt/tools', readOnly: true }] } });
      new Chart(app, 'empty');
      const synthesized = withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
      const vap = synthesized.find(o => o.kind === 'ValidatingAdmissionPolicy' && (o.metadata?.labels as Record<string, string>)['cdk8s-hardened.io/rule'] === 'allowedHostPaths')!;
      const policy = { ...vap, metadata: { name: 'probe-allowed-host-paths' } };
      const binding = { apiVersion: vap.apiVersion, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'probe-allowed-host-paths' }, spec: { policyName: 'probe-allowed-host-paths', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gatekeeper-system' } } } } };
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gatekeeper-system', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } };
      expect((await applyAll(c, asManifests([ns, policy, binding]))).rejected).toEqual([]);
      const pod = (containers: number, mounts: number, volumes: number, writable: (j: number) => boolean, path: (i: number) => string) => ({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `hp-${containers}-${mounts}-${volumes}`, namespace: 'gatekeeper-system' },
        spec: {
          volumes: Array.from({ length: volumes }, (_, i) => ({ name: `v${i}`, hostPath: { path: path(i) } })),
          containers: Array.from({ length: containers }, (_, i) => ({
            name: `c${i}`, image: 'busybox',
            volumeMounts: Array.from({ length: mounts }, (_, j) => ({ name: `v${j % volumes}`, mountPath: `/m${j}`, readOnly: !writable(j) })),
          })),
        },
      });
      const shapes: string[] = [];
      await eventually(() => 'the probe binding in effect', 30_000, async () => (await admission(c, pod(1, 1, 1, () => true, () => '/etc') as KubeJson)).admitted ? undefined : true);
      for (const [C, M, V] of [[40, 80, 40], [40, 40, 40], [20, 40, 20]] as const) {
        const readOnly = await admission(c, pod(C, M, V, () => false, i => `/var/log/x${i}`) as KubeJson);
        expect({ shape: `${C}x${M}x${V}`, ...readOnly }).toEqual({ shape: `${C}x${M}x${V}`, admitted: true, message: '' });
        const mixed = await admission(c, pod(C, M, V, j => j % V >= V / 2, i => (i < V / 2 ? `/var/log/x${i}` : `/data/x${i}`)) as KubeJson);
        expect({ shape: `${C}x${M}x${V} writable under /data`, ...mixed }).toEqual({ shape: `${C}x${M}x${V} writable under /data`, admitted: true, message: '' });
        shapes.push(`${C}x${M}x${V}`);
      }
      const bad = await admission(c, pod(40, 80, 40, j => j === 79, i => `/var/log/x${i}`) as KubeJson);
      expect(bad.admitted).toBe(false);
      expect(bad.message).toMatch(/allowedHostPaths: a hostPath volume is outside the allowed host paths or is mounted writable where they require read-only/);
      expect(bad.message).not.toMatch(/cost/);
      const outside = await admission(c, pod(1, 1, 1, () => false, () => '/etc') as KubeJson);
      expect(outside.admitted).toBe(false);
      tally.push(`${minor}: allowedHostPaths cost: compliant pods of ${shapes.join(', ')} (containers x mounts x hostPath volumes) admitted under the runtime cost limit; one writable mount of a read-only path, and a path outside the list, denied by the rule`);
    }, 120_000);

    test('boundary differential: apps whose props sit at the API\'s edges are either refused at synth or accepted by the server', async () => {
      const accepted: string[] = [];
      const refused: string[] = [];
      const serverRejected: string[] = [];
      for (const candidate of boundaryApps(minor, targetOf(minor).istioVersion)) {
        let objects: KubeJson[];
        try {
          objects = withoutWarnings(() => candidate.synth());
        } catch (e) {
          refused.push(`${candidate.name}: ${(e as Error).message.split('\n').slice(0, 2).join(' ').slice(0, 160)}`);
          continue;
        }
        const { rejected } = await applyAll(client(), asManifests(objects));
        if (rejected.length > 0) {
          serverRejected.push(`${candidate.name}: ${rejected.join(' | ')}`);
          continue;
        }
        // names feed the names and labels the controllers derive: their Pods must be creatable too
        if (/^(StatefulSet|CronJob|Job|Deployment) name/.test(candidate.name)) {
          try {
            await expectPodsCreated(client(), objects);
          } catch (e) {
            serverRejected.push(`${candidate.name}: accepted, but the controller cannot create its Pods: ${(e as Error).message.slice(0, 300)}`);
            continue;
          }
        }
        accepted.push(candidate.name);
      }
      expect(serverRejected).toEqual([]);
      tally.push(`${minor}: boundary differential: ${accepted.length + refused.length + serverRejected.length} apps, ${accepted.length} accepted by synth and server, ${refused.length} refused at synth, ${serverRejected.length} accepted by synth but rejected by the server`);
    }, 300_000);

    badInputServerTests(minor, client, tally);
    gatewayServerTests(minor, client);
    apiAccessServerTests(minor, client, tally);
    meshDataPlaneServerTests(minor, client);
    signedImagesServerTests(minor, client, tally);
  });
}
