/**
 * Justified exceptions to rule findings: validation of ids and reasons, matching against
 * findings, and the `cdk8s-hardened.io/exceptions` annotation that carries them in the output.
 * Shared by the construct API (`PolicyException`) and by `cdk8s-hardened check`.
 */
import { PSS_CHECKS } from '../pss';
import type { RulePack } from './types';
import { HARDENED_PACK } from './hardened-pack';

/** The annotation that lists, on each object, the exceptions that covered a finding on it (a JSON array). */
export const EXCEPTIONS_ANNOTATION = 'cdk8s-hardened.io/exceptions';

/** Minimum length of a reason, in characters (after trimming). */
export const MIN_REASON_LENGTH = 10;

/** One exception: which rule, why, and optionally which field. */
export interface RuleException {
  /** A rule id (`HARDENED-10`) or a Pod Security Standards check id (`runAsNonRoot`). */
  readonly id: string;
  /** Why the finding is acceptable here, for a reviewer. */
  readonly reason: string;
  /**
   * Only findings at this field path or below it (`spec.template.spec.containers[1]` covers
   * `spec.template.spec.containers[1].image`).
   * @default - every finding of the rule
   */
  readonly path?: string;
  /**
   * The last day the exception applies (`YYYY-MM-DD`, UTC); from the day after, it covers
   * nothing and synth fails until it is renewed or the finding is fixed.
   * @default - no expiry
   */
  readonly expires?: string;
}

/** An exception within this many days of its expiry is reported as expiring. */
export const EXPIRING_WITHIN_DAYS = 30;

