/**
 * The pure policy engine: Pod Security Standards checks (upstream-conformant), the `hardened`
 * rule pack, exceptions, and the one policy pass that evaluates them together. Plain Kubernetes
 * objects in, findings out; nothing here depends on cdk8s.
 */
export type { KubeMetadata, KubeObject } from './kube-object';
export { apiGroupOf, POD_BEARING_KINDS, podBearingKindOf, type PodBearingKind } from './pod-bearing-kinds';
export {
  checkPodSecurity, checksInEffect, effectivePssVersion, formatPssVersion, isPssLevel, parsePssLevel,
  parsePssVersion, type PlainRecord, podTemplateOf, type PodTemplateView, PSS_CHECKS, PSS_LATEST_VERSION,
  PSS_LEVELS, type PssCheckInEffect, type PssCheckInfo, type PssCheckLevel, type PssCheckVersionInfo,
  type PssFinding, type PssLevel, type PssVersion,
} from './pss';
export {
  CLUSTER_DEFAULT_PSS, type DeclaredPodSecurity, declaredPodSecurityLabels, namespacePodSecurity,
  type NamespacePodSecurity, PSS_LABEL_PREFIX, type PssMode, type PssTarget,
} from './pss/namespace-policy';
export {
  compareExceptions, ComplianceFramework, type ComplianceReference, COMPLIANT, createRuleContext,
  exceptionExpiry, exceptionMatches, EXCEPTIONS_ANNOTATION, EXPIRING_WITHIN_DAYS, formatExceptionsAnnotation,
  HARDENED_PACK, isIsoDate, isKnownExceptionId, judge, knownExceptionIds, MIN_REASON_LENGTH, NOT_APPLICABLE,
  type ParsedExceptions, parseExceptionsAnnotation, reasonProblem, type Rule, type RuleAdmissionForm,
  type RuleContext, type RuleException, type RuleFinding, type RulePack, rulePackProblems, type RuleResult,
  type RuleViolation, runRulePacks, type RunRulePacksOptions, type Severity, todayUtc,
  UNPINNED_IMAGES_ANNOTATION, RBAC_VERBS, rbacRuleProblems, type RbacPolicyRule, type RbacRuleProblem,
} from './rules';
export {
  evaluatePolicy, type EvaluatePolicyOptions, FindingSource, isOpenError, type PolicyFinding,
  type PolicyResult,
} from './evaluate-policy';
export {
  type AdmissionExemption, type AdmissionRule, AdmissionRuleSource, type AdmissionValidation,
  ALLOWED_CAPABILITIES_ID, ALLOWED_HOST_PATHS_ID, ALLOWED_REGISTRIES_ID, allowedCapabilitiesRule,
  type AllowedHostPath, allowedHostPathsRule, allowedRegistriesRule, CEL_FEATURES, type CelFeature,
  celLibraryProblems, celLiteral, parseCelLiteral, type CelVariable, EXEMPT_VARIABLE, exemptionParameter,
  type ExemptionParameter, gatekeeperVariables, guarded, type ParameterSchema, POD_VARIABLES,
  podSecurityAdmissionRules, registryPrefix, ruleAdmissionRules, ruleParameters, validatingPolicyVariables,
} from './admission';
export {
  allowedRegistriesPack, coveringPrefixes, evaluateScanGate, imageDigestOf, imageRepository, isUnderPrefix,
  type RegistryDisagreement, registryDisagreement, type ScanAllowance,
  type ScanGateOptions, type ScanGateResult, TRIVY_SEVERITIES, type TrivyReport, type TrivySeverity,
} from './supply-chain';
