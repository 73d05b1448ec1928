import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { RuleException } from '../policy';
import type { IPeer, IPolicyHost } from './connectivity';
import type { NamespaceMesh } from './mesh/namespace-mesh';
import type { PodSecurityTarget } from './pod-security';

// What the app model registers: the interfaces its namespaces, workloads and exceptions implement,
// so that the model needs none of the constructs (which need the model).

/** A namespace of the app (a `HardenedNamespace`): what the layers and the cross-checks read of it. */
export interface IHardenedNamespace extends IPeer, IPolicyHost {
  /** The namespace's name. */
  readonly name: string;
  /** The level and version the namespace enforces. */
  readonly enforced: PodSecurityTarget;
  /** Its data-plane mode in the mesh, if it is in the mesh. */
  readonly mesh?: NamespaceMesh;
  /** The per-container values of its LimitRange, by resource (`cpu`, `memory`, `ephemeral-storage`). */
  readonly limitRange: {
    readonly defaultRequest: Readonly<Record<string, string>>;
    readonly default: Readonly<Record<string, string>>;
    readonly max: Readonly<Record<string, string>>;
  };
  /** The hard limits of its ResourceQuota. */
  readonly resourceQuota: Readonly<Record<string, string>>;
}

/** An exception of the app (a `PolicyException`): a rule exception attached to a construct. */
export interface IPolicyException extends RuleException {
  /** The construct it is attached to; it covers the objects of it and its descendants. */
  readonly scope: IConstruct;
  /** Why, for a reviewer. */
  readonly reason: string;
}

/** What one workload needs of its namespace's quota at most, for the quota cross-check. */
export interface WorkloadResourceUsage {
  /** The most pods that run at once. */
  readonly pods: number;
  /** Per resource (`cpu`, `memory`, `ephemeral-storage`), the requests of one pod. */
  readonly requests: Readonly<Record<string, string>>;
  /** Per resource, the limits of one pod. */
  readonly limits: Readonly<Record<string, string>>;
}

/** A workload this app runs, with a typed link to the object that carries its pod template. */
export interface IHardenedWorkload extends IPolicyHost {
  /** The workload's name. */
  readonly name: string;
  /** The object whose pod template the Pod Security and rule checks judge (the Deployment, ...). */
  readonly podTemplateObject: ApiObject;
  /** What it needs of its namespace's quota at most (replicas, surge, autoscaling maximum). */
  resourceUsage(): WorkloadResourceUsage;
  /** Whether a container accepts its image by tag (`ContainerImage.fromTag`, with a reason). */
  readonly acceptsTaggedImages: boolean;
  /**
   * The TCP ports the kubelet's probes (readiness, liveness, startup; HTTP, TCP and gRPC) of every
   * container connect to, named ports resolved, sorted; exec probes use none.
   */
  probePorts(): readonly number[];
}
