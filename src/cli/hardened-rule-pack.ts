/**
 * The `hardened` best-practice rules (HARDENED-1..12, docs/rules.md) as a `check` rule pack.
 * Rules that relate objects (a namespace's default-deny policy, a Deployment's budget) see every
 * object of the input. The `cdk8s-hardened.io/exceptions` annotation that synth writes is
 * honoured for HARDENED-n findings, so checking synthesized output gives synth's verdict.
 */
import type { KubeObject } from '../../policy/kube-object';
import {
  createRuleContext, EXCEPTIONS_ANNOTATION, exceptionMatches, parseExceptionsAnnotation, runRulePacks, type RuleContext as PolicyRuleContext,
} from '../../policy/rules';
import type { ManifestObject } from '../yaml-input';
import type { RuleFinding, RulePack } from './rule-pack';

/** The `level` of every finding of this pack. */
export const HARDENED_LEVEL = 'hardened';

interface RunState {
  readonly objects: readonly KubeObject[];
  readonly context: PolicyRuleContext;
  readonly index: ReadonlyMap<ManifestObject, number>;
}

function describe(item: ManifestObject): string {
  const ns = item.object.metadata?.namespace;
  const name = item.object.metadata?.name ?? '<unnamed>';
  return `${item.file}:${item.line}: ${item.object.kind} ${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${name}`;
}

/**
 * Creates the pack. Findings use the rule id (`HARDENED-3`) as `rule` and `hardened` as `level`.
 * Exceptions in the object's annotation silence matching HARDENED-n findings; an entry that is
 * malformed (unknown id, poor reason) or covers no finding is reported as a warning. Pod Security
 * check ids in the annotation are left alone: they except synth-time `warn`/`audit` warnings,
 * never the enforced level this command checks.
 */
export function createHardenedRulePack(): RulePack {
  const runs = new WeakMap<readonly ManifestObject[], RunState>();
  const stateOf = (all: readonly ManifestObject[]): RunState => {
    let state = runs.get(all);
    if (!state) {
      const objects = all.map(o => o.object);
      state = { objects, context: createRuleContext(objects), index: new Map(all.map((o, i) => [o, i])) };
      runs.set(all, state);
    }
    return state;
  };
  return {
    name: 'hardened',
    check(item, context): readonly RuleFinding[] {
      let state = stateOf(context.objects);
      let at = state.index.get(item);
      if (at === undefined) {
        // an object outside the input list: judge it with the input as its neighbours
        const objects = [...state.objects, item.object];
        state = { objects, context: createRuleContext(objects), index: new Map() };
        at = objects.length - 1;
      }
      const findings = runRulePacks(state.objects, { context: state.context, only: [at] });
      const parsed = parseExceptionsAnnotation(item.object.metadata?.annotations?.[EXCEPTIONS_ANNOTATION]);
      for (const problem of parsed.problems) context.warn(`${describe(item)}: ${problem}; entry ignored`);
      const exceptions = parsed.exceptions.filter(e => e.id.startsWith('HARDENED-'));
      const open = findings.filter(f => !exceptions.some(e => exceptionMatches(e, f)));
      for (const e of exceptions) {
        if (!findings.some(f => exceptionMatches(e, f))) {
          context.warn(`${describe(item)}: exception ${e.id}${e.path !== undefined ? ` at ${e.path}` : ''} in ${EXCEPTIONS_ANNOTATION} covers no finding; remove it`);
        }
      }
      return open.map(f => ({ rule: f.rule, level: HARDENED_LEVEL, message: f.message, path: f.path, fix: f.fix }));
    },
  };
}
