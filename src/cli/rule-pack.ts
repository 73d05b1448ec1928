/**
 * The extension point of `cdk8s-hardened check`: a rule pack judges each input object and
 * returns findings with its own rule ids. The PSS pack is the first; others plug in the same way.
 */
import type { KubeObject } from '../../policy/kube-object';
import type { ManifestObject } from '../yaml-input';

/** One finding of any rule pack. */
export interface RuleFinding {
  /** The rule id, e.g. a PSS check id such as `allowPrivilegeEscalation`. */
  readonly rule: string;
  /** Severity or policy level of the rule, e.g. `baseline` or `restricted`. */
  readonly level: string;
  /** What is wrong, with specifics. */
  readonly message: string;
  /** JSON-path-like path of the offending field in the object, e.g. `spec.containers[0].securityContext`. */
  readonly path: string;
  /** One sentence telling what to change (optional). */
  readonly fix?: string;
}

/** What a rule pack can see besides the object it judges. */
export interface RuleContext {
  /** Every object of the input, in input order (for rules that relate objects). */
  readonly objects: readonly ManifestObject[];
  /** The `Namespace` object of that name in the input, if any. */
  namespace(name: string): KubeObject | undefined;
  /** Records a non-fatal problem with the input (printed to stderr, not a finding). */
  warn(message: string): void;
}

/** A set of rules run by `check` on every input object. */
export interface RulePack {
  /** Short name of the pack, e.g. `pss`. */
  readonly name: string;
  /**
   * Judges one object. Must not modify it, and must be deterministic.
   * @returns the findings; empty when the object complies or the pack does not apply to it
   */
  check(item: ManifestObject, context: RuleContext): readonly RuleFinding[];
}

/**
 * The context rule packs see: every input object, and for a name the first `v1` `Namespace`
 * object of that name among the inputs. Shared by `check`, `report` and the synth report.
 */
export function createRuleContext(objects: readonly ManifestObject[], warn: (message: string) => void): RuleContext {
  const namespaces = new Map<string, KubeObject>();
  for (const { object } of objects) {
    const name = object.metadata?.name;
    if (object.kind === 'Namespace' && object.apiVersion === 'v1' && typeof name === 'string' && !namespaces.has(name)) {
      namespaces.set(name, object);
    }
  }
  return { objects, namespace: (name) => namespaces.get(name), warn };
}
