/** What `check` found, per input object: the model every output format renders. */
import type { PolicyFinding, PolicyResult } from '../../policy';

/** One finding as `check` reports it: the engine's finding, the level it prints and its help link. */
export interface CheckFinding extends PolicyFinding {
  /**
   * For a Pod Security finding, the level of the check (`baseline` or `restricted`); for a rule,
   * the name of its pack (`hardened`).
   */
  readonly level: string;
  /** Where the rule is documented: an absolute URL or a path in the cdk8s-hardened package; absent when unknown. */
  readonly help?: string;
}

/** The findings for one input object. */
export interface ObjectResult {
  /** The file the object came from (as given on the command line, joined with the path inside a directory). */
  readonly file: string;
  /** 1-based line of the object in {@link file}. */
  readonly line: number;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string | null;
  /**
   * The findings no exception covers: Pod Security at the enforced level (or the override), then
   * at the namespace's warn/audit levels, then the rules in pack order. Empty when the object complies.
   */
  readonly findings: readonly CheckFinding[];
  /** The findings an exception of the object's `cdk8s-hardened.io/exceptions` annotation covers (`exceptedBy` says which, with the reason). */
  readonly suppressed: readonly CheckFinding[];
}

/** Which open findings fail the check: `error` (the default) or also `warning`. */
export type FailOn = 'error' | 'warning';

/** The outcome of `runCheck`. */
export interface CheckRun {
  /** One entry per object of the input (pod-bearing or not), in input order. */
  readonly results: readonly ObjectResult[];
  /** 0: no open finding at or above the threshold; 1: some; 2: input error. */
  readonly exitCode: 0 | 1 | 2;
  /** Fatal input errors (`file:line:col: reason`); non-empty exactly when exitCode is 2. */
  readonly errors: readonly string[];
  /** Non-fatal problems (e.g. an invalid Namespace label, a bad exception entry), deduplicated. */
  readonly warnings: readonly string[];
  /** The one policy pass over the input objects (same indexes as {@link results}); absent on an input error. */
  readonly policy?: PolicyResult;
}

/** Whether a finding fails the check at threshold `failOn`. */
export function fails(finding: CheckFinding, failOn: FailOn): boolean {
  return finding.severity === 'error' || failOn === 'warning';
}

/** `Kind namespace/name` (`Kind name` for a cluster-scoped object). */
export function objectLabel(r: ObjectResult): string {
  const name = r.name ?? '<unnamed>';
  return `${r.kind} ${r.namespace === null ? name : `${r.namespace}/${name}`}`;
}
