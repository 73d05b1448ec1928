import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as v from './_validate';
import { AppModel, IHardenedWorkload } from './app-model';
import { AllowOptions, FlowDirection, IPeer, PeerKind, PeerSelector } from './connectivity';
import { HardenedInputError } from './errors';
import { addPostRenderPatch } from './_post-render-patch';
import { IHardenedNamespace } from './hardened-namespace';
import { HardenedPodProps, HardenedPodTemplate } from './hardened-pod';
import { HostNetworkPolicy } from './host-network-policy';
import { MANAGED_BY, MANAGED_BY_LABEL, RESTRICTED_DEFAULTS, WORKLOAD_NAME_LABEL } from './restricted-defaults';

/** Horizontal autoscaling on cpu utilisation (autoscaling/v2). */
export interface HardenedAutoscaling {
  /** The fewest replicas; at least 2. */
  readonly minReplicas: number;
  /** The most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average cpu utilisation, in percent of the request.
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
}

/** Props of {@link HardenedDeployment}. */
export interface HardenedDeploymentProps extends HardenedPodProps {
  /**
   * The name of the Deployment and of its ServiceAccount, Service, PodDisruptionBudget and
   * policies; also the `app.kubernetes.io/name` label that selects its pods.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace to run in.
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: IHardenedNamespace;
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
  /**
   * Extra labels on every object and on the pods.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const RESERVED_NAMES = new Set(['namespace', 'default-deny-all']);

/**
 * A Deployment that passes Pod Security Standards restricted by construction: non-root,
 * read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp and
 * AppArmor RuntimeDefault, a dedicated ServiceAccount without an API token, digest-pinned
 * images, required requests and limits and probes, spread over nodes and zones, and a
 * PodDisruptionBudget. It receives and sends only what `allowFrom`/`allowTo` declare.
 */
export class HardenedDeployment extends Construct implements IHardenedWorkload {
  /** The workload's name. */
  public readonly name: string;
  /** The namespace the workload runs in. */
  public readonly namespaceName: string;
  /** The labels that select its pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The underlying cdk8s-plus Deployment (an escape hatch: changes are still proven at synth). */
  public readonly deployment: kplus.Deployment;
  /** The workload's own ServiceAccount; its identity in the mesh. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ClusterIP Service, when the containers declare ports and `service` is not false. */
  public readonly service?: ApiObject;
  /** The Deployment object, whose pod template the policy pass judges at synth. */
  public readonly podTemplateObject: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id);
    this.name = v.dnsLabel(this, 'name', props.name ?? id);
    if (RESERVED_NAMES.has(this.name)) {
      throw new HardenedInputError(this, 'name', this.name, 'is reserved for namespace-wide policies', 'choose another workload name');
    }
    const namespace = props.namespace?.name ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      throw new HardenedInputError(this, 'namespace', namespace, 'is not set and the enclosing chart has no namespace',
        'pass namespace: <a HardenedNamespace>, or create the workload in a chart with a namespace');
    }
    this.namespaceName = v.dnsLabel(this, 'namespace', namespace);
    this.selectorLabels = { [WORKLOAD_NAME_LABEL]: this.name };
    const labels = { ...v.labels(this, 'labels', props.labels ?? {}), ...this.selectorLabels, [MANAGED_BY_LABEL]: MANAGED_BY };
    const metadata = (name: string) => ({ name, namespace: this.namespaceName, labels });

    const autoscaling = props.autoscaling;
    let replicas = v.integer(this, 'replicas', props.replicas ?? RESTRICTED_DEFAULTS.replicas, 1, 1000);
    if (autoscaling) {
      v.integer(this, 'autoscaling.minReplicas', autoscaling.minReplicas, 2, 1000, 'use at least 2 so that one pod can be disrupted');
      v.integer(this, 'autoscaling.maxReplicas', autoscaling.maxReplicas, autoscaling.minReplicas, 1000, `use at least minReplicas (${autoscaling.minReplicas})`);
      v.integer(this, 'autoscaling.cpuUtilizationPercent', autoscaling.cpuUtilizationPercent ?? 70, 1, 100);
      if (props.replicas !== undefined) {
        throw new HardenedInputError(this, 'replicas', props.replicas, 'is set together with autoscaling, which owns the replica count',
          'remove replicas, or remove autoscaling');
      }
      replicas = autoscaling.minReplicas;
    }

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata(this.name), automountToken: false });
    const pod = new HardenedPodTemplate(this, props, this.serviceAccount);
    this.deployment = new kplus.Deployment(this, 'Resource', {
      ...pod.kplusProps,
      metadata: metadata(this.name),
      podMetadata: { labels },
      replicas,
      select: false,
      spread: false,
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    const apiObject = ApiObject.of(this.deployment);
    this.podTemplateObject = apiObject;
    pod.applyTo(apiObject, '/spec/template', this.deployment.podMetadata);
    addPostRenderPatch(apiObject, JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...this.selectorLabels } } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.selectorLabels } } },
    ]));
    if (autoscaling) addPostRenderPatch(apiObject, JsonPatch.remove('/spec/replicas'));

    const ports = props.containers.flatMap(c => c.ports ?? []);
    if (props.service ?? ports.length > 0) {
      if (ports.length === 0) {
        throw new HardenedInputError(this, 'service', true, 'is requested but no container declares a port', 'declare ports on the containers, or drop service');
      }
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(this.name),
        spec: {
          type: 'ClusterIP',
          selector: { ...this.selectorLabels },
          ports: ports.map(p => ({
            ...(p.name ? { name: p.name } : ports.length > 1 ? { name: `port-${p.number}` } : {}),
            port: p.number,
            targetPort: p.number,
            protocol: p.protocol ?? 'TCP',
          })),
        },
      });
    }

    if (replicas >= 2) {
      new ApiObject(this, 'PodDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: metadata(this.name),
        spec: { maxUnavailable: 1, selector: { matchLabels: { ...this.selectorLabels } } },
      });
    }
    if (autoscaling) {
      new ApiObject(this, 'HorizontalPodAutoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadata(this.name),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent ?? 70 } } }],
        },
      });
    }
    AppModel.of(this).addWorkload(this);
  }

  /** Selects this workload's pods; carries its ServiceAccount identity. */
  public toPeerSelector(): PeerSelector {
    return {
      kind: PeerKind.WORKLOAD,
      key: `0/${this.namespaceName}/${this.name}`,
      namespace: this.namespaceName,
      podLabels: this.selectorLabels,
      serviceAccount: this.name,
    };
  }

  /** Lets this workload receive connections from `peer` on `options.ports` (and `peer` send them, if owned). */
  public allowFrom(peer: IPeer, options: AllowOptions): void {
    AppModel.of(this).connectivity.addFlow(this, 'allowFrom', peer, this, options);
  }

  /** Lets this workload open connections to `peer` on `options.ports` (and `peer` receive them, if owned). */
  public allowTo(peer: IPeer, options: AllowOptions): void {
    AppModel.of(this).connectivity.addFlow(this, 'allowTo', this, peer, options);
  }

  /** @internal */
  public _ensureNetworkPolicy(direction: FlowDirection): void {
    HostNetworkPolicy.ensure(this, direction, this.name, this.selectorLabels);
  }
}
