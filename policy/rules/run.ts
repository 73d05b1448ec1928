import type { KubeObject } from '../kube-object';
import { createRuleContext } from './context';
import { HARDENED_PACK } from './hardened-pack';
import type { RuleContext, RuleFinding, RulePack } from './types';

/** Options of {@link runRulePacks}. */
export interface RunRulePacksOptions {
  /**
   * The packs to run, in order.
   * @default [HARDENED_PACK]
   */
  readonly packs?: readonly RulePack[];
  /**
   * A context built earlier over the same objects (see {@link createRuleContext}), to share its
   * indexes and memos between runs.
   * @default - a new context over `objects`
   */
  readonly context?: RuleContext;
  /**
   * Evaluate only the objects at these indexes (the context still holds every object).
   * @default - every object
   */
  readonly only?: readonly number[];
}

function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/**
 * Runs every rule of every pack on every object. Deterministic: findings are ordered by object
 * (input order), then pack and rule order, then the order the rule reports them. A rule that
 * throws yields one `rule crashed: ...` finding for that object; it is never skipped silently.
 */
export function runRulePacks(objects: readonly KubeObject[], options: RunRulePacksOptions = {}): RuleFinding[] {
  const packs = options.packs ?? [HARDENED_PACK];
  const context = options.context ?? createRuleContext(objects);
  const rules = packs.flatMap(p => p.rules);
  const findings: RuleFinding[] = [];
  const indexes = options.only ?? objects.map((_, i) => i);
  for (const objectIndex of indexes) {
    const object = objects[objectIndex];
    for (const rule of rules) {
      try {
        const result = rule.evaluate(object, context);
        if (result.status !== 'non-compliant') continue;
        for (const v of result.violations) {
          findings.push({ rule: rule.id, severity: rule.severity, message: v.message, path: v.path, explanation: rule.explanation, fix: v.fix ?? rule.fix, objectIndex });
        }
      } catch (e) {
        findings.push({
          rule: rule.id,
          severity: 'error',
          message: `rule crashed: ${describeError(e)}`,
          path: '',
          explanation: rule.explanation,
          fix: 'report the crash with the object that caused it; until the rule is fixed, the object counts as non-compliant',
          objectIndex,
        });
      }
    }
  }
  return findings;
}
