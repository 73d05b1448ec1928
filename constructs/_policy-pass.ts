import { IConstruct } from 'constructs';
import {
  evaluatePolicy, exceptionExpiry, EXCEPTIONS_ANNOTATION, FindingSource, formatExceptionsAnnotation, isOpenError, todayUtc,
  type KubeObject, type PolicyFinding, type PolicyResult, type RulePack,
} from '../policy';
import type { AppModel, IPolicyException } from './app-model';
import type { RenderedObject } from './_output-layout';

// Private module: the synth side of the one policy pass. The pure engine (policy/evaluate-policy)
// judges the final objects once; this module supplies the exceptions of the app model, turns the
// result into synth errors and warnings that name construct paths, and writes the exceptions
// annotation into the objects before they are serialized.

/** The outcome of {@link runPolicyPass}. */
export interface PolicyPass {
  /** The engine's result: the one that the report and the CLI also read. */
  readonly result: PolicyResult<IPolicyException>;
  /** `[construct path] ...` for every open error and every exception that covered nothing; synth fails when there are any. */
  readonly errors: readonly string[];
  /** `[construct path] ...` for every open warning (Pod Security warn/audit levels). */
  readonly warnings: readonly string[];
}

/**
 * Evaluates `objects` once with the app's exceptions (those on each object's construct and its
 * ancestors), and annotates each object that an exception covered, in place.
 */
export function runPolicyPass(model: AppModel, objects: readonly RenderedObject[], packs: readonly RulePack[]): PolicyPass {
  const exceptionsOf = objects.map(o => model.exceptionsCovering(o.apiObject));
  const today = todayUtc(); // one day for the whole pass: which exceptions expired, which expire soon
  const result = evaluatePolicy<IPolicyException>(objects.map(o => o.object), { packs, exceptionsOf: i => exceptionsOf[i], today, kubernetesMinor: model.kubernetesMinor });
  const workloadOf = new Map<IConstruct, IConstruct>(model.workloads.map(w => [w.podTemplateObject, w]));

  const errors: string[] = [];
  const warnings: string[] = [];
  const covering = new Map<number, IPolicyException[]>();
  for (const f of result.findings) {
    const { object, apiObject } = objects[f.objectIndex];
    if (f.exceptedBy.length > 0) {
      covering.set(f.objectIndex, [...(covering.get(f.objectIndex) ?? []), ...f.exceptedBy]);
      continue;
    }
    if (f.source === FindingSource.POD_SECURITY_ENFORCE) {
      errors.push(`[${(workloadOf.get(apiObject) ?? apiObject).node.path}] ${enforcedText(model, object, f)}`);
    } else if (isOpenError(f)) {
      errors.push(`[${apiObject.node.path}] ${ruleText(object, f)}`);
    } else {
      warnings.push(`[${apiObject.node.path}] ${f.source === FindingSource.POD_SECURITY_WARN ? warnText(object, f) : ruleText(object, f)}`);
    }
  }
  const expired = new Set(result.expiredExceptions);
  for (const e of model.exceptions) {
    const where = `PolicyException ${e.id}${e.path !== undefined ? ` at ${e.path}` : ''} ("${e.reason}")`;
    if (expired.has(e)) {
      errors.push(`[${e.scope.node.path}] PolicyException.expires: "${e.expires}" has passed: ${where} covers nothing since. Fix: fix the finding, or renew the exception with a new expires date (a reviewer sees the renewal).`);
      continue;
    }
    if (exceptionExpiry(e, today) === 'expiring') warnings.push(`[${e.scope.node.path}] ${where} expires on ${e.expires}: fix the finding or renew it before then.`);
    if (result.usedExceptions.has(e)) continue;
    errors.push(`[${e.scope.node.path}] PolicyException ${e.id}${e.path !== undefined ? ` at ${e.path}` : ''} ("${e.reason}") covers no finding on the objects of this construct and its descendants. Fix: remove the exception (the finding it was for is gone), or correct its id, path or construct.`);
  }
  for (const [objectIndex, list] of covering) {
    const object = objects[objectIndex].object as { metadata?: { annotations?: Record<string, string> } };
    object.metadata ??= {};
    object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [EXCEPTIONS_ANNOTATION]: formatExceptionsAnnotation(list) };
  }
  return { result, errors, warnings };
}

/** `Deployment data/postgres`, `Namespace data`. */
function describe(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${object.metadata?.name ?? '<unnamed>'}`;
}

function enforcedText(model: AppModel, object: KubeObject, f: PolicyFinding): string {
  const nsName = object.metadata?.namespace;
  const ns = typeof nsName === 'string' ? model.namespace(nsName) : undefined;
  const where = ns ? `namespace "${nsName}" (${ns.node.path})` : `namespace "${nsName}" (not in this app; cluster default)`;
  return `${f.path}: violates Pod Security Standards ${f.podSecurity!.level} ${f.podSecurity!.version} check "${f.rule}" enforced by ${where}: ${f.message}. Fix: ${f.fix}`;
}

function warnText(object: KubeObject, f: PolicyFinding): string {
  const { level, version, modes } = f.podSecurity!;
  return `${f.rule}: ${describe(object)}: ${f.message} (${f.path}): Pod Security Standards ${level} ${version} is the ${modes.join(' and ')} level of namespace "${object.metadata?.namespace}", so the API server will ${modes.includes('warn') ? 'warn on' : 'audit'} this pod. Fix: ${f.fix}`;
}

function ruleText(object: KubeObject, f: PolicyFinding): string {
  return `${f.rule}: ${describe(object)} ${f.message}${f.path ? ` (${f.path})` : ''}. Why: ${f.explanation} Fix: ${f.fix}, or, if it is intended, PolicyException.add(<this construct or an ancestor>, { id: '${f.rule}', reason: '<why>' }).`;
}
