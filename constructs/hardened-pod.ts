import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addPostRenderPatch, addPostRenderTransform, dig } from './_post-render-patch';
import * as v from './_validate';
import { AppArmorProfile } from './app-armor-profile';
import { HardenedInputError } from './errors';
import { ContainerConfiguration, containerConfiguration, HardenedContainerProps, toKplusContainer, toResourcesJson } from './hardened-container';
import { UNPINNED_IMAGES_ANNOTATION } from '../policy/rules';
import { AppModel } from './app-model';
import { KUBERNETES_FEATURES } from './kubernetes-version';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';
import { IRuntimeClass } from './sandbox-runtime-class';
import { SeccompProfile } from './seccomp-profile';
import { SeLinuxOptions } from './se-linux-options';

/**
 * The pod-level props every hardened workload kind shares (Deployment, StatefulSet, Job,
 * CronJob). Whatever is set here, the pod passes Pod Security Standards restricted.
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
   * Seconds the pod has to shut down gracefully.
   * @default 30 (RESTRICTED_DEFAULTS.terminationGracePeriodSeconds)
   */
  readonly terminationGracePeriodSeconds?: number;
}

const SE_LINUX_LEVEL = /^s\d+(-s\d+)?(:c\d+([.,]c\d+)*)?$/;
const MAX_ID = 2147483647;

/** Where a container goes in the pod. @internal */
export enum ContainerList {
  /** `spec.containers`: a main container. */
  MAIN = 'containers',
  /** `spec.initContainers`: runs to completion before the main containers. */
  INIT = 'initContainers',
  /** `spec.initContainers` with `restartPolicy: Always`: a native sidecar (Kubernetes 1.29+). */
  SIDECAR = 'sidecar',
}

/** How a workload kind runs its pods. @internal */
export interface PodTemplateOptions {
  /** Long-running kinds (Deployment, StatefulSet) require probes on their main containers. */
  readonly longRunning: boolean;
  /** The pod's restartPolicy. @default - cdk8s-plus's default for the kind */
  readonly restartPolicy?: kplus.RestartPolicy;
}


/**
 * The validated, resolved pod hardening of one workload: the props to give the cdk8s-plus
 * workload, and the patches for what cdk8s-plus cannot express (pod-level seccomp, SELinux,
 * AppArmor, runtimeClassName, exact resource quantities, no service links, Secret and ConfigMap
 * references, volumes, native sidecars). Containers added later (`add`) are hardened the same way.
 * @internal
 */
export class HardenedPodTemplate {
  /** Props for the cdk8s-plus workload. */
  public readonly kplusProps: kplus.AbstractPodProps & { readonly containers: kplus.ContainerProps[] };
  /** The Kubernetes minor version the pod is written for. */
  public readonly minor: number;
  private readonly scope: Construct;
  private readonly props: HardenedPodProps;
  private readonly options: PodTemplateOptions;
  private readonly appArmor: AppArmorProfile;
  private readonly seccomp: SeccompProfile;
  private readonly user: number;
  private readonly group: number;
  private readonly names = new Set<string>();
  private apiToken?: { readonly volume: Readonly<Record<string, unknown>>; readonly mountPath: string };
  /** Every container, in the order it was declared, with where it goes. */
  private readonly entries: { readonly list: ContainerList; readonly props: HardenedContainerProps; readonly config: ContainerConfiguration }[] = [];
  private target?: { readonly apiObject: ApiObject; readonly spec: string; readonly podMetadata: kplus.AbstractPod['metadata'] };

