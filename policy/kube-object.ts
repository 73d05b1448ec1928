/**
 * The plain shape of one Kubernetes object as it appears in synthesized YAML or in any
 * manifest we are asked to check. Policy code works on this shape only, never on constructs,
 * so that it can judge output we did not write (Helm charts, `kubectl get -o yaml` dumps).
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: KubeMetadata;
  readonly [field: string]: unknown;
}

/** The subset of `ObjectMeta` that policy code reads. */
export interface KubeMetadata {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}
