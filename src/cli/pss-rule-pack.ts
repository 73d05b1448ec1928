/**
 * The Pod Security Standards rule pack: runs {@link checkPodSecurity} with the level and version
 * given on the command line, or else those of the object's Namespace labels, or else restricted:latest.
 */
import type { KubeObject } from '../../policy/kube-object';
import { checkPodSecurity, isPssLevel, parsePssVersion, podTemplateOf, type PssLevel } from '../../policy/pss';
import type { RuleContext, RuleFinding, RulePack } from './rule-pack';

/** The Namespace label naming the enforced PSS level. */
export const ENFORCE_LEVEL_LABEL = 'pod-security.kubernetes.io/enforce';
/** The Namespace label naming the enforced PSS version. */
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

/** The level used when neither the command line nor a Namespace label gives one. */
export const DEFAULT_PSS_LEVEL: PssLevel = 'restricted';
/** The version used when neither the command line nor a Namespace label gives one. */
export const DEFAULT_PSS_VERSION = 'latest';

/** Options of {@link createPssRulePack}; each one given overrides the Namespace labels. */
export interface PssRulePackOptions {
  readonly level?: PssLevel;
  readonly version?: string;
}

/** The PSS level and version that apply to one object, and where they came from. */
export interface PssPolicy {
  readonly level: PssLevel;
  readonly version: string;
}

function validVersion(v: string): boolean {
  try {
    parsePssVersion(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves the PSS policy for an object: command-line overrides first, then the
 * `pod-security.kubernetes.io/enforce[-version]` labels of its Namespace when that Namespace is in
 * the input, then restricted:latest. Invalid labels make the whole namespace policy restricted:latest,
 * as upstream admission does, with a warning.
 */
export function resolvePssPolicy(obj: KubeObject, context: RuleContext, options: PssRulePackOptions): PssPolicy {
  let level: PssLevel = DEFAULT_PSS_LEVEL;
  let version = DEFAULT_PSS_VERSION;
  const nsName = obj.metadata?.namespace;
  if ((options.level === undefined || options.version === undefined) && typeof nsName === 'string' && nsName !== '') {
    const labels = context.namespace(nsName)?.metadata?.labels;
    if (labels !== undefined && labels !== null && typeof labels === 'object') {
      const rawLevel: unknown = labels[ENFORCE_LEVEL_LABEL];
      const rawVersion: unknown = labels[ENFORCE_VERSION_LABEL];
      const levelOk = rawLevel === undefined || isPssLevel(rawLevel);
      const versionOk = rawVersion === undefined || (typeof rawVersion === 'string' && validVersion(rawVersion));
      if (levelOk && versionOk) {
        level = (rawLevel as PssLevel | undefined) ?? DEFAULT_PSS_LEVEL;
        version = (rawVersion as string | undefined) ?? DEFAULT_PSS_VERSION;
      } else {
        context.warn(
          `Namespace ${nsName}: invalid ${levelOk ? ENFORCE_VERSION_LABEL : ENFORCE_LEVEL_LABEL} label ` +
            `${JSON.stringify(levelOk ? rawVersion : rawLevel)}; using ${DEFAULT_PSS_LEVEL}:${DEFAULT_PSS_VERSION}`,
        );
      }
    }
  }
  return { level: options.level ?? level, version: options.version ?? version };
}

/**
 * Creates the PSS rule pack. Findings use the PSS check id as `rule` and the check's level as `level`.
 *
 * @param options level and version overrides (validated by the caller)
 */
export function createPssRulePack(options: PssRulePackOptions = {}): RulePack {
  return {
    name: 'pss',
    check(item, context): readonly RuleFinding[] {
      if (podTemplateOf(item.object) === undefined) {
        return [];
      }
      const policy = resolvePssPolicy(item.object, context, options);
      return checkPodSecurity(item.object, policy.level, policy.version).map((f) => ({
        rule: f.check,
        level: f.level,
        message: f.message,
        path: f.path,
        fix: f.fix,
      }));
    },
  };
}
