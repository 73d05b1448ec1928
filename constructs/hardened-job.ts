import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as v from './_validate';
import { HardenedInputError } from './errors';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';
import { createWorkloadService } from './_workload-companions';

/** When the kubelet restarts a Job's container; never `Always`, which Jobs cannot use. */
export enum JobRestartPolicy {
  /** A failed pod is replaced by a new one (counted against backoffLimit). */
  NEVER = 'Never',
  /** A failed container is restarted in the same pod. */
  ON_FAILURE = 'OnFailure',
}

/** The run-to-completion settings a Job and a CronJob's jobs share. */
export interface HardenedJobSettings {
  /**
   * Retries before the Job is marked failed.
   * @default 3 (RESTRICTED_DEFAULTS.job.backoffLimit)
   */
  readonly backoffLimit?: number;
  /**
   * Seconds the Job may run before it is stopped and marked failed.
   * @default 3600 (RESTRICTED_DEFAULTS.job.activeDeadlineSeconds)
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds a finished Job is kept (with its pods and logs) before it is deleted.
   * @default 86400 (RESTRICTED_DEFAULTS.job.ttlSecondsAfterFinished)
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * What happens when a container fails.
   * @default JobRestartPolicy.NEVER
   */
  readonly restartPolicy?: JobRestartPolicy;
}

/** Props of {@link HardenedJob}. */
export interface HardenedJobProps extends HardenedWorkloadProps, HardenedJobSettings {
  /**
   * Put a ClusterIP Service in front of the container ports (rarely wanted for a Job).
   * @default false
   */
  readonly service?: boolean;
}

/** Validated Job settings with their defaults. @internal */
export function jobSettings(chart: Construct, id: string, props: HardenedJobSettings): { backoffLimit: number; activeDeadlineSeconds: number; ttlSecondsAfterFinished: number; restartPolicy: kplus.RestartPolicy } {
  // read before the workload construct exists (its restart policy shapes the pod): errors name the path it will have
  const scope = [chart.node.path, id].filter(Boolean).join('/');
  const restart = props.restartPolicy ?? JobRestartPolicy.NEVER;
  if (restart !== JobRestartPolicy.NEVER && restart !== JobRestartPolicy.ON_FAILURE) {
    throw new HardenedInputError(scope, 'restartPolicy', restart, 'is not a restart policy a Job can use', 'use JobRestartPolicy.NEVER or JobRestartPolicy.ON_FAILURE');
  }
  return {
    backoffLimit: v.integer(scope, 'backoffLimit', props.backoffLimit ?? RESTRICTED_DEFAULTS.job.backoffLimit, 0, 100),
    activeDeadlineSeconds: v.integer(scope, 'activeDeadlineSeconds', props.activeDeadlineSeconds ?? RESTRICTED_DEFAULTS.job.activeDeadlineSeconds, 1, 30 * 86400, 'give a deadline in seconds, at most 30 days'),
    ttlSecondsAfterFinished: v.integer(scope, 'ttlSecondsAfterFinished', props.ttlSecondsAfterFinished ?? RESTRICTED_DEFAULTS.job.ttlSecondsAfterFinished, 0, 365 * 86400),
    restartPolicy: restart === JobRestartPolicy.ON_FAILURE ? kplus.RestartPolicy.ON_FAILURE : kplus.RestartPolicy.NEVER,
  };
}

/**
 * A Job hardened like every workload of this library, that runs to completion: a deadline, a
 * bounded number of retries, cleanup after it finished, `restartPolicy` never `Always`, no
 * Service unless asked, and no probes required. It is a network peer like any workload.
 */
export class HardenedJob extends HardenedWorkload {
  /** The underlying cdk8s-plus Job (an escape hatch: changes are still proven at synth). */
  public readonly job: kplus.Job;
  /** The Service, when `service` is set. */
  public readonly service?: kplus.Service;
  /** The Job object, whose pod template the policy pass judges at synth. */
  public readonly podTemplateObject: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedJobProps) {
    const settings = jobSettings(scope, id, props);
    super(scope, id, props, { longRunning: false, restartPolicy: settings.restartPolicy });
    this.job = new kplus.Job(this, 'Resource', {
      ...this.pod.kplusProps,
      metadata: this.metadata(),
      podMetadata: { labels: { ...this.objectLabels } },
      select: false,
      backoffLimit: settings.backoffLimit,
      activeDeadline: Duration.seconds(settings.activeDeadlineSeconds),
      ttlAfterFinished: Duration.seconds(settings.ttlSecondsAfterFinished),
    });
    const apiObject = ApiObject.of(this.job);
    this.podTemplateObject = apiObject;
    this.hardenPodTemplate(this.job, apiObject, '/spec/template');
    if (props.service ?? false) this.service = createWorkloadService(this.companions(), { headless: false });
  }

  protected maxPods(): number {
    return 1;
  }
}
