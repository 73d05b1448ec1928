import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addPostRenderPatch, addPostRenderTransform } from './_post-render-patch';
import * as v from './_validate';
import { HardenedInputError } from './errors';
import { ContainerList } from './hardened-pod';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';
import { createDisruptionBudget, createWorkloadService, spreadPods } from './_workload-companions';

/** How the volumes of a claim may be mounted. */
export enum VolumeAccessMode {
  /** Read-write by one node (the usual block storage). */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-write by one pod (Kubernetes 1.29+ GA; CSI drivers that support it). */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by many nodes (shared file systems). */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** A PersistentVolumeClaim template of a StatefulSet: each pod gets its own volume. */
export interface StatefulSetVolumeClaim {
  /** The claim's name (a DNS-1123 label); the volume of pod `<set>-N` is `<name>-<set>-N`. */
  readonly name: string;
  /** Where the main containers mount it, read-write. */
  readonly mountPath: string;
  /** The requested size, a Kubernetes quantity such as `10Gi`. */
  readonly storage: string;
  /**
   * The StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * The access mode.
   * @default VolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: VolumeAccessMode;
}

/** How a StatefulSet starts and stops its pods. */
export enum PodManagementPolicy {
  /** One at a time, in order, each ready before the next (databases, quorum systems). */
  ORDERED_READY = 'OrderedReady',
  /** All at once. */
  PARALLEL = 'Parallel',
}

/** The longest StatefulSet name whose pods the controller can create. */
export const MAX_STATEFUL_SET_NAME = 52;

/** Props of {@link HardenedStatefulSet}. */
export interface HardenedStatefulSetProps extends HardenedWorkloadProps {
  /**
   * Number of replicas; 2 or more get a PodDisruptionBudget (one replica needs a
   * PolicyException for HARDENED-10).
   * @default 2 (RESTRICTED_DEFAULTS.replicas)
   */
  readonly replicas?: number;
  /**
   * The claims each pod gets a volume of, mounted read-write into every main container.
   * @default []
   */
  readonly volumeClaims?: readonly StatefulSetVolumeClaim[];
  /**
   * How pods are started and stopped.
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: PodManagementPolicy;
}

/**
 * A StatefulSet hardened like every workload of this library, for workloads with a stable
 * identity and their own storage: a headless Service that gives each pod a DNS name, a
 * PersistentVolumeClaim template per `volumeClaims` entry, ordered rolling updates, `fsGroup`
 * with `fsGroupChangePolicy: OnRootMismatch` so that the non-root process owns its volume, pods
 * spread over nodes and zones, and a PodDisruptionBudget.
 */
export class HardenedStatefulSet extends HardenedWorkload {
  /** The underlying cdk8s-plus StatefulSet (an escape hatch: changes are still proven at synth). */
  public readonly statefulSet: kplus.StatefulSet;
  /** The headless Service that governs the pods' identities (`<pod>.<service>.<namespace>.svc`). */
  public readonly service: kplus.Service;
  /** The StatefulSet object, whose pod template the policy pass judges at synth. */
  public readonly podTemplateObject: ApiObject;
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: HardenedStatefulSetProps) {
    super(scope, id, props, { longRunning: true });
    if (this.name.length > MAX_STATEFUL_SET_NAME) {
      // the controller labels each pod controller-revision-hash=<name>-<10-character hash>, a label value of at most 63
      throw new HardenedInputError(this, 'name', this.name, `is ${this.name.length} characters long; the StatefulSet controller cannot create pods for names over ${MAX_STATEFUL_SET_NAME} (their controller-revision-hash label would exceed 63)`,
        `shorten the name to ${MAX_STATEFUL_SET_NAME} characters or fewer`);
    }
    this.replicas = v.integer(this, 'replicas', props.replicas ?? RESTRICTED_DEFAULTS.replicas, 1, 1000);
    const podManagement = props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY;
    if (!Object.values(PodManagementPolicy).includes(podManagement)) {
      // was written as OrderedReady without a word
      throw new HardenedInputError(this, 'podManagementPolicy', podManagement, 'is not a pod management policy', `use PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL (${Object.values(PodManagementPolicy).join(', ')})`);
    }
    this.service = createWorkloadService(this.companions(), { headless: true });
    this.statefulSet = new kplus.StatefulSet(this, 'Resource', {
      ...this.pod.kplusProps,
      metadata: this.metadata(),
      podMetadata: { labels: { ...this.objectLabels } },
      replicas: this.replicas,
      service: this.service,
      select: false,
      spread: false,
      podManagementPolicy: podManagement === PodManagementPolicy.PARALLEL ? kplus.PodManagementPolicy.PARALLEL : kplus.PodManagementPolicy.ORDERED_READY,
      strategy: kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 0 }),
    });
    this.statefulSet.select(kplus.LabelSelector.of({ labels: { ...this.selectorLabels } }));
    const apiObject = ApiObject.of(this.statefulSet);
    this.podTemplateObject = apiObject;
    this.hardenPodTemplate(this.statefulSet, apiObject, '/spec/template');
    spreadPods(this.companions(), apiObject, '/spec/template');

