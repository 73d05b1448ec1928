export { HardenedInputError, SynthValidationError } from './errors';
export {
  AppModel, type AppModelProps, type IHardenedNamespace, type IHardenedWorkload, type IModelLayer,
  type IModelRoot, type IPolicyException, isModelRoot, ISTIO_VERSION_CONTEXT, KUBERNETES_VERSION_CONTEXT,
  markModelRoot, type WorkloadResourceUsage,
} from './app-model';
export {
  MANAGED_BY, MANAGED_BY_LABEL, NAMESPACE_NAME_LABEL, RESTRICTED_DEFAULTS, WORKLOAD_NAME_LABEL,
} from './restricted-defaults';
export {
  DEFAULT_KUBERNETES_VERSION, knownKubernetesRange, KUBERNETES_FEATURES, KUBERNETES_RELEASES,
  kubernetesEndOfLifeWarning, type KubernetesRelease, parseKubernetesVersion,
} from './kubernetes-version';
export { atLeastAsStrict, PodSecurityLevel, type PodSecurityTarget, podSecurityVersionFor } from './pod-security';
export {
  type AllowOptions, ConnectivityGraph, type Flow, FlowDirection, type IPeer, type IPolicyHost, isPolicyHost,
  networkPolicyPeer, openPorts, Peer, PeerDataPlane, PeerKind, type PeerNamespaceOptions, type PeerPodsOptions, type PeerSelector, Port, Protocol,
} from './connectivity';
export { HostNetworkPolicy, type HostNetworkPolicyProps } from './host-network-policy';
export {
  HardenedNamespace, type HardenedNamespaceProps, type LimitRangeValues, POD_SECURITY_REASON_ANNOTATION,
} from './hardened-namespace';
export {
  defaultIstioVersion, ISTIO_RELEASES, istioFeatures, type IstioFeatures, istioLine, type IstioRelease,
} from './mesh/istio-version';
export {
  DATAPLANE_MODE_LABEL, DataPlaneMode, INJECTION_LABEL, NamespaceMesh, type NamespaceMeshSidecarOptions,
  REVISION_LABEL,
} from './mesh/namespace-mesh';
export { IpFamily, IstioMesh, type IstioMeshProps } from './mesh/istio-mesh';
export { HostAuthorizationPolicy, HostAuthorizationPolicyProps, MeshAllowRule, MeshSource } from './mesh/host-authorization-policy';
export { MeshLayer, MESH_LAYER_NAME, MAX_MESH_PORT_RANGE } from './mesh/mesh-layer';
export {
  type IRuntimeClass, type RuntimeTaint, SandboxRuntime, SandboxRuntimeClass, type SandboxRuntimeClassProps,
} from './sandbox-runtime-class';
export { ContainerImage, type ContainerImageFromTagOptions } from './container-image';
export { SeccompProfile } from './seccomp-profile';
export { AppArmorProfile } from './app-armor-profile';
export { type SeLinuxOptions, SeLinuxType } from './se-linux-options';
export { ApiAccess, type ApiGrant, API_TOKEN_MOUNT_PATH, type GrantApiOptions, KubernetesApiServer } from './api-access';
export { HardenedContainerProps, HardenedContainerResources, HardenedContainerPort, ResourceRange } from './hardened-container';
export { HardenedPodProps } from './hardened-pod';
export { UNPINNED_IMAGES_ANNOTATION } from '../policy/rules';
export { EnvValueFrom, type EnvValueFromOptions } from './env-value-from';
export { PodVolume, type ServiceAccountTokenVolumeOptions, type VolumeMount } from './pod-volume';
export { IngressTls, type IngressTlsCertManagerOptions } from './ingress-tls';
export { ExposeViaIngressOptions } from './ingress-exposure';
export { GatewayTls, type GatewayTlsCertManagerOptions, type GatewayTlsSecretOptions } from './gateway/gateway-tls';
export { type GatewayHttpsListener } from './gateway/gateway-listeners';
export {
  GATEWAY_NAME_LABEL, type GatewayRouteAttachment, GatewayServiceType, HardenedGateway,
  type HardenedGatewayProps,
} from './gateway/hardened-gateway';
export { type ExposeViaGatewayOptions, GatewayRoute, GatewayRouteKind } from './gateway/gateway-route';
export { HardenedWorkload, type HardenedWorkloadProps } from './hardened-workload';
export { type HardenedAutoscaling, HardenedDeployment, type HardenedDeploymentProps } from './hardened-deployment';
export {
  HardenedStatefulSet, type HardenedStatefulSetProps, PodManagementPolicy, type StatefulSetVolumeClaim,
  VolumeAccessMode,
} from './hardened-stateful-set';
export {
  HardenedJob, type HardenedJobProps, type HardenedJobSettings, JobRestartPolicy, jobSettings,
} from './hardened-job';
export { ConcurrencyPolicy, HardenedCronJob, type HardenedCronJobProps, MAX_CRON_JOB_NAME } from './hardened-cron-job';
export {
  CLUSTER_FILE_BASENAME, HardenedApp, type HardenedAppProps, KIND_ORDER, type Reporter, type Synthesis,
  type SynthesizedObject,
} from './hardened-app';
export { EXCEPTIONS_ANNOTATION, PolicyException, type PolicyExceptionProps } from './policy-exception';
export {
  ADMISSION_APPLY_PHASE_LABEL, ADMISSION_RULE_LABEL, AdmissionAction, AdmissionEngine, AdmissionLayer,
  admissionObjectName, type AdmissionProps, constraintKind, DEFAULT_EXCLUDED_NAMESPACES, imagesOf,
  SCAN_GATE_FILE, type ScanGateProps, scanGateReporter,
} from './admission';
export {
  IMAGE_SIGNATURES_LAYER, type ImageAuthority, ImageSignatures, type ImageSignaturesProps, type KeylessIdentity,
  SIGSTORE_INCLUDE_LABEL, SignatureAction, SignatureEngine, SignatureTrust, UncoveredImages,
} from './image-signatures';
