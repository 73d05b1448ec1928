import { IConstruct } from 'constructs';
import { exceptionMatches, isIsoDate, isKnownExceptionId, reasonProblem } from '../policy/rules';
import { AppModel, IPolicyException } from './app-model';
import { HardenedInputError } from './errors';

export { EXCEPTIONS_ANNOTATION } from '../policy/rules';

/** Props of {@link PolicyException.add}. */
export interface PolicyExceptionProps {
  /**
   * The rule to except: a `hardened` rule id (`HARDENED-10`, see docs/rules.md) or a Pod Security
   * Standards check id (`runAsNonRoot`), which silences that check's `warn`/`audit` warnings.
   */
  readonly id: string;
  /**
   * Why the finding is acceptable here, for a reviewer: a real sentence (10 characters and three
   * words or more, not "n/a", "TODO" or "false positive"). It is written into the output.
   */
  readonly reason: string;
  /**
   * Only findings at this field path of the object, or below it, e.g.
   * `spec.template.spec.containers[1]`.
   * @default - every finding of the rule on the construct's objects
   */
  readonly path?: string;
  /**
   * The last day the exception applies, `YYYY-MM-DD` (UTC). Within 30 days of it synth warns;
   * after it the exception covers nothing and synth fails, until it is renewed with a new date
   * (and a reviewer sees the renewal in the diff) or the finding is fixed.
   * @default - no expiry
   */
  readonly expires?: string;
}

/**
 * A justified exception to one rule, attached to a construct: it covers the findings of that
 * rule on the objects the construct and its descendants synthesize (narrow it with `path`, or
 * by attaching it to a deeper construct such as `ApiObject.of(workload.deployment)`).
 *
 * `HardenedApp` runs the policy pass once over the final objects at synth: a finding that no
 * exception covers fails synth, and so does an exception that covers no finding, so that stale
 * exceptions cannot pile up. Each object an exception covered carries it, with its reason, in
 * the `cdk8s-hardened.io/exceptions` annotation for reviewers. Exceptions live in the app's
 * {@link AppModel}, so they need a `HardenedApp`.
 *
 * @example
 *   PolicyException.add(postgres, { id: 'HARDENED-10', reason: 'Single-primary database: a second replica would be a second primary; HA is the operator\'s job.' });
 */
export class PolicyException implements IPolicyException {
  /**
   * Attaches an exception to `scope`. Checked here: the id must name a rule or a Pod Security
   * Standards check, the reason must be meaningful, the same id and path may be excepted once per
   * construct.
   * @throws HardenedInputError naming the construct path, the field, the value and the fix
   */
  public static add(scope: IConstruct, props: PolicyExceptionProps): PolicyException {
    const model = AppModel.of(scope);
    const exception = new PolicyException(scope, props);
    model.addException(exception);
    return exception;
  }

  /** The exceptions attached to `scope` itself (not its ancestors), in the order they were added. */
  public static of(scope: IConstruct): PolicyException[] {
    return AppModel.of(scope).exceptionsAt(scope).filter(isPolicyException);
  }

  /** Every exception of the app that `scope` belongs to, in the order they were added. */
  public static allOf(scope: IConstruct): PolicyException[] {
    return AppModel.of(scope).exceptions.filter(isPolicyException);
  }

  /** The construct the exception is attached to. */
  public readonly scope: IConstruct;
  /** The excepted rule or Pod Security Standards check. */
  public readonly id: string;
  /** Why, for a reviewer (trimmed). */
  public readonly reason: string;
  /** The field path it is narrowed to, if any. */
  public readonly path?: string;
  /** The last day it applies (`YYYY-MM-DD`), if it expires. */
  public readonly expires?: string;

  private constructor(scope: IConstruct, props: PolicyExceptionProps) {
    const packs = AppModel.of(scope).rulePacks;
    if (!isKnownExceptionId(props.id, packs)) {
      const ids = packs.map(p => `${p.name}: ${p.rules[0].id}${p.rules.length > 1 ? ` to ${p.rules[p.rules.length - 1].id}` : ''}`).join('; ');
      throw new HardenedInputError(scope, 'PolicyException.id', props.id, 'is not a rule id of the app\'s rule packs or a Pod Security Standards check id',
        `use a rule id of the app's packs (${ids}; see docs/rules.md) or a Pod Security Standards check id such as "runAsNonRoot"`);
    }
    const problem = reasonProblem(props.reason);
    if (problem !== undefined) {
      throw new HardenedInputError(scope, 'PolicyException.reason', props.reason, problem,
        'write a sentence that tells a reviewer why this finding is acceptable here, e.g. "Single-primary database; a second replica would be a second primary."');
    }
    if (props.path !== undefined && (typeof props.path !== 'string' || props.path.trim() === '' || props.path !== props.path.trim())) {
      throw new HardenedInputError(scope, 'PolicyException.path', props.path, 'is not a field path',
        'give the path a finding reports, e.g. "spec.template.spec.containers[1]", or leave path out');
    }
    if (props.expires !== undefined && !isIsoDate(props.expires)) {
      throw new HardenedInputError(scope, 'PolicyException.expires', props.expires, 'is not a date', 'write the last day the exception applies as "YYYY-MM-DD", e.g. "2027-03-31"');
    }
    this.scope = scope;
    this.id = props.id;
    if (props.expires !== undefined) this.expires = props.expires;
    this.reason = props.reason.trim();
    if (props.path !== undefined) this.path = props.path;
  }

  /** Whether this exception covers a finding of `rule` at `path` (on an object of its scope). */
  public covers(finding: { readonly rule: string; readonly path: string }): boolean {
    return exceptionMatches(this, finding);
  }
}

function isPolicyException(e: IPolicyException): e is PolicyException {
  return e instanceof PolicyException;
}
