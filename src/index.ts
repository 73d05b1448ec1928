/**
 * The package root of `cdk8s-hardened`: what a blueprint composes and what its authors read, by
 * name (nothing internal: layers, CEL helpers, validators and `@internal` functions stay in their
 * modules). `test/package-root.test.ts` pins the list; add a name there with a reason.
 *
 * @example
 *   import { HardenedApp, HardenedNamespace, HardenedDeployment, securityReportReporter } from 'cdk8s-hardened';
 *   const app = new HardenedApp({ reporters: [securityReportReporter()] });
 */

// --- the app, its versions and its errors
export {
  HardenedApp, type HardenedAppProps, type Reporter, type Synthesis, type SynthesizedObject,
  HardenedInputError, SynthValidationError,
  AppModel, KUBERNETES_VERSION_CONTEXT, ISTIO_VERSION_CONTEXT, type IHardenedNamespace, type IHardenedWorkload,
  DEFAULT_KUBERNETES_VERSION, KUBERNETES_RELEASES, KUBERNETES_FEATURES, type KubernetesRelease,
  ISTIO_RELEASES, type IstioRelease,
  RESTRICTED_DEFAULTS, MANAGED_BY_LABEL, MANAGED_BY, WORKLOAD_NAME_LABEL,
} from '../constructs';

// --- namespaces and who may talk to whom
export {
  HardenedNamespace, type HardenedNamespaceProps, type LimitRangeValues, POD_SECURITY_REASON_ANNOTATION,
  PodSecurityLevel, type PodSecurityTarget,
  Peer, PeerDataPlane, Port, Protocol, type IPeer, type AllowOptions, type PeerNamespaceOptions, type PeerPodsOptions,
} from '../constructs';

// --- workloads
export {
  HardenedWorkload, type HardenedWorkloadProps, type HardenedPodProps,
  HardenedDeployment, type HardenedDeploymentProps, type HardenedAutoscaling,
  HardenedStatefulSet, type HardenedStatefulSetProps, type StatefulSetVolumeClaim, PodManagementPolicy,
  HardenedJob, type HardenedJobProps, JobRestartPolicy,
  HardenedCronJob, type HardenedCronJobProps, ConcurrencyPolicy,
  type HardenedContainerProps, type HardenedContainerResources, type HardenedContainerPort, type ResourceRange,
  ContainerImage, type ContainerImageFromTagOptions, UNPINNED_IMAGES_ANNOTATION,
  EnvValueFrom, type EnvValueFromOptions, PodVolume, VolumeAccessMode, type VolumeMount, type ServiceAccountTokenVolumeOptions,
  IngressTls, type IngressTlsCertManagerOptions, type ExposeViaIngressOptions,
  HardenedGateway, type HardenedGatewayProps, GatewayTls, type GatewayTlsSecretOptions, type GatewayTlsCertManagerOptions,
  GatewayServiceType, type GatewayHttpsListener, type GatewayRouteAttachment, GATEWAY_NAME_LABEL,
  GatewayRoute, GatewayRouteKind, type ExposeViaGatewayOptions,
  SeccompProfile, AppArmorProfile, SeLinuxType, type SeLinuxOptions,
  SandboxRuntime, SandboxRuntimeClass, type SandboxRuntimeClassProps, type IRuntimeClass, type RuntimeTaint,
  ApiAccess, type ApiGrant, type GrantApiOptions, KubernetesApiServer,
} from '../constructs';

// --- exceptions, the mesh, admission
export {
  PolicyException, type PolicyExceptionProps, EXCEPTIONS_ANNOTATION,
  IpFamily, IstioMesh, type IstioMeshProps, NamespaceMesh, type NamespaceMeshSidecarOptions, DataPlaneMode,
  AdmissionAction, AdmissionEngine, type AdmissionProps, ADMISSION_RULE_LABEL, DEFAULT_EXCLUDED_NAMESPACES,
  scanGateReporter, type ScanGateProps, SCAN_GATE_FILE,
  ImageSignatures, type ImageSignaturesProps, type ImageAuthority, SignatureTrust, type KeylessIdentity,
  SignatureEngine, SignatureAction, UncoveredImages, SIGSTORE_INCLUDE_LABEL,
} from '../constructs';

// --- the policy engine: plain Kubernetes objects in, findings out
export {
  type KubeObject, type KubeMetadata,
  evaluatePolicy, isOpenError, FindingSource, type EvaluatePolicyOptions, type PolicyResult, type PolicyFinding,
  checkPodSecurity, checksInEffect, namespacePodSecurity, PSS_CHECKS, PSS_LATEST_VERSION,
  type PssLevel, type PssFinding, type PssTarget, type NamespacePodSecurity,
  HARDENED_PACK, runRulePacks, type RunRulePacksOptions,
  type Rule, type RulePack, type RuleContext, type RuleResult, type RuleViolation, type RuleFinding, type RuleException, type Severity,
  ComplianceFramework, type ComplianceReference,
  allowedRegistriesPack, evaluateScanGate, type ScanGateOptions, type ScanGateResult, type TrivyReport,
} from '../policy';

// --- the security report and the cdk8s validation plugin
export {
  buildSecurityReport, SECURITY_REPORT_FILE, securityReportReporter, type BuildSecurityReportOptions, type BuiltSecurityReport,
} from './security-report-file';
export type { ManifestObject } from './yaml-input';
export { PodSecurityValidation, type PodSecurityValidationProps } from './cli/validation-plugin';
