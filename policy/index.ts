/**
 * The pure policy engine: Pod Security Standards checks (upstream-conformant), the `hardened`
 * rule pack, exceptions, and the one policy pass that evaluates them together. Plain Kubernetes
 * objects in, findings out; nothing here depends on cdk8s.
 */
export type { KubeMetadata, KubeObject } from './kube-object';
export { apiGroupOf, POD_BEARING_KINDS, podBearingKindOf, type PodBearingKind } from './pod-bearing-kinds';
export * from './pss';
export * from './pss/namespace-policy';
export * from './rules';
export * from './evaluate-policy';
export * from './admission';
export * from './supply-chain';
