/**
 * The admission forms of the rules: CEL next to each rule's TypeScript, gathered into
 * {@link AdmissionRule}s that the admission layer turns into ValidatingAdmissionPolicies and
 * Gatekeeper ConstraintTemplates. Pure: no cdk8s.
 */
export * from './types';
export * from './pod-variables';
export * from './exemptions';
export * from './cel-library';
export * from './admission-rules';
export * from './parameterized/allowed-host-paths';
export * from './parameterized/allowed-capabilities';
export * from './parameterized/allowed-registries';
export * from './policy-variables';
