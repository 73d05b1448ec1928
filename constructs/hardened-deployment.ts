import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addPostRenderPatch } from './_post-render-patch';
import * as v from './_validate';
import { HardenedInputError } from './errors';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';
import { createDisruptionBudget, createWorkloadService, spreadPods } from './_workload-companions';

/** Horizontal autoscaling on cpu utilisation (autoscaling/v2). */
export interface HardenedAutoscaling {
  /** The fewest replicas; at least 2. */
  readonly minReplicas: number;
  /** The most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average cpu utilisation, in percent of the request.
   * @default 70 (RESTRICTED_DEFAULTS.autoscalingCpuUtilizationPercent)
   */
  readonly cpuUtilizationPercent?: number;
}

/** Props of {@link HardenedDeployment}. */
export interface HardenedDeploymentProps extends HardenedWorkloadProps {
  /**
   * Number of replicas; 2 or more get a PodDisruptionBudget. Ignored in favour of
   * `autoscaling.minReplicas` when autoscaling is set.
   * @default 2 (RESTRICTED_DEFAULTS.replicas)
   */
  readonly replicas?: number;
  /**
   * Scale horizontally on cpu.
   * @default - a fixed replica count
   */
  readonly autoscaling?: HardenedAutoscaling;
  /**
   * Put a ClusterIP Service in front of the container ports.
   * @default - true when any container declares a port
   */
  readonly service?: boolean;
}

/**
 * A Deployment that passes Pod Security Standards restricted by construction: non-root,
 * read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp and
 * AppArmor RuntimeDefault, a dedicated ServiceAccount without an API token, digest-pinned
 * images, required requests and limits and probes, spread over nodes and zones, and a
 * PodDisruptionBudget. It receives and sends only what `allowFrom`/`allowTo` declare.
 */
export class HardenedDeployment extends HardenedWorkload {
  /** The underlying cdk8s-plus Deployment (an escape hatch: changes are still proven at synth). */
  public readonly deployment: kplus.Deployment;
  /** The ClusterIP Service, when the containers declare ports and `service` is not false. */
  public readonly service?: kplus.Service;
  /** The Deployment object, whose pod template the policy pass judges at synth. */
  public readonly podTemplateObject: ApiObject;
  private readonly replicaCeiling: number;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id, props, { longRunning: true });
    const autoscaling = props.autoscaling;
    let replicas = v.integer(this, 'replicas', props.replicas ?? RESTRICTED_DEFAULTS.replicas, 1, 1000);
    if (autoscaling) {
      v.integer(this, 'autoscaling.minReplicas', autoscaling.minReplicas, 2, 1000, 'use at least 2 so that one pod can be disrupted');
      v.integer(this, 'autoscaling.maxReplicas', autoscaling.maxReplicas, autoscaling.minReplicas, 1000, `use at least minReplicas (${autoscaling.minReplicas})`);
      v.integer(this, 'autoscaling.cpuUtilizationPercent', autoscaling.cpuUtilizationPercent ?? RESTRICTED_DEFAULTS.autoscalingCpuUtilizationPercent, 1, 100);
      if (props.replicas !== undefined) {
        throw new HardenedInputError(this, 'replicas', props.replicas, 'is set together with autoscaling, which owns the replica count',
          'remove replicas, or remove autoscaling');
      }
      replicas = autoscaling.minReplicas;
    }
    this.replicaCeiling = autoscaling?.maxReplicas ?? replicas;

    this.deployment = new kplus.Deployment(this, 'Resource', {
      ...this.pod.kplusProps,
      metadata: this.metadata(),
      podMetadata: { labels: { ...this.objectLabels } },
      replicas,
      select: false,
      spread: false,
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: { ...this.selectorLabels } }));
    const apiObject = ApiObject.of(this.deployment);
    this.podTemplateObject = apiObject;
    this.hardenPodTemplate(this.deployment, apiObject, '/spec/template');
    spreadPods(this.companions(), apiObject, '/spec/template');
    if (autoscaling) addPostRenderPatch(apiObject, JsonPatch.remove('/spec/replicas'));

    const hasPorts = props.containers.some(c => (c.ports ?? []).length > 0);
    if (props.service ?? hasPorts) this.service = createWorkloadService(this.companions(), { headless: false });
    if (replicas >= 2) createDisruptionBudget(this.companions());
    if (autoscaling) {
      new ApiObject(this, 'HorizontalPodAutoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: this.metadata(),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent ?? RESTRICTED_DEFAULTS.autoscalingCpuUtilizationPercent } } }],
        },
      });
    }
  }

  protected maxPods(): number {
    return this.replicaCeiling + 1; // a rolling update runs one surge pod (maxSurge 25 %, rounded up)
  }
}
