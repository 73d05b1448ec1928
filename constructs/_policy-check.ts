/**
 * The app-level policy pass that `HardenedApp` runs once over the final objects: the rule packs,
 * the `warn`/`audit` Pod Security levels of each namespace, and the exceptions. Private module.
 */
import { IConstruct } from 'constructs';
import { KubeObject } from '../policy/kube-object';
import { checkPodSecurity, isPssLevel, parsePssVersion, podTemplateOf } from '../policy/pss';
import { createRuleContext, EXCEPTIONS_ANNOTATION, formatExceptionsAnnotation, runRulePacks, type RuleException } from '../policy/rules';
import { PolicyException } from './policy-exception';

/** One synthesized object and the path of the `ApiObject` that rendered it. */
export interface PolicyCheckInput {
  readonly object: KubeObject;
  readonly constructPath: string;
}

/** The outcome of {@link checkPolicy}. */
export interface PolicyCheckResult {
  /** `[construct path] RULE: message (path). Why: ... Fix: ...`; synth fails when there are any. */
  readonly errors: readonly string[];
  /** Pod Security `warn`/`audit` findings no exception covers (also printed with console.warn). */
  readonly warnings: readonly string[];
  /** Indexes (into the input) of the objects that gained the exceptions annotation, ascending. */
  readonly annotated: readonly number[];
}

const PSS_LABEL = 'pod-security.kubernetes.io/';

interface Finding {
  readonly objectIndex: number;
  readonly rule: string;
  readonly path: string;
  readonly text: string;
  readonly severity: 'error' | 'warning';
}

function findConstruct(root: IConstruct, path: string): IConstruct | undefined {
  let current: IConstruct | undefined = root;
  if (path === '') return root;
  for (const id of path.split('/')) {
    current = current?.node.tryFindChild(id);
    if (!current) return undefined;
  }
  return current;
}

/** `Deployment data/postgres`, `Namespace data`. */
function describe(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  const name = object.metadata?.name ?? '<unnamed>';
  return `${object.kind} ${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${name}`;
}

function isVersion(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    parsePssVersion(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `warn` and `audit` Pod Security levels of the object's namespace, where they differ from
 * the `enforce` level (which the placement proof already holds every workload to).
 */
function podSecurityWarnings(objects: readonly PolicyCheckInput[], namespaces: ReadonlyMap<string, KubeObject>): Finding[] {
  const out: Finding[] = [];
  objects.forEach(({ object }, objectIndex) => {
    const nsName = object.metadata?.namespace;
    if (typeof nsName !== 'string' || podTemplateOf(object) === undefined) return;
    const labels = namespaces.get(nsName)?.metadata?.labels;
    if (!labels) return;
    const enforce = `${labels[`${PSS_LABEL}enforce`]} ${labels[`${PSS_LABEL}enforce-version`] ?? 'latest'}`;
    const modes = new Map<string, string[]>();
    for (const mode of ['warn', 'audit']) {
      const level = labels[`${PSS_LABEL}${mode}`];
      const version = labels[`${PSS_LABEL}${mode}-version`] ?? 'latest';
      if (!isPssLevel(level) || !isVersion(version) || `${level} ${version}` === enforce) continue;
      const key = `${level} ${version}`;
      modes.set(key, [...(modes.get(key) ?? []), mode]);
    }
    for (const [key, modeList] of modes) {
      const [level, version] = key.split(' ');
      for (const f of checkPodSecurity(object, level as 'restricted', version)) {
        out.push({
          objectIndex, rule: f.check, path: f.path, severity: 'warning',
          text: `${f.check}: ${describe(object)}: ${f.message} (${f.path}): Pod Security Standards ${level} ${version} is the ${modeList.join(' and ')} level of namespace "${nsName}", so the API server will ${modeList.includes('warn') ? 'warn on' : 'audit'} this pod. Fix: ${f.fix}`,
        });
      }
    }
  });
  return out;
}

/**
 * Runs the rule packs over every object once, adds the Pod Security `warn`/`audit` findings,
 * and applies the exceptions of the app: covered findings are annotated on their object
 * ({@link EXCEPTIONS_ANNOTATION}, which this function writes into `objects` in place),
 * uncovered rule findings and unused exceptions become errors, uncovered Pod Security findings
 * become warnings (printed with console.warn).
 */
export function checkPolicy(root: IConstruct, objects: readonly PolicyCheckInput[]): PolicyCheckResult {
  const kubeObjects = objects.map(o => o.object);
  const context = createRuleContext(kubeObjects);
  const namespaces = new Map<string, KubeObject>();
  for (const ns of context.objectsOf('Namespace', '')) {
    if (typeof ns.metadata?.name === 'string' && !namespaces.has(ns.metadata.name)) namespaces.set(ns.metadata.name, ns);
  }
  const findings: Finding[] = runRulePacks(kubeObjects, { context }).map(f => ({
    objectIndex: f.objectIndex, rule: f.rule, path: f.path, severity: 'error' as const,
    text: `${f.rule}: ${describe(kubeObjects[f.objectIndex])} ${f.message}${f.path ? ` (${f.path})` : ''}. Why: ${f.explanation} Fix: ${f.fix}, or, if it is intended, PolicyException.add(<this construct or an ancestor>, { id: '${f.rule}', reason: '<why>' }).`,
  }));
  findings.push(...podSecurityWarnings(objects, namespaces));

  const exceptions = PolicyException.allOf(root);
  const used = new Set<PolicyException>();
  const covering = new Map<number, RuleException[]>();
  const ancestorsCache = new Map<number, PolicyException[]>();
  const exceptionsFor = (objectIndex: number): PolicyException[] => {
    let list = ancestorsCache.get(objectIndex);
    if (!list) {
      const construct = exceptions.length > 0 ? findConstruct(root, objects[objectIndex].constructPath) : undefined;
      const scopes = new Set<IConstruct>(construct ? construct.node.scopes : []);
      list = exceptions.filter(e => scopes.has(e.scope));
      ancestorsCache.set(objectIndex, list);
    }
    return list;
  };

  const errors: string[] = [];
  const warnings: string[] = [];
  for (const f of findings) {
    const matching = exceptionsFor(f.objectIndex).filter(e => e.covers(f));
    if (matching.length > 0) {
      for (const e of matching) used.add(e);
      covering.set(f.objectIndex, [...(covering.get(f.objectIndex) ?? []), ...matching]);
      continue;
    }
    const line = `[${objects[f.objectIndex].constructPath}] ${f.text}`;
    (f.severity === 'error' ? errors : warnings).push(line);
  }
  for (const e of exceptions) {
    if (used.has(e)) continue;
    errors.push(`[${e.scope.node.path}] PolicyException ${e.id}${e.path !== undefined ? ` at ${e.path}` : ''} ("${e.reason}") covers no finding on the objects of this construct and its descendants. Fix: remove the exception (the finding it was for is gone), or correct its id, path or construct.`);
  }
  const annotated = [...covering.keys()].sort((a, b) => a - b);
  for (const [objectIndex, list] of covering) {
    const object = objects[objectIndex].object as { metadata?: { annotations?: Record<string, string> } };
    object.metadata ??= {};
    object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [EXCEPTIONS_ANNOTATION]: formatExceptionsAnnotation(list) };
  }
  for (const w of warnings) console.warn(`warning: ${w}`);
  return { errors, warnings, annotated };
}