/** Whether `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Where an exception stands on `today` (`YYYY-MM-DD`): no expiry, valid, expiring within {@link EXPIRING_WITHIN_DAYS}, or expired. */
export function exceptionExpiry(exception: RuleException, today: string): 'none' | 'valid' | 'expiring' | 'expired' {
  if (exception.expires === undefined) return 'none';
  if (exception.expires < today) return 'expired';
  const days = (Date.parse(`${exception.expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  return days <= EXPIRING_WITHIN_DAYS ? 'expiring' : 'valid';
}

const BOILERPLATE = new Set([
  'n a', 'na', 'none', 'nothing', 'null', 'undefined', 'todo', 'to do', 'tbd', 'fixme', 'wip', 'temp', 'temporary', 'test', 'testing',
  'ignore', 'ignored', 'skip', 'skipped', 'suppress', 'suppressed', 'exception', 'excepted', 'exempt', 'exemption', 'no reason',
  'not applicable', 'not needed', 'needed', 'required', 'necessary', 'because', 'legacy', 'ok', 'okay', 'fine', 'known issue',
  'false positive', 'will fix later', 'fix later', 'see above', 'see ticket', 'accepted', 'accepted risk', 'risk accepted',
  'by design', 'as designed', 'intentional', 'intended', 'works as intended', 'not relevant', 'irrelevant', 'reason',
  'justification', 'lorem ipsum', 'xxx', 'whatever', 'dont care', 'do not care', 'no', 'yes',
]);

/** Words that say nothing on their own: a reason made only of them is boilerplate ("TODO: FIXME", "it is not needed"). */
const FILLER_WORDS = new Set([...[...BOILERPLATE].flatMap(p => p.split(' ')), 'a', 'an', 'the', 'is', 'it', 'its', 'this', 'that', 'for', 'now', 'here', 'just', 'not', 'we']);

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * What is wrong with `reason` as the justification of an exception, or `undefined` when it is
 * acceptable: at least {@link MIN_REASON_LENGTH} characters and three words, and not boilerplate
 * such as "n/a", "TODO" or "false positive".
 */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim() === '') return 'is missing';
  const trimmed = reason.trim();
  if (trimmed.length < MIN_REASON_LENGTH) return `is shorter than ${MIN_REASON_LENGTH} characters`;
  const normalized = normalize(trimmed);
  if (BOILERPLATE.has(normalized) || normalized.split(' ').every(w => FILLER_WORDS.has(w))) return 'is boilerplate, not a reason';
  if (/^(todo|fixme|tbd|xxx|wip|hack)\b/i.test(trimmed)) return 'is a placeholder (it starts with a to-do marker), not a reason';
  const words = trimmed.split(/\s+/).filter(w => /[A-Za-z]{2,}/.test(w));
  if (words.length < 3) return 'has fewer than three words';
  return undefined;
}

/** The ids an exception may name: every rule of `packs` (the `hardened` pack unless told), then every Pod Security Standards check. */
export function knownExceptionIds(packs: readonly RulePack[] = [HARDENED_PACK]): readonly string[] {
  return [...packs.flatMap(p => p.rules.map(r => r.id)), ...PSS_CHECKS.map(c => c.id)];
}

/** Whether `id` names a rule of `packs` (the `hardened` pack unless told) or a Pod Security Standards check. */
export function isKnownExceptionId(id: unknown, packs: readonly RulePack[] = [HARDENED_PACK]): boolean {
  return typeof id === 'string' && knownExceptionIds(packs).includes(id);
}

/**
 * What is wrong with a set of rule packs, one line each: a pack without a name or rules, a rule
 * without an id, and a rule id two rules share (within a pack or across packs, or with a Pod
 * Security Standards check), which would make findings and exceptions ambiguous.
 */
export function rulePackProblems(packs: readonly RulePack[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>(PSS_CHECKS.map(c => [c.id, 'Pod Security Standards']));
  for (const pack of packs) {
    if (typeof pack?.name !== 'string' || pack.name === '') problems.push(`a rule pack has no name`);
    if (!Array.isArray(pack?.rules) || pack.rules.length === 0) {
      problems.push(`rule pack ${JSON.stringify(pack?.name)} has no rules`);
      continue;
    }
    for (const rule of pack.rules) {
      if (typeof rule?.id !== 'string' || rule.id === '') {
        problems.push(`rule pack ${JSON.stringify(pack.name)} has a rule without an id`);
        continue;
      }
      const other = seen.get(rule.id);
      if (other !== undefined) problems.push(`rule id ${JSON.stringify(rule.id)} of pack ${JSON.stringify(pack.name)} is already used by ${other}`);
      seen.set(rule.id, `pack ${JSON.stringify(pack.name)}`);
    }
  }
  return problems;
}

/** Whether `exception` covers a finding of `rule` at `path`. */
export function exceptionMatches(exception: RuleException, finding: { readonly rule: string; readonly path: string }): boolean {
  if (exception.id !== finding.rule) return false;
  const p = exception.path;
  return p === undefined || finding.path === p || finding.path.startsWith(`${p}.`) || finding.path.startsWith(`${p}[`);
}

function idOrder(id: string): [number, string] {
  const m = /^HARDENED-(\d+)$/.exec(id);
  return m ? [Number(m[1]), ''] : [Number.MAX_SAFE_INTEGER, id];
}

/** Orders exceptions by id (HARDENED-n numerically, then PSS check ids), then path, then reason. */
export function compareExceptions(a: RuleException, b: RuleException): number {
  const [an, as] = idOrder(a.id);
  const [bn, bs] = idOrder(b.id);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return an - bn || cmp(as, bs) || cmp(a.path ?? '', b.path ?? '') || cmp(a.reason, b.reason);
}

/** The annotation value for `exceptions`: a JSON array of `{ id, reason[, path][, expires] }`, sorted, duplicates removed. */
export function formatExceptionsAnnotation(exceptions: readonly RuleException[]): string {
  const seen = new Set<string>();
  const out: RuleException[] = [];
  for (const e of [...exceptions].sort(compareExceptions)) {
    const item: RuleException = { id: e.id, reason: e.reason.trim(), ...(e.path !== undefined ? { path: e.path } : {}), ...(e.expires !== undefined ? { expires: e.expires } : {}) };
    const key = JSON.stringify(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return JSON.stringify(out);
}

/** The exceptions of an annotation value, and what is wrong with entries that were dropped. */
export interface ParsedExceptions {
  readonly exceptions: readonly RuleException[];
  readonly problems: readonly string[];
}

/** Reads a {@link EXCEPTIONS_ANNOTATION} value. Entries with an unknown id or a poor reason are dropped with a problem. */
export function parseExceptionsAnnotation(value: unknown): ParsedExceptions {
  if (value === undefined) return { exceptions: [], problems: [] };
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    return { exceptions: [], problems: [`annotation ${EXCEPTIONS_ANNOTATION} is not a JSON array of {"id", "reason"[, "path"]}`] };
  }
  const exceptions: RuleException[] = [];
  const problems: string[] = [];
  parsed.forEach((raw, i) => {
    const entry = raw as Record<string, unknown> | null;
    const where = `annotation ${EXCEPTIONS_ANNOTATION}[${i}]`;
    if (entry === null || typeof entry !== 'object') {
      problems.push(`${where} is not an object`);
      return;
    }
    if (!isKnownExceptionId(entry.id)) {
      problems.push(`${where}: id ${JSON.stringify(entry.id)} is not a rule id or a Pod Security Standards check id`);
      return;
    }
    const problem = reasonProblem(entry.reason);
    if (problem) {
      problems.push(`${where}: reason ${JSON.stringify(entry.reason)} ${problem}`);
      return;
    }
    if (entry.path !== undefined && (typeof entry.path !== 'string' || entry.path === '')) {
      problems.push(`${where}: path ${JSON.stringify(entry.path)} is not a field path`);
      return;
    }
    if (entry.expires !== undefined && !isIsoDate(entry.expires)) {
      problems.push(`${where}: expires ${JSON.stringify(entry.expires)} is not a date (YYYY-MM-DD)`);
      return;
    }
    exceptions.push({
      id: entry.id as string, reason: (entry.reason as string).trim(),
      ...(entry.path !== undefined ? { path: entry.path as string } : {}),
      ...(entry.expires !== undefined ? { expires: entry.expires as string } : {}),
    });
  });
  return { exceptions, problems };
}