  constructor(scope: Construct, props: HardenedPodProps, serviceAccount: kplus.IServiceAccount, options: PodTemplateOptions) {
    this.scope = scope;
    this.props = props;
    this.options = options;
    this.user = v.integer(scope, 'runAsUser', props.runAsUser ?? RESTRICTED_DEFAULTS.runAsUser, 1, MAX_ID, 'use a non-zero user id; 0 is root');
    this.group = v.integer(scope, 'runAsGroup', props.runAsGroup ?? RESTRICTED_DEFAULTS.runAsGroup, 1, MAX_ID, 'use a non-zero group id; 0 is root');
    const fsGroup = v.integer(scope, 'fsGroup', props.fsGroup ?? RESTRICTED_DEFAULTS.fsGroup, 1, MAX_ID, 'use a non-zero group id; 0 is root');
    if (!props.containers || props.containers.length === 0) {
      throw new HardenedInputError(scope, 'containers', props.containers ?? [], 'is empty', 'give at least one container');
    }
    this.seccomp = props.seccompProfile ?? SeccompProfile.RUNTIME_DEFAULT;
    const localhost = this.seccomp.localhostProfile ?? '';
    if (this.seccomp.type === 'Localhost' && (!LOCALHOST_PROFILE.test(localhost) || localhost.split('/').some(p => p === '.' || p === '..'))) {
      throw new HardenedInputError(scope, 'seccompProfile.localhostProfile', this.seccomp.localhostProfile, 'is not a relative profile path', 'give the path below the kubelet seccomp directory, e.g. "profiles/api.json"');
    }
    this.appArmor = props.appArmorProfile ?? AppArmorProfile.RUNTIME_DEFAULT;
    if (this.appArmor.type === 'Localhost' && !/^[A-Za-z0-9._\-/]+$/.test(this.appArmor.localhostProfile ?? '')) {
      throw new HardenedInputError(scope, 'appArmorProfile.localhostProfile', this.appArmor.localhostProfile, 'is not a profile name', 'give the name of a profile loaded on the nodes, e.g. "k8s-apparmor-api"');
    }
    if (props.seLinuxOptions?.level !== undefined && !SE_LINUX_LEVEL.test(props.seLinuxOptions.level)) {
      throw new HardenedInputError(scope, 'seLinuxOptions.level', props.seLinuxOptions.level, 'is not an SELinux MCS level', 'write e.g. "s0:c123,c456"');
    }
    this.minor = AppModel.of(scope).kubernetesMinor; // one place decides versions: the app
    const grace = v.integer(scope, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? RESTRICTED_DEFAULTS.terminationGracePeriodSeconds, 0, 86400);

    this.kplusProps = {
      containers: props.containers.map((c, i) => this.validate(ContainerList.MAIN, c, `containers[${i}]`)),
      serviceAccount,
      automountServiceAccountToken: false,
      hostNetwork: false,
      isolate: false,
      terminationGracePeriod: Duration.seconds(grace),
      securityContext: { ensureNonRoot: true, user: this.user, group: this.group, fsGroup, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
      ...(options.restartPolicy ? { restartPolicy: options.restartPolicy } : {}),
    };
  }

  /** The containers declared in `lists` (every container when none is given), in declaration order. */
  public containers(...lists: ContainerList[]): HardenedContainerProps[] {
    return this.entries.filter(e => lists.length === 0 || lists.includes(e.list)).map(e => e.props);
  }

  /**
   * Writes what cdk8s-plus cannot express into the workload's object, on its final JSON (see
   * `_post-render-patch.ts` for why not `ApiObject.addJsonPatch`).
   * @param templatePath JSON pointer of the pod template, e.g. `/spec/template`.
   */
  public applyTo(apiObject: ApiObject, templatePath: string, podMetadata: kplus.AbstractPod['metadata']): void {
    const spec = `${templatePath}/spec`;
    this.target = { apiObject, spec, podMetadata };
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
    addPostRenderPatch(apiObject, ...patches);
    // containers are hardened by name, after every patch, so their order and number do not matter
    const pointer = spec.split('/').filter(Boolean);
    addPostRenderTransform(apiObject, json => this.hardenContainers(dig(json, pointer)));
    this.annotate();
  }

  /**
   * Validates a container added after construction and hardens it like the others.
   * @returns the cdk8s-plus props to add it with
   */
  public add(list: ContainerList, c: HardenedContainerProps, field: string): kplus.ContainerProps {
    if (list === ContainerList.SIDECAR && this.minor < KUBERNETES_FEATURES.nativeSidecars) {
      throw new HardenedInputError(this.scope, `${field}`, c?.name, `is a native sidecar, which Kubernetes 1.${this.minor} does not run by default (from 1.${KUBERNETES_FEATURES.nativeSidecars})`,
        `target Kubernetes 1.${KUBERNETES_FEATURES.nativeSidecars} or later (HardenedAppProps.kubernetesVersion), or add it with addContainer as a second main container and a PolicyException for HARDENED-11`);
    }
    const props = this.validate(list, c, field);
    this.annotate();
    return props;
  }

  private validate(list: ContainerList, c: HardenedContainerProps, field: string): kplus.ContainerProps {
    if (!c || typeof c !== 'object') throw new HardenedInputError(this.scope, field, c, 'is not a container', 'give { name, image, resources, ... }');
    if (this.names.has(c.name)) throw new HardenedInputError(this.scope, `${field}.name`, c.name, 'is used by two containers', 'give each container a unique name');
    const props = toKplusContainer(this.scope, field, c, this.user, this.group, this.options.longRunning && list === ContainerList.MAIN);
    if (list !== ContainerList.MAIN && (c.readiness || c.liveness) && list === ContainerList.INIT) {
      throw new HardenedInputError(this.scope, `${field}.readiness`, 'probe', 'is set on an init container, which Kubernetes refuses (init containers run to completion)', 'remove the probes, or add it as a native sidecar with addSidecar');
    }
    if (list !== ContainerList.INIT) {
      // containers of a pod share one network namespace: two that run together cannot listen on one port
      (c.ports ?? []).forEach((p, j) => {
        const other = this.entries.find(e => e.list !== ContainerList.INIT && (e.props.ports ?? []).some(q => q.number === p.number && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP')));
        if (other) {
          throw new HardenedInputError(this.scope, `${field}.ports[${j}].number`, p.number, `is also a port of container "${other.props.name}", which runs in the same pod (one network namespace)`,
            'give each container of the pod its own port');
        }
      });
    }
    const config = containerConfiguration(this.scope, field, c); // validated now, so that the error names the call
    this.names.add(c.name);
    this.entries.push({ list, props: c, config });
    return props;
  }

  /** The annotations of the pod template: AppArmor before 1.30, and the images accepted by tag. */
  /** Whether a container accepts its image by tag (with a reason), as declared. */
  public get acceptsTaggedImages(): boolean {
    return this.entries.some(e => !e.props.image.pinned);
  }

  private annotate(): void {
    if (!this.target) return;
    const metadata = this.target.podMetadata;
    const unpinned: string[] = [];
    for (const { props: c } of this.entries) {
      if (this.minor < KUBERNETES_FEATURES.appArmorField) {
        const annotation = this.appArmor.toAnnotation();
        if (annotation) metadata.addAnnotation(`container.apparmor.security.beta.kubernetes.io/${c.name}`, annotation);
      }
      if (!c.image.pinned) unpinned.push(`${c.name}: ${c.image.tagReason}`);
    }
    if (unpinned.length > 0) metadata.addAnnotation(UNPINNED_IMAGES_ANNOTATION, unpinned.join('; '));
  }

  /**
   * Mounts a projected API token volume read-only into every main container (the workload was
   * granted API access; `automountServiceAccountToken` stays false).
   */
  public mountApiToken(volume: Readonly<Record<string, unknown>>, mountPath: string): void {
    this.apiToken = { volume, mountPath };
  }

  private hardenContainers(spec: Record<string, unknown> | undefined): void {
    if (!spec) return;
    const volumes = (spec.volumes as Record<string, unknown>[] | undefined) ?? [];
    for (const { list, props: c, config } of this.entries) {
      const key = list === ContainerList.MAIN ? 'containers' : 'initContainers';
      const container = ((spec[key] as Record<string, unknown>[] | undefined) ?? []).find(x => x.name === c.name);
      if (!container) continue; // removed through an escape hatch: the policy pass judges what is left
      container.resources = toResourcesJson(c);
      const securityContext = (container.securityContext ??= {}) as Record<string, unknown>;
      securityContext.seccompProfile = this.seccomp.toJson();
      if (this.minor >= KUBERNETES_FEATURES.appArmorField) {
        const profile = this.appArmor.toField();
        if (profile) securityContext.appArmorProfile = profile;
      }
      if (list === ContainerList.SIDECAR) container.restartPolicy = 'Always';
      if (config.env.length > 0) container.env = [...((container.env as unknown[] | undefined) ?? []), ...config.env];
      if (config.volumeMounts.length > 0) container.volumeMounts = [...((container.volumeMounts as unknown[] | undefined) ?? []), ...config.volumeMounts];
      if (this.apiToken !== undefined && list === ContainerList.MAIN) {
        container.volumeMounts = [...((container.volumeMounts as unknown[] | undefined) ?? []), { mountPath: this.apiToken.mountPath, name: this.apiToken.volume.name, readOnly: true }];
      }
      for (const volume of config.volumes) {
        if (!volumes.some(x => x.name === volume.name)) volumes.push(volume);
      }
    }
    if (this.apiToken !== undefined) volumes.push({ ...this.apiToken.volume });
    if (volumes.length > 0) spec.volumes = volumes;
  }
}

const LOCALHOST_PROFILE = /^[A-Za-z0-9._\-]+(\/[A-Za-z0-9._\-]+)*$/;

