/**
 * The policy pass over manifests read back from YAML, for `check`, `report` and the validation
 * plugin: {@link evaluatePolicy} once over every object, with the exceptions of each object's
 * `cdk8s-hardened.io/exceptions` annotation (the annotation synth writes for every exception
 * that covered a finding). Nothing here judges an object: the engine does, once.
 */
import {
  evaluatePolicy, EXCEPTIONS_ANNOTATION, parseExceptionsAnnotation,
  type KubeObject, type PolicyResult, type PssTarget, type RuleException, type RulePack,
} from '../../policy';

/** Options of {@link evaluateManifests}. */
export interface ManifestPolicyOptions {
  /** The rule packs to run after Pod Security (`[]`: Pod Security only). */
  readonly packs: readonly RulePack[];
  /**
   * Judge every pod-bearing object at this level and/or version instead of its namespace's labels.
   * @default - each namespace's labels
   */
  readonly podSecurityOverride?: Partial<PssTarget>;
}

/** Something wrong with one object's exceptions annotation. */
export type AnnotationNote =
  /** An entry that was dropped (malformed, unknown id, poor reason); `problem` names the entry. */
  | { readonly objectIndex: number; readonly kind: 'malformed'; readonly problem: string }
  /** A valid entry naming a rule of the packs that ran, which covered no finding on its object. */
  | { readonly objectIndex: number; readonly kind: 'unused'; readonly exception: RuleException };

/** The outcome of {@link evaluateManifests}. */
export interface ManifestPolicy {
  /** The engine's result, same indexes as the input. */
  readonly result: PolicyResult;
  /** The valid entries of each object's annotation, by object index, in annotation order. */
  readonly exceptions: readonly (readonly RuleException[])[];
  /**
   * By object, then malformed entries before unused ones. Entries naming a Pod Security check are
   * never `unused`: they except warn/audit findings, which another level or an override may not
   * produce; entries naming a rule of a pack that did not run are not judged either.
   */
  readonly notes: readonly AnnotationNote[];
}

/**
 * Evaluates `objects` once (see the module comment).
 *
 * @param objects the objects, in input order
 * @param options the packs and the Pod Security override
 */
export function evaluateManifests(objects: readonly KubeObject[], options: ManifestPolicyOptions): ManifestPolicy {
  const notes: AnnotationNote[] = [];
  const exceptions = objects.map((object, objectIndex) => {
    const parsed = parseExceptionsAnnotation(object.metadata?.annotations?.[EXCEPTIONS_ANNOTATION]);
    for (const problem of parsed.problems) notes.push({ objectIndex, kind: 'malformed', problem });
    return parsed.exceptions;
  });
  const result = evaluatePolicy(objects, {
    packs: options.packs,
    exceptionsOf: i => exceptions[i],
    ...(options.podSecurityOverride !== undefined ? { podSecurityOverride: options.podSecurityOverride } : {}),
  });
  const ruleIds = new Set(options.packs.flatMap(p => p.rules.map(r => r.id)));
  exceptions.forEach((list, objectIndex) => {
    for (const exception of list) {
      if (ruleIds.has(exception.id) && !result.usedExceptions.has(exception)) notes.push({ objectIndex, kind: 'unused', exception });
    }
  });
  // by object; within one object, malformed entries (pushed first) stay before unused ones
  notes.sort((a, b) => a.objectIndex - b.objectIndex);
  return { result, exceptions, notes };
}
