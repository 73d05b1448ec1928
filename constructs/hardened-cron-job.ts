import { ApiObject, Cron, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { cronSchedule, timeZone } from './_validate';
import { addPostRenderPatch } from './_post-render-patch';
import * as v from './_validate';
import { HardenedInputError } from './errors';
import { HardenedJobSettings, jobSettings } from './hardened-job';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';

/** What a CronJob does when a run is due while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Skip the new run (no two runs touch the same data at once). */
  FORBID = 'Forbid',
  /** Stop the running one and start the new one. */
  REPLACE = 'Replace',
  /** Run both. */
  ALLOW = 'Allow',
}

/** The longest CronJob name the API server accepts. */
export const MAX_CRON_JOB_NAME = 52;

/** Props of {@link HardenedCronJob}. */
export interface HardenedCronJobProps extends HardenedWorkloadProps, HardenedJobSettings {
  /**
   * When to run: five cron fields (`"30 2 * * *"`) or a macro (`"@daily"`), validated.
   */
  readonly schedule: string;
  /**
   * The IANA time zone of the schedule, e.g. `Europe/Berlin`.
   * @default - the kube-controller-manager's time zone (usually UTC)
   */
  readonly timeZone?: string;
  /**
   * What happens when a run is due while the previous one still runs.
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after the scheduled time within which a missed run may still start.
   * @default 300 (RESTRICTED_DEFAULTS.cronJobStartingDeadlineSeconds)
   */
  readonly startingDeadlineSeconds?: number;
}

/**
 * A CronJob whose jobs are hardened like every workload of this library: a validated schedule
 * and time zone, `concurrencyPolicy: Forbid` by default, the Job settings of {@link HardenedJob}
 * (deadline, retries, cleanup, `restartPolicy` never `Always`). It is a network peer like any
 * workload.
 */
export class HardenedCronJob extends HardenedWorkload {
  /** The underlying cdk8s-plus CronJob (an escape hatch: changes are still proven at synth). */
  public readonly cronJob: kplus.CronJob;
  /** CronJobs have no Service. */
  public readonly service?: kplus.Service = undefined;
  /** The CronJob object, whose pod template the policy pass judges at synth. */
  public readonly podTemplateObject: ApiObject;
  private readonly concurrency: ConcurrencyPolicy;

  constructor(scope: Construct, id: string, props: HardenedCronJobProps) {
    const settings = jobSettings(scope, id, props);
    super(scope, id, props, { longRunning: false, restartPolicy: settings.restartPolicy });
    if (this.name.length > MAX_CRON_JOB_NAME) {
      // apps/v1 ValidateCronJob: the Jobs it creates append "-<minutes since epoch>", 11 characters
      throw new HardenedInputError(this, 'name', this.name, `is ${this.name.length} characters long; the API server takes at most ${MAX_CRON_JOB_NAME} for a CronJob (its Jobs append 11)`,
        `shorten the name to ${MAX_CRON_JOB_NAME} characters or fewer`);
    }
    const schedule = cronSchedule(this, 'schedule', props.schedule);
    const zone = props.timeZone !== undefined ? timeZone(this, 'timeZone', props.timeZone) : undefined;
    this.concurrency = props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID;
    if (!Object.values(ConcurrencyPolicy).includes(this.concurrency)) {
      throw new HardenedInputError(this, 'concurrencyPolicy', this.concurrency, 'is not a concurrency policy', `use one of ${Object.values(ConcurrencyPolicy).join(', ')}`);
    }
    const startingDeadline = v.integer(this, 'startingDeadlineSeconds', props.startingDeadlineSeconds ?? RESTRICTED_DEFAULTS.cronJobStartingDeadlineSeconds, 10, 86400,
      'give at least 10 seconds (the controller checks every 10 s)');
    this.cronJob = new kplus.CronJob(this, 'Resource', {
      ...this.pod.kplusProps,
      metadata: this.metadata(),
      podMetadata: { labels: { ...this.objectLabels } },
      select: false,
      schedule: Cron.daily(), // replaced by the validated string below (cdk8s's Cron cannot express macros)
      concurrencyPolicy: this.concurrency as unknown as kplus.ConcurrencyPolicy,
      startingDeadline: Duration.seconds(startingDeadline),
      backoffLimit: settings.backoffLimit,
      activeDeadline: Duration.seconds(settings.activeDeadlineSeconds),
      ttlAfterFinished: Duration.seconds(settings.ttlSecondsAfterFinished),
    });
    const apiObject = ApiObject.of(this.cronJob);
    this.podTemplateObject = apiObject;
    this.hardenPodTemplate(this.cronJob, apiObject, '/spec/jobTemplate/spec/template');
    addPostRenderPatch(apiObject, JsonPatch.replace('/spec/schedule', schedule));
    if (zone !== undefined) addPostRenderPatch(apiObject, JsonPatch.add('/spec/timeZone', zone));
  }

  protected maxPods(): number {
    return this.concurrency === ConcurrencyPolicy.ALLOW ? 2 : this.concurrency === ConcurrencyPolicy.REPLACE ? 2 : 1;
  }
}
