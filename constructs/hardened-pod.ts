import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { addPostRenderPatch } from './_post-render-patch';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as v from './_validate';
import { AppArmorProfile } from './app-armor-profile';
import { HardenedInputError } from './errors';
import { HardenedContainerProps, toKplusContainer, toResourcesJson } from './hardened-container';
import { UNPINNED_IMAGES_ANNOTATION } from '../policy/rules';
import { AppModel } from './app-model';
import { kubernetesMinor } from './pod-security';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';
import { IRuntimeClass } from './sandbox-runtime-class';
import { SeccompProfile } from './seccomp-profile';
import { SeLinuxOptions } from './se-linux-options';

/**
 * The pod-level props every hardened workload kind shares (Deployment now; StatefulSet, Job and
 * CronJob reuse them). Whatever is set here, the pod passes Pod Security Standards restricted.
 */
export interface HardenedPodProps {
  /** The containers; at least one. */
  readonly containers: readonly HardenedContainerProps[];
  /**
   * Non-zero user id of every container.
   * @default 65532 (RESTRICTED_DEFAULTS.runAsUser)
   */
  readonly runAsUser?: number;
  /**
   * Non-zero primary group id of every container.
   * @default 65532 (RESTRICTED_DEFAULTS.runAsGroup)
   */
  readonly runAsGroup?: number;
  /**
   * Non-zero group that owns mounted volumes.
   * @default 65532 (RESTRICTED_DEFAULTS.fsGroup)
   */
  readonly fsGroup?: number;
  /**
   * The seccomp profile, at pod level and in every container.
   * @default SeccompProfile.RUNTIME_DEFAULT
   */
  readonly seccompProfile?: SeccompProfile;
  /**
   * The AppArmor profile of every container.
   * @default AppArmorProfile.RUNTIME_DEFAULT
   */
  readonly appArmorProfile?: AppArmorProfile;
  /**
   * SELinux options of the pod.
   * @default - the runtime's defaults
   */
  readonly seLinuxOptions?: SeLinuxOptions;
  /**
   * A sandboxed runtime (gVisor, Kata) to run the pod in.
   * @default - the cluster's default runtime
   */
  readonly runtimeClass?: IRuntimeClass;
  /**
   * The Kubernetes minor version the pod is written for: 1.29 and older get the AppArmor
   * annotation, 1.30 and later the `appArmorProfile` field.
   * @default - the app's version (`HardenedAppProps.kubernetesVersion`, else context key
   * `cdk8s-hardened:kubernetesVersion`, else "1.28")
   */
  readonly kubernetesVersion?: string;
  /**
   * Seconds the pod has to shut down gracefully.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
}

const SE_LINUX_LEVEL = /^s\d+(-s\d+)?(:c\d+([.,]c\d+)*)?$/;
const MAX_ID = 2147483647;

/**
 * The validated, resolved pod hardening of one workload: the props to give the cdk8s-plus
 * workload, and the JSON patches for what cdk8s-plus cannot express (pod-level seccomp,
 * SELinux, AppArmor, runtimeClassName, exact resource quantities, no service links).
 * @internal
 */
export class HardenedPodTemplate {
  /** Props for the cdk8s-plus workload. */
  public readonly kplusProps: kplus.AbstractPodProps & { readonly containers: kplus.ContainerProps[] };
  private readonly props: HardenedPodProps;
  private readonly appArmor: AppArmorProfile;
  private readonly seccomp: SeccompProfile;
  private readonly minor: number;

