/**
 * The admission forms of the rules: CEL next to each rule's TypeScript, gathered into
 * {@link AdmissionRule}s that the admission layer turns into ValidatingAdmissionPolicies and
 * Gatekeeper ConstraintTemplates. Pure: no cdk8s.
 */
export {
  type AdmissionExemption, type AdmissionRule, AdmissionRuleSource, type AdmissionValidation,
  type ParameterSchema,
} from './types';
export { type CelVariable, POD_VARIABLES } from './pod-variables';
export { EXEMPT_VARIABLE, exemptionParameter, type ExemptionParameter, guarded } from './exemptions';
export { CEL_FEATURES, type CelFeature, celLibraryProblems } from './cel-library';
export { podSecurityAdmissionRules, ruleAdmissionRules } from './admission-rules';
export { ALLOWED_HOST_PATHS_ID, type AllowedHostPath, allowedHostPathsRule } from './parameterized/allowed-host-paths';
export { ALLOWED_CAPABILITIES_ID, allowedCapabilitiesRule } from './parameterized/allowed-capabilities';
export { ALLOWED_REGISTRIES_ID, allowedRegistriesRule, registryPrefix } from './parameterized/allowed-registries';
export { celLiteral, gatekeeperVariables, parseCelLiteral, ruleParameters, validatingPolicyVariables } from './policy-variables';
