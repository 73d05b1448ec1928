/** What each rule id means, for outputs that describe rules apart from findings (SARIF's `tool.driver.rules`). */
import { PSS_CHECKS, type RulePack } from '../../../policy';

/** A rule as an output format describes it. */
export interface RuleDescription {
  readonly id: string;
  /** Short name (`image-digest`); absent where the id is the name (the Pod Security check `runAsNonRoot`). */
  readonly name?: string;
  /** One line: what the rule requires or the check forbids. */
  readonly summary: string;
  /** Why it matters; empty when only findings say it. */
  readonly explanation: string;
}

/** The descriptions of the Pod Security checks and of every rule of `packs`, by id (the first pack wins a repeated id). */
export function ruleDescriptions(packs: readonly RulePack[]): ReadonlyMap<string, RuleDescription> {
  const out = new Map<string, RuleDescription>();
  for (const c of PSS_CHECKS) {
    out.set(c.id, { id: c.id, summary: `Pod Security Standards (${c.level}): ${c.description}`, explanation: c.reason });
  }
  for (const pack of packs) {
    for (const r of pack.rules) if (!out.has(r.id)) out.set(r.id, { id: r.id, name: r.name, summary: r.summary, explanation: r.explanation });
  }
  return out;
}
