/**
 * The one policy pass: Pod Security (at each namespace's enforce, warn and audit levels), the rule
 * packs and the exceptions, evaluated once over a set of final objects into one result. Synth,
 * the security report and `cdk8s-hardened check` all read this result; none of them re-runs a
 * check. Pure: plain objects in, findings out.
 */
import type { KubeObject } from './kube-object';
import { checkPodSecurity, effectivePssVersion, podTemplateOf } from './pss';
import { namespacePodSecurity, type NamespacePodSecurity, type PssMode, type PssTarget } from './pss/namespace-policy';
import { createRuleContext } from './rules/context';
import { exceptionExpiry, exceptionMatches, todayUtc, type RuleException } from './rules/exceptions';
import { HARDENED_PACK } from './rules/hardened-pack';
import { runRulePacks } from './rules/run';
import type { RulePack, Severity } from './rules/types';

/** Where a finding comes from. */
export enum FindingSource {
  /** A Pod Security Standards check at the level the namespace enforces: the API server rejects the pod. */
  POD_SECURITY_ENFORCE = 'pod-security-enforce',
  /** A Pod Security Standards check at the namespace's warn or audit level only. */
  POD_SECURITY_WARN = 'pod-security-warn',
  /** A rule of a rule pack (e.g. HARDENED-3). */
  RULE = 'rule',
}

/** One finding on one object, with the exceptions that cover it. */
export interface PolicyFinding<E extends RuleException = RuleException> {
  /** Index of the object in the input. */
  readonly objectIndex: number;
  /** The rule id (`HARDENED-3`) or Pod Security check id (`runAsNonRoot`). */
  readonly rule: string;
  readonly source: FindingSource;
  /** `error` for rule errors and enforced Pod Security checks; `warning` otherwise. */
  readonly severity: Severity;
  /** What was found, with specifics. */
  readonly message: string;
  /** Path of the offending field, e.g. `spec.template.spec.containers[0].image` (`""` when a rule crashed). */
  readonly path: string;
  /** Why it matters. */
  readonly explanation: string;
  /** What to change. */
  readonly fix: string;
  /** For Pod Security findings: the level and version judged, and the namespace modes at that level. */
  readonly podSecurity?: PssTarget & { readonly modes: readonly PssMode[] };
  /** The exceptions that cover the finding; empty when it is open. Enforced Pod Security findings are never excepted. */
  readonly exceptedBy: readonly E[];
}

/** Options of {@link evaluatePolicy}. */
export interface EvaluatePolicyOptions<E extends RuleException = RuleException> {
  /**
   * The rule packs to run after Pod Security.
   * @default [HARDENED_PACK]
   */
  readonly packs?: readonly RulePack[];
  /**
   * The exceptions that may cover findings on the object at `objectIndex`.
   * @default - no exceptions
   */
  readonly exceptionsOf?: (objectIndex: number) => readonly E[];
  /**
   * Judge every pod-bearing object at this level instead of its namespace's labels (warn/audit
   * levels are then not evaluated).
   * @default - each namespace's labels
   */
  readonly podSecurityOverride?: Partial<PssTarget>;
  /**
   * The Kubernetes minor number of the API server the objects are for (e.g. 36): Pod Security
   * labels of `latest`, or of a version newer than the server, are judged at `v1.<minor>`, as
   * the server's Pod Security Admission does.
   * @default - the newest version the checks know (PSS_LATEST_VERSION)
   */
  readonly kubernetesMinor?: number;
  /**
   * The day (`YYYY-MM-DD`) exceptions are judged on: an exception whose `expires` is before it
   * covers nothing.
   * @default - today (UTC)
   */
  readonly today?: string;
}

/** The outcome of {@link evaluatePolicy}. */
export interface PolicyResult<E extends RuleException = RuleException> {
  /** Every finding, by object (input order), then Pod Security (enforce, warn/audit), then rule order. */
  readonly findings: readonly PolicyFinding<E>[];
  /** The exceptions that covered at least one finding. */
  readonly usedExceptions: ReadonlySet<E>;
  /** The exceptions offered that had expired (they covered nothing), in order of discovery. */
  readonly expiredExceptions: readonly E[];
  /** What each namespace applies, by name, for the namespaces of the pod-bearing objects and every Namespace object of the input. */
  readonly namespaces: ReadonlyMap<string, NamespacePodSecurity>;
  /** Non-fatal problems with the input (invalid Pod Security labels), in order of discovery. */
  readonly problems: readonly string[];
}

/** True when a finding is an error no exception covers: it fails synth and `check`. */
export function isOpenError(f: PolicyFinding<RuleException>): boolean {
  return f.severity === 'error' && f.exceptedBy.length === 0;
}

