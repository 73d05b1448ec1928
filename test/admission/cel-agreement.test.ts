/**
 * Proof: the admission form (CEL, evaluated by a real CEL engine) of every rule gives the same
 * verdict as its synth-time form on every upstream Pod Security fixture, as a Pod and wrapped in
 * a Deployment, a StatefulSet and a CronJob, at every level and version of the fixtures.
 */
import {
  allowedCapabilitiesRule, allowedHostPathsRule, allowedRegistriesRule, celLibraryProblems, podSecurityAdmissionRules, ruleAdmissionRules,
  validatingPolicyVariables, type AdmissionRule,
} from '../../policy/admission';
import { checkPodSecurity, HARDENED_PACK } from '../../policy';
import type { KubeObject } from '../../policy/kube-object';
import { compilePolicy, KUBERNETES_EXTENSIONS } from './_cel-engine';
import { loadFixtures, ruleCorpus, wrappings } from './_fixtures';

const fixtures = loadFixtures();
const groups = [...new Set(fixtures.map(f => `${f.level} ${f.version}`))];
const summary: string[] = [];

function compile(rule: AdmissionRule) {
  return compilePolicy(validatingPolicyVariables(rule, []), rule.validations);
}

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`CEL agreement (fixture agrees when every covered check agrees on the Pod and 3 wrappers):\n${summary.join('\n')}\nKubernetes CEL functions implemented in the harness: ${KUBERNETES_EXTENSIONS.length === 0 ? 'none needed' : KUBERNETES_EXTENSIONS.join(', ')}`);
});

describe.each(groups)('Pod Security %s', group => {
  const [level, version] = group.split(' ') as ['baseline' | 'restricted', string];
  const rules = podSecurityAdmissionRules(level, version);
  const compiled = rules.map(r => ({ rule: r, policy: compile(r) }));
  const mine = fixtures.filter(f => f.level === level && f.version === version);

  test('every check in effect has an admission form within the 1.28 CEL library', () => {
    for (const r of rules) for (const v of r.validations) expect(celLibraryProblems(v.expression, 28)).toEqual([]);
  });

  test(`admission verdict equals checkPodSecurity on all ${mine.length} fixtures x 4 forms`, () => {
    let agree = 0;
    let verdicts = 0;
    const disagreements: string[] = [];
    for (const f of mine) {
      let ok = true;
      for (const { form, object } of wrappings(f.pod)) {
        const findings = checkPodSecurity(object, level, version);
        let admittedByAll = true;
        for (const { rule, policy } of compiled) {
          const denials = policy.denials(object);
          const celAdmits = denials.length === 0;
          const tsAdmits = !findings.some(x => x.check === rule.id);
          verdicts++;
          if (celAdmits !== tsAdmits || denials.some(d => d.startsWith('error:'))) {
            ok = false;
            disagreements.push(`${f.rel} as ${form}: ${rule.id} CEL ${celAdmits ? 'admits' : `denies (${denials.join('; ')})`}, TS ${tsAdmits ? 'admits' : 'denies'}`);
          }
          admittedByAll &&= celAdmits;
        }
        if (admittedByAll !== (f.expect === 'pass')) {
          ok = false;
          disagreements.push(`${f.rel} as ${form}: admission ${admittedByAll ? 'admits' : 'denies'}, fixture expects ${f.expect}`);
        }
      }
      if (ok) agree++;
    }
    summary.push(`  ${level} ${version}: ${agree}/${mine.length} fixtures (${rules.length} checks, ${verdicts} verdicts)`);
    expect(disagreements).toEqual([]);
    expect(agree).toBe(mine.length);
  });
});

/** Compares a rule's CEL verdict with its TypeScript verdict on every object of `corpus`. */
function agreement(rule: AdmissionRule, corpus: readonly { readonly name: string; readonly object: KubeObject }[]) {
  const policy = compile(rule);
  let denied = 0;
  const disagreements: string[] = [];
  for (const { name, object } of corpus) {
    const denials = policy.denials(object);
    if (denials.length > 0) denied++;
    if ((denials.length === 0) !== rule.admits(object) || denials.some(d => d.startsWith('error:'))) {
      disagreements.push(`${name}: CEL ${denials.length === 0 ? 'admits' : denials.join('; ')}, TypeScript ${rule.admits(object) ? 'admits' : 'denies'}`);
    }
  }
  return { n: corpus.length, denied, disagreements };
}

