/**
 * Best-practice rule packs beyond the Pod Security Standards, in the style of cdk-nag: one pure
 * rule per file, stable ids (`HARDENED-n`), a "what" and a "why" for each finding, and justified
 * exceptions. See docs/rules.md.
 *
 * @example
 *   const findings = runRulePacks(objects); // [{ rule: 'HARDENED-10', message, path, explanation, fix, objectIndex }]
 */
export {
  ComplianceFramework, type ComplianceReference, COMPLIANT, judge, NOT_APPLICABLE, type Rule,
  type RuleAdmissionForm, type RuleContext, type RuleFinding, type RulePack, type RuleResult,
  type RuleViolation, type Severity,
} from './types';
export { createRuleContext } from './context';
export { runRulePacks, type RunRulePacksOptions } from './run';
export { HARDENED_PACK } from './hardened-pack';
export { UNPINNED_IMAGES_ANNOTATION } from './images/image-digest';
export { RBAC_VERBS, rbacRuleProblems, type RbacPolicyRule, type RbacRuleProblem } from './identity/rbac-least-privilege';
export {
  compareExceptions, exceptionExpiry, exceptionMatches, EXCEPTIONS_ANNOTATION, EXPIRING_WITHIN_DAYS,
  formatExceptionsAnnotation, isIsoDate, isKnownExceptionId, knownExceptionIds, MIN_REASON_LENGTH,
  type ParsedExceptions, parseExceptionsAnnotation, reasonProblem, type RuleException, rulePackProblems,
  todayUtc,
} from './exceptions';