    const claims = this.volumeClaims(props.volumeClaims ?? []);
    if (claims.length > 0) {
      addPostRenderPatch(apiObject, JsonPatch.add('/spec/volumeClaimTemplates', claims.map(c => c.template)));
      addPostRenderTransform(apiObject, json => {
        const template = (json.spec as { template?: { spec?: { containers?: Record<string, unknown>[] } } } | undefined)?.template;
        const containers = template?.spec?.containers ?? [];
        const main = new Set(this.pod.containers(ContainerList.MAIN).map(c => c.name));
        for (const container of containers.filter(c => main.has(String(c.name)))) {
          container.volumeMounts = [...((container.volumeMounts as unknown[] | undefined) ?? []), ...claims.map(c => c.mount)];
        }
      });
    }
    if (this.replicas >= 2) createDisruptionBudget(this.companions());
  }

  protected maxPods(): number {
    return this.replicas; // updates replace pods one by one, never surge
  }

  private volumeClaims(claims: readonly StatefulSetVolumeClaim[]): { template: Record<string, unknown>; mount: Record<string, unknown> }[] {
    const names = new Set<string>();
    const paths = new Set(this.pod.containers().flatMap(c => [...(c.writablePaths ?? []), ...(c.mounts ?? []).map(m => m.path)]).map(v.mountKey));
    return claims.map((c, i) => {
      const field = `volumeClaims[${i}]`;
      v.dnsLabel(this, `${field}.name`, c.name);
      if (names.has(c.name)) throw new HardenedInputError(this, `${field}.name`, c.name, 'is used by two claims', 'give each claim a unique name');
      names.add(c.name);
      v.absolutePath(this, `${field}.mountPath`, c.mountPath, 'write e.g. "/var/lib/postgresql/data"');
      if (paths.has(v.mountKey(c.mountPath))) throw new HardenedInputError(this, `${field}.mountPath`, c.mountPath, 'is also a writable path or a mount of a container', 'mount each path once');
      paths.add(v.mountKey(c.mountPath));
      if (v.byteQuantity(this, `${field}.storage`, c.storage) <= 0) throw new HardenedInputError(this, `${field}.storage`, c.storage, 'is zero', 'request a size such as "10Gi"');
      if (c.storageClassName !== undefined) v.dnsSubdomain(this, `${field}.storageClassName`, c.storageClassName);
      const accessMode = c.accessMode ?? VolumeAccessMode.READ_WRITE_ONCE;
      if (!Object.values(VolumeAccessMode).includes(accessMode)) {
        throw new HardenedInputError(this, `${field}.accessMode`, accessMode, 'is not an access mode', `use one of ${Object.values(VolumeAccessMode).join(', ')}`);
      }
      return {
        template: {
          metadata: { name: c.name, labels: { ...this.objectLabels } },
          spec: {
            accessModes: [accessMode],
            ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
            resources: { requests: { storage: c.storage } },
          },
        },
        mount: { name: c.name, mountPath: c.mountPath },
      };
    });
  }
}
