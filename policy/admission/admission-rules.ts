/**
 * The admission forms of the rules, gathered from the rule files: each Pod Security check in
 * effect at a level and version (its versioned `cel`), and each `hardened` rule that declares an
 * `admission` form. The admission layer (`constructs/admission`) generates policies from these.
 */
import type { KubeObject } from '../kube-object';
import { checkPodSecurity } from '../pss/evaluate';
import { parsePssLevel } from '../pss/level';
import { activeChecks } from '../pss/registry';
import type { PssLevel } from '../pss/types';
import { formatPssVersion, parsePssVersion } from '../pss/version';
import { createRuleContext } from '../rules/context';
import { HARDENED_PACK } from '../rules/hardened-pack';
import type { RulePack } from '../rules/types';
import { guarded } from './exemptions';
import { AdmissionRuleSource, type AdmissionRule } from './types';

/**
 * The Pod Security checks in effect at `level` and `version`, one admission rule each, with the
 * CEL of the versioned behaviour in effect.
 * @throws Error when a check in effect has no admission form, or on a bad level or version
 */
export function podSecurityAdmissionRules(level: PssLevel, version: string): AdmissionRule[] {
  const minor = parsePssVersion(version).minor;
  const text = formatPssVersion(minor);
  return activeChecks(parsePssLevel(level), minor).map(({ check, minVersion }) => {
    const behaviour = check.versions.find(v => v.minVersion === minVersion);
    if (behaviour?.cel === undefined) throw new Error(`Pod Security check ${check.id} (${minVersion}) has no admission form (cel)`);
    return {
      id: check.id,
      source: AdmissionRuleSource.POD_SECURITY,
      description: `Pod Security Standards ${level} ${text}, check ${check.id}: ${check.description}`,
      validations: [{ expression: guarded(behaviour.cel), message: `${check.id}: ${check.reason} (Pod Security Standards ${level} ${text}: ${check.description})` }],
      parameters: {},
      admits: (object: KubeObject) => !checkPodSecurity(object, level, text).some(f => f.check === check.id),
    };
  });
}

/** The rules of `pack` that declare an admission form, one admission rule each. */
export function ruleAdmissionRules(pack: RulePack = HARDENED_PACK): AdmissionRule[] {
  return pack.rules.filter(r => r.admission !== undefined).map(rule => ({
    id: rule.id,
    source: AdmissionRuleSource.HARDENED,
    description: `${rule.id} (${rule.name}): ${rule.summary}`,
    validations: [{ expression: guarded(rule.admission!.cel), message: `${rule.id}: ${rule.summary} Fix: ${rule.fix}.` }],
    parameters: {},
    admits: (object: KubeObject) => rule.evaluate(object, createRuleContext([object])).status !== 'non-compliant',
  }));
}
