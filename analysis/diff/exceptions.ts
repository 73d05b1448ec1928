/**
 * Exception items: the entries of each object's `cdk8s-hardened.io/exceptions` annotation (which
 * synth writes for every `PolicyException` that covered a finding) added (opens: a rule stops
 * applying there), removed (tightens), or kept with another reason (neutral); an expiry moved
 * later or dropped (opens: a renewal), moved earlier (tightens); on the new side, an exception that
 * has expired (opens: it still exempts at admission) or expires within 30 days (neutral, so the
 * renewal is planned). Entries are keyed by rule id and path.
 */
import { exceptionExpiry, EXCEPTIONS_ANNOTATION, parseExceptionsAnnotation, todayUtc, type RuleException } from '../../policy';
import type { KubeObject } from '../../policy/kube-object';
import { compareStrings } from '../report/read';
import { DEFAULT_NAMESPACE, extractWorkloads, flattenObjects } from '../report/workloads';
import { WORKLOAD_KINDS, workloadIdentity, type WorkloadIdentity } from './identity';
import type { DiffItem } from './model';

interface Entry {
  readonly namespace?: string;
  readonly subject: string;
  readonly exception: RuleException;
}

const ruleOf = (e: RuleException): string => (e.path === undefined ? e.id : `${e.id} at ${e.path}`);

function entries(objects: readonly KubeObject[], identity: WorkloadIdentity): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const o of flattenObjects(objects)) {
    const value = o.metadata?.annotations?.[EXCEPTIONS_ANNOTATION];
    if (value === undefined) continue;
    const ns = o.metadata?.namespace;
    const subject = `${ns !== undefined ? `${ns}/` : ''}${o.kind}/${o.metadata?.name ?? ''}`;
    for (const exception of parseExceptionsAnnotation(value).exceptions) {
      const key = WORKLOAD_KINDS.has(o.kind) ? identity({ kind: o.kind, namespace: ns ?? DEFAULT_NAMESPACE, name: o.metadata?.name ?? '' }) : subject;
      out.set(`${key}\u0000${ruleOf(exception)}`, { ...(ns !== undefined ? { namespace: ns } : {}), subject, exception });
    }
  }
  return out;
}

/** The exception items between two sets of objects; `today` (`YYYY-MM-DD`, default today in UTC) judges expiry. */
export function diffExceptions(before: readonly KubeObject[], after: readonly KubeObject[], identity?: WorkloadIdentity, today: string = todayUtc()): DiffItem[] {
  const id = identity ?? workloadIdentity(extractWorkloads(before), extractWorkloads(after));
  const a = entries(before, id);
  const b = entries(after, id);
  const items: DiffItem[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
    const o = a.get(key);
    const n = b.get(key);
    const e = (n ?? o)!;
    const base = { category: 'exceptions' as const, ...(e.namespace !== undefined ? { namespace: e.namespace } : {}), subject: e.subject };
    if (!o) items.push({ ...base, effect: 'opens', change: 'exception-added', message: `exception to ${ruleOf(n!.exception)} added: ${n!.exception.reason}` });
    else if (!n) items.push({ ...base, effect: 'tightens', change: 'exception-removed', message: `exception to ${ruleOf(o.exception)} removed (was: ${o.exception.reason})` });
    else if (o.exception.reason !== n.exception.reason) {
      items.push({ ...base, effect: 'neutral', change: 'exception-reason', message: `exception to ${ruleOf(n.exception)}: reason changed to: ${n.exception.reason}` });
    }
    if (o && n && o.exception.expires !== n.exception.expires) {
      const later = n.exception.expires === undefined || (o.exception.expires !== undefined && n.exception.expires > o.exception.expires);
      items.push({
        ...base, effect: later ? 'opens' : 'tightens', change: later ? 'exception-extended' : 'exception-shortened',
        message: `exception to ${ruleOf(n.exception)}: expiry ${o.exception.expires ?? 'none'} → ${n.exception.expires ?? 'none'}${later ? ` (renewed: ${n.exception.reason})` : ''}`,
      });
    }
    if (n) {
      const state = exceptionExpiry(n.exception, today);
      if (state === 'expired') items.push({ ...base, effect: 'opens', change: 'exception-expired', message: `exception to ${ruleOf(n.exception)} expired on ${n.exception.expires} and still exempts these objects` });
      if (state === 'expiring') items.push({ ...base, effect: 'neutral', change: 'exception-expiring', message: `exception to ${ruleOf(n.exception)} expires on ${n.exception.expires}` });
    }
  }
  return items;
}