/** Evaluates every object once: see the module comment. Deterministic. */
export function evaluatePolicy<E extends RuleException = RuleException>(objects: readonly KubeObject[], options: EvaluatePolicyOptions<E> = {}): PolicyResult<E> {
  const context = createRuleContext(objects);
  const exceptionsOf = options.exceptionsOf ?? (() => []);
  const namespaces = new Map<string, NamespacePodSecurity>();
  const problems: string[] = [];
  const namespaceOf = (name: string): NamespacePodSecurity => {
    let ns = namespaces.get(name);
    if (!ns) {
      const object = context.objectsOf('Namespace', '').find(o => o.apiVersion === 'v1' && o.metadata?.name === name);
      ns = namespacePodSecurity(name, object);
      problems.push(...ns.problems);
      namespaces.set(name, ns);
    }
    return ns;
  };
  for (const o of context.objectsOf('Namespace', '')) {
    if (o.apiVersion === 'v1' && typeof o.metadata?.name === 'string') namespaceOf(o.metadata.name);
  }

  const rulesByObject = new Map<number, PolicyFinding<E>[]>();
  for (const f of runRulePacks(objects, { packs: options.packs ?? [HARDENED_PACK], context })) {
    const list = rulesByObject.get(f.objectIndex) ?? [];
    rulesByObject.set(f.objectIndex, list);
    list.push({ ...f, source: FindingSource.RULE, exceptedBy: [] });
  }

  const used = new Set<E>();
  const expired = new Set<E>();
  const today = options.today ?? todayUtc();
  const findings: PolicyFinding<E>[] = [];
  objects.forEach((object, objectIndex) => {
    const own = [...podSecurityFindings<E>(object, objectIndex, namespaceOf, options.podSecurityOverride, options.kubernetesMinor), ...(rulesByObject.get(objectIndex) ?? [])];
    const exceptions = exceptionsOf(objectIndex).filter(e => {
      if (exceptionExpiry(e, today) !== 'expired') return true;
      expired.add(e);
      return false;
    });
    if (own.length === 0) return;
    for (const f of own) {
      const covering = f.source === FindingSource.POD_SECURITY_ENFORCE ? [] : exceptions.filter(e => exceptionMatches(e, f));
      for (const e of covering) used.add(e);
      findings.push(covering.length > 0 ? { ...f, exceptedBy: covering } : f);
    }
  });
  return { findings, usedExceptions: used, expiredExceptions: [...expired], namespaces, problems };
}

function podSecurityFindings<E extends RuleException>(
  object: KubeObject, objectIndex: number, namespaceOf: (name: string) => NamespacePodSecurity, override: Partial<PssTarget> | undefined,
  serverMinor: number | undefined,
): PolicyFinding<E>[] {
  if (podTemplateOf(object) === undefined) return [];
  const nsName = object.metadata?.namespace;
  const ns = typeof nsName === 'string' && nsName !== '' ? namespaceOf(nsName) : undefined;
  const judged = (t: PssTarget): PssTarget => (serverMinor === undefined ? t : { level: t.level, version: effectivePssVersion(t.version, serverMinor) });
  const enforce = judged({
    level: override?.level ?? ns?.enforce.level ?? 'restricted',
    version: override?.version ?? ns?.enforce.version ?? 'latest',
  });
  const out: PolicyFinding<E>[] = [];
  const seen = new Set<string>();
  const add = (target: PssTarget, modes: readonly PssMode[], source: FindingSource) => {
    for (const f of checkPodSecurity(object, target.level, target.version)) {
      const key = `${f.check}\0${f.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        objectIndex, rule: f.check, source, severity: source === FindingSource.POD_SECURITY_ENFORCE ? 'error' : 'warning',
        message: f.message, path: f.path, fix: f.fix,
        explanation: `Pod Security Standards ${target.level} ${target.version} forbids it (check "${f.check}").`,
        podSecurity: { ...target, modes }, exceptedBy: [],
      });
    }
  };
  add(enforce, ['enforce'], FindingSource.POD_SECURITY_ENFORCE);
  if (override !== undefined || ns === undefined) return out;
  // warn and audit, where they differ from enforce: one evaluation per distinct level and version
  const byTarget = new Map<string, { target: PssTarget; modes: PssMode[] }>();
  for (const mode of ['warn', 'audit'] as const) {
    const t = ns[mode] && judged(ns[mode]!);
    if (!t || (t.level === enforce.level && t.version === enforce.version)) continue;
    const key = `${t.level} ${t.version}`;
    const entry = byTarget.get(key) ?? { target: t, modes: [] };
    byTarget.set(key, entry);
    entry.modes.push(mode);
  }
  for (const { target, modes } of byTarget.values()) add(target, modes, FindingSource.POD_SECURITY_WARN);
  return out;
}