  constructor(scope: Construct, props: HardenedPodProps, serviceAccount: kplus.IServiceAccount) {
    this.props = props;
    const user = v.integer(scope, 'runAsUser', props.runAsUser ?? RESTRICTED_DEFAULTS.runAsUser, 1, MAX_ID, 'use a non-zero user id; 0 is root');
    const group = v.integer(scope, 'runAsGroup', props.runAsGroup ?? RESTRICTED_DEFAULTS.runAsGroup, 1, MAX_ID, 'use a non-zero group id; 0 is root');
    const fsGroup = v.integer(scope, 'fsGroup', props.fsGroup ?? RESTRICTED_DEFAULTS.fsGroup, 1, MAX_ID, 'use a non-zero group id; 0 is root');
    if (!props.containers || props.containers.length === 0) {
      throw new HardenedInputError(scope, 'containers', props.containers ?? [], 'is empty', 'give at least one container');
    }
    const names = new Set<string>();
    props.containers.forEach((c, i) => {
      if (names.has(c.name)) throw new HardenedInputError(scope, `containers[${i}].name`, c.name, 'is used by two containers', 'give each container a unique name');
      names.add(c.name);
    });
    this.seccomp = props.seccompProfile ?? SeccompProfile.RUNTIME_DEFAULT;
    if (this.seccomp.type === 'Localhost' && !/^[A-Za-z0-9._\-/]+$/.test(this.seccomp.localhostProfile ?? '')) {
      throw new HardenedInputError(scope, 'seccompProfile.localhostProfile', this.seccomp.localhostProfile, 'is not a relative profile path', 'give the path below the kubelet seccomp directory, e.g. "profiles/api.json"');
    }
    this.appArmor = props.appArmorProfile ?? AppArmorProfile.RUNTIME_DEFAULT;
    if (this.appArmor.type === 'Localhost' && !/^[A-Za-z0-9._\-/]+$/.test(this.appArmor.localhostProfile ?? '')) {
      throw new HardenedInputError(scope, 'appArmorProfile.localhostProfile', this.appArmor.localhostProfile, 'is not a profile name', 'give the name of a profile loaded on the nodes, e.g. "k8s-apparmor-api"');
    }
    if (props.seLinuxOptions?.level !== undefined && !SE_LINUX_LEVEL.test(props.seLinuxOptions.level)) {
      throw new HardenedInputError(scope, 'seLinuxOptions.level', props.seLinuxOptions.level, 'is not an SELinux MCS level', 'write e.g. "s0:c123,c456"');
    }
    this.minor = props.kubernetesVersion !== undefined ? kubernetesMinor(scope, 'kubernetesVersion', props.kubernetesVersion) : AppModel.of(scope).kubernetesMinor;
    const grace = v.integer(scope, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 30, 0, 86400);

    this.kplusProps = {
      containers: props.containers.map((c, i) => toKplusContainer(scope, `containers[${i}]`, c, user, group)),
      serviceAccount,
      automountServiceAccountToken: false,
      hostNetwork: false,
      isolate: false,
      terminationGracePeriod: Duration.seconds(grace),
      securityContext: { ensureNonRoot: true, user, group, fsGroup, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
    };
  }

  /**
   * Writes what cdk8s-plus cannot express into the workload's object, as JSON patches on its
   * final JSON (see `_post-render-patch.ts` for why not `ApiObject.addJsonPatch`).
   * @param templatePath JSON pointer of the pod template, e.g. `/spec/template`.
   */
  public applyTo(apiObject: ApiObject, templatePath: string, podMetadata: kplus.AbstractPod['metadata']): void {
    const spec = `${templatePath}/spec`;
    const patches: JsonPatch[] = [
      JsonPatch.add(`${spec}/securityContext/seccompProfile`, this.seccomp.toJson()),
      JsonPatch.add(`${spec}/enableServiceLinks`, false),
    ];
    const se = this.props.seLinuxOptions;
    if (se && (se.type !== undefined || se.level !== undefined)) {
      patches.push(JsonPatch.add(`${spec}/securityContext/seLinuxOptions`, { ...(se.type ? { type: se.type } : {}), ...(se.level ? { level: se.level } : {}) }));
    }
    if (this.props.runtimeClass) {
      patches.push(JsonPatch.add(`${spec}/runtimeClassName`, this.props.runtimeClass.name));
    }
    const unpinned: string[] = [];
    this.props.containers.forEach((c, i) => {
      const container = `${spec}/containers/${i}`;
      patches.push(JsonPatch.add(`${container}/resources`, toResourcesJson(c)));
      patches.push(JsonPatch.add(`${container}/securityContext/seccompProfile`, this.seccomp.toJson()));
      if (this.minor >= 30) {
        const field = this.appArmor.toField();
        if (field) patches.push(JsonPatch.add(`${container}/securityContext/appArmorProfile`, field));
      } else {
        const annotation = this.appArmor.toAnnotation();
        if (annotation) podMetadata.addAnnotation(`container.apparmor.security.beta.kubernetes.io/${c.name}`, annotation);
      }
      if (!c.image.pinned) unpinned.push(`${c.name}: ${c.image.tagReason}`);
    });
    if (unpinned.length > 0) podMetadata.addAnnotation(UNPINNED_IMAGES_ANNOTATION, unpinned.join('; '));
    addPostRenderPatch(apiObject, ...patches);
  }
}
