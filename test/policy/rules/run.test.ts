import * as fs from 'fs';
import * as path from 'path';
import type { KubeObject } from '../../../policy/kube-object';
import { PSS_CHECKS } from '../../../policy/pss';
import { ComplianceFramework, createRuleContext, HARDENED_PACK, runRulePacks, type Rule, type RuleContext, type RulePack } from '../../../policy/rules';
import { generatedPart, renderRulesReference } from '../../../policy/rules/docs';
import { goodDeployment, goodNeighbours, variant } from './_fixtures';

describe('the hardened pack', () => {
  test('ids are HARDENED-1..17, in order, unique, and distinct from Pod Security check ids', () => {
    expect(HARDENED_PACK.rules.map(r => r.id)).toEqual(Array.from({ length: 17 }, (_, i) => `HARDENED-${i + 1}`));
    const pss = new Set(PSS_CHECKS.map(c => c.id));
    expect(HARDENED_PACK.rules.filter(r => pss.has(r.id))).toEqual([]);
    expect(new Set(HARDENED_PACK.rules.map(r => r.name)).size).toBe(HARDENED_PACK.rules.length);
  });

  test('every rule has a what, a why, a fix and at least one source, and names its CIS/NSA mapping in its jsdoc', () => {
    const dir = path.join(__dirname, '..', '..', '..', 'policy', 'rules');
    const sources = walk(dir).map(f => fs.readFileSync(f, 'utf8'));
    for (const r of HARDENED_PACK.rules) {
      expect({ id: r.id, ok: r.summary.length > 10 && r.explanation.length > 40 && r.fix.length > 10 && r.references.length > 0 }).toEqual({ id: r.id, ok: true });
      const file = sources.find(s => s.includes(`id: '${r.id}',`));
      expect(file).toContain(` * ${r.id}: `);
      for (const ref of r.references.filter(x => x.framework !== ComplianceFramework.KUBERNETES)) {
        const cited = ref.framework === ComplianceFramework.CIS ? `${ref.item} "${ref.title}"` : ref.item;
        expect({ id: r.id, cited: file!.replace(/\n \* /g, ' ').includes(cited) }).toEqual({ id: r.id, cited: true });
      }
    }
  });

  test('docs/rules.md carries the generated table (regenerate with the command in src/policy/rules/docs.ts)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'rules.md'), 'utf8');
    expect(generatedPart(doc)).toBe(renderRulesReference());
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('runRulePacks', () => {
  const objects = [...goodNeighbours(), goodDeployment()];

  test('a compliant set has no findings', () => {
    expect(runRulePacks(objects)).toEqual([]);
  });

  test('findings carry rule, message, path, explanation, fix and the object index, ordered by object, rule, finding', () => {
    const bad = variant(goodDeployment(), d => {
      d.metadata.namespace = 'default';
      d.spec.template.spec.containers[0].image = 'nginx';
    });
    const findings = runRulePacks([bad, ...goodNeighbours(), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } }]);
    expect(findings.map(f => [f.objectIndex, f.rule, f.path])).toEqual([
      [0, 'HARDENED-1', 'spec.template.spec.containers[0].image'],
      [0, 'HARDENED-2', 'spec.template.spec.containers[0].image'],
      [0, 'HARDENED-8', 'metadata.namespace'],
      [0, 'HARDENED-10', 'spec.template.metadata.labels'],
      [5, 'HARDENED-12', 'data'],
    ]);
    const first = findings[0];
    expect(first).toEqual({
      rule: 'HARDENED-1',
      severity: 'error',
      message: 'container "app" image "nginx" is not pinned by digest',
      path: 'spec.template.spec.containers[0].image',
      explanation: HARDENED_PACK.rules[0].explanation,
      fix: HARDENED_PACK.rules[0].fix,
      objectIndex: 0,
    });
  });

  test('deterministic: the same input gives the same findings, and the input is not modified', () => {
    const input = [variant(goodDeployment(), d => { d.spec.replicas = 1; }), ...goodNeighbours()];
    const before = JSON.stringify(input);
    expect(JSON.stringify(runRulePacks(input))).toBe(JSON.stringify(runRulePacks(input)));
    expect(JSON.stringify(input)).toBe(before);
  });

  test('a rule that throws is reported as a finding on that object, and the other rules still run', () => {
    const crashing: Rule = {
      ...HARDENED_PACK.rules[0], id: 'TEST-1',
      evaluate: (o: KubeObject) => { if (o.kind === 'Deployment') throw new TypeError('cannot read spec'); return { status: 'compliant' }; },
    };
    const pack: RulePack = { name: 'test', rules: [crashing, HARDENED_PACK.rules[9]] };
    const findings = runRulePacks([variant(goodDeployment(), d => { d.spec.replicas = 1; })], { packs: [pack] });
    expect(findings.map(f => [f.rule, f.message])).toEqual([
      ['TEST-1', 'rule crashed: cannot read spec'],
      ['HARDENED-10', 'runs 1 replica'],
    ]);
  });

  test('malformed objects do not crash the pack', () => {
    const weird = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'shop' }, spec: { template: { spec: { containers: 'nope' } } } }] as KubeObject[];
    expect(runRulePacks(weird).filter(f => f.message.startsWith('rule crashed'))).toEqual([]);
  });

  test('scales linearly: the work (context lookups and the objects they return, memo computations) doubles with the input, counted, not timed', () => {
    const input = (n: number): KubeObject[] => {
      const many: KubeObject[] = [];
      for (let i = 0; i < n; i++) {
        const name = `app-${i}`;
        many.push(variant(goodDeployment(), d => {
          d.metadata.name = name; d.spec.template.metadata.labels = { app: name }; d.spec.selector.matchLabels = { app: name };
        }));
        many.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } } });
        many.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'shop' }, automountServiceAccountToken: false });
        many.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' } });
      }
      return many;
    };
    const work = (objects: KubeObject[]) => {
      const context = createRuleContext(objects);
      let units = 0;
      const counted: RuleContext = {
        objects: context.objects,
        objectsOf: (kind, namespace) => { const list = context.objectsOf(kind, namespace); units += 1 + list.length; return list; },
        find: (kind, namespace, name) => { units++; return context.find(kind, namespace, name); },
        memo: (key, compute) => context.memo(key, () => { units++; return compute(); }),
      };
      expect(runRulePacks(objects, { context: counted })).toEqual([]);
      return units;
    };
    const small = work(input(2500));
    const large = work(input(5000)); // 20,000 objects
    expect(small).toBeGreaterThan(0);
    expect(large / small).toBeLessThan(2.2);
  });
});