describe('hardened rules with an admission form', () => {
  const rules = ruleAdmissionRules(HARDENED_PACK);
  const corpus = ruleCorpus();

  test('the single-object rules have one; the rules that need other objects or must not run at admission do not', () => {
    expect(rules.map(r => r.id)).toEqual(['HARDENED-1', 'HARDENED-2', 'HARDENED-3', 'HARDENED-4', 'HARDENED-5', 'HARDENED-7', 'HARDENED-8', 'HARDENED-11']);
    for (const r of rules) for (const v of r.validations) expect(celLibraryProblems(v.expression, 28)).toEqual([]);
  });

  test.each(rules.map(r => [r.id, r] as const))('%s: CEL verdict equals evaluate on every fixture x 4 forms, the blueprint and its variants', (_id, rule) => {
    const { n, denied, disagreements } = agreement(rule, corpus);
    summary.push(`  ${rule.id}: ${n - disagreements.length}/${n} objects (${denied} denied, ${n - denied} admitted)`);
    expect(disagreements).toEqual([]);
    expect(denied).toBeGreaterThan(0);
    expect(n - denied).toBeGreaterThan(0);
  });
});

describe('parameterized rules', () => {
  const corpus = ruleCorpus();
  const cases: [string, AdmissionRule][] = [
    ['allowedHostPaths none', allowedHostPathsRule([])],
    ['allowedHostPaths /dev read-only', allowedHostPathsRule([{ pathPrefix: '/dev/', readOnly: true }])],
    ['allowedHostPaths / writable', allowedHostPathsRule([{ pathPrefix: '/', readOnly: false }])],
    ['allowedCapabilities NET_BIND_SERVICE', allowedCapabilitiesRule()],
    ['allowedCapabilities none', allowedCapabilitiesRule([])],
    ['allowedRegistries registry.k8s.io', allowedRegistriesRule(['registry.k8s.io'])],
    ['allowedRegistries registry.example.com, registry:5000/team', allowedRegistriesRule(['registry.example.com', 'registry:5000/team/'])],
  ];
  test.each(cases)('%s: CEL verdict equals the TypeScript form on every fixture x 4 forms, the blueprint and its variants', (name, rule) => {
    const { n, denied, disagreements } = agreement(rule, corpus);
    summary.push(`  ${name}: ${n - disagreements.length}/${n} objects (${denied} denied)`);
    expect(disagreements).toEqual([]);
  });
});

describe('the proof can fail', () => {
  test.each([
    ['runAsNonRoot', 'restricted', (e: string) => e.replace(/ && variables\.containers\.all\(.*$/, ')')],
    ['capabilities_restricted', 'restricted', (e: string) => e.replace("'ALL' in", "'all' in")],
    ['appArmorProfile', 'baseline', (e: string) => e.replace(/ \|\| variables\.annotations\[k\]\.startsWith\('localhost\/'\)/, '')],
  ] as const)('a weakened %s expression disagrees with checkPodSecurity on some fixture', (id, level, weaken) => {
    const rule = podSecurityAdmissionRules(level, 'v1.28').find(r => r.id === id)!;
    const weakened = { ...rule, validations: rule.validations.map(v => ({ ...v, expression: weaken(v.expression) })) };
    expect(weakened.validations[0].expression).not.toBe(rule.validations[0].expression);
    const policy = compile(weakened);
    const disagreeing = fixtures.filter(f => f.version === 'v1.28').filter(f => (policy.denials(f.pod).length === 0) !== rule.admits(f.pod));
    expect(disagreeing.length).toBeGreaterThan(0);
  });
});

describe('every Pod Security version an admission target emits (v1.28 to v1.37)', () => {
  // versions whose checks have the same CEL form one group; each group is judged on all 274 fixture pods
  for (const level of ['baseline', 'restricted'] as const) {
    const groupsByForm = new Map<string, string[]>();
    for (let minor = 28; minor <= 37; minor++) {
      const key = JSON.stringify(podSecurityAdmissionRules(level, `v1.${minor}`).map(r => [r.id, r.validations.map(v => v.expression)]));
      groupsByForm.set(key, [...(groupsByForm.get(key) ?? []), `v1.${minor}`]);
    }
    test.each([...groupsByForm.values()].map(versions => [versions.join(', '), versions[0]] as const))(`${level} %s: CEL verdict equals checkPodSecurity on all 274 fixture pods`, (versions, version) => {
      const compiled = podSecurityAdmissionRules(level, version).map(rule => ({ rule, policy: compile(rule) }));
      const disagreements: string[] = [];
      for (const f of fixtures) {
        const findings = checkPodSecurity(f.pod, level, version);
        for (const { rule, policy } of compiled) {
          const denials = policy.denials(f.pod);
          if ((denials.length === 0) !== !findings.some(x => x.check === rule.id) || denials.some(d => d.startsWith('error:'))) {
            disagreements.push(`${f.rel}: ${rule.id}`);
          }
        }
      }
      summary.push(`  ${level} ${versions}: ${fixtures.length - new Set(disagreements.map(d => d.split(':')[0])).size}/${fixtures.length} fixture pods (${compiled.length} checks)`);
      expect(disagreements).toEqual([]);
    });
  }
});
