import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as v from './_validate';
import { AppModel, IHardenedNamespace } from './app-model';
import { quotaProblems } from './_quota-fit';
import { AllowOptions, FlowDirection, IPeer, IPolicyHost, Peer, PeerKind, PeerSelector, Port } from './connectivity';
import { HardenedInputError } from './errors';
import { HostNetworkPolicy } from './host-network-policy';
import { MeshLayer } from './mesh/mesh-layer';
import { checkDataPlaneLabels, NamespaceMesh } from './mesh/namespace-mesh';
import { atLeastAsStrict, PodSecurityLevel, PodSecurityTarget, podSecurityVersionFor } from './pod-security';
import { MANAGED_BY, MANAGED_BY_LABEL, RESTRICTED_DEFAULTS } from './restricted-defaults';

/** Per-container defaults and bounds of a namespace's LimitRange. Values are Kubernetes quantities. */
export interface LimitRangeValues {
  /** cpu quantity, e.g. `500m`. */
  readonly cpu: string;
  /** memory quantity, e.g. `512Mi`. */
  readonly memory: string;
  /**
   * ephemeral-storage quantity, e.g. `1Gi`. The quota counts ephemeral storage, so pods that
   * declare none must get a default here or the API server rejects them.
   * @default - the matching RESTRICTED_DEFAULTS.limitRange value
   */
  readonly ephemeralStorage?: string;
}

/** Props of {@link HardenedNamespace}. */
export interface HardenedNamespaceProps {
  /**
   * The namespace's name (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The Pod Security Standards level the API server enforces (`pod-security.kubernetes.io/enforce`).
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly enforce?: PodSecurityLevel;
  /**
   * Why the namespace enforces less than restricted: required when `enforce` is baseline or
   * privileged (a real sentence, not "TODO"), and written into the Namespace's
   * `cdk8s-hardened.io/pod-security-reason` annotation for reviewers.
   * @default - none (refused when enforce is below restricted)
   */
  readonly enforceReason?: string;
  /**
   * The level that is audited; must be at least as strict as `enforce`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly audit?: PodSecurityLevel;
  /**
   * The level that warns clients; must be at least as strict as `enforce`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly warn?: PodSecurityLevel;
  /**
   * The policy version pinned by the `-version` labels of all three modes: `v1.N` no newer than
   * the app's Kubernetes version (an older pin keeps the checks of that release), or `latest`,
   * which the cluster's Pod Security Admission, and so synth, judges as the cluster's own version.
   * @default - the app's Kubernetes version, e.g. "v1.36" for "1.36" (podSecurityVersionFor)
   */
  readonly podSecurityVersion?: string;
  /**
   * The hard limits of the namespace's ResourceQuota, resource name to quantity.
   * @default RESTRICTED_DEFAULTS.resourceQuota
   */
  readonly resourceQuota?: Readonly<Record<string, string>>;
  /**
   * Request given to a container that declares none (pods not written by this library).
   * @default RESTRICTED_DEFAULTS.limitRange.defaultRequest (100m, 128Mi, 64Mi)
   */
  readonly defaultRequest?: LimitRangeValues;
  /**
   * Limit given to a container that declares none.
   * @default RESTRICTED_DEFAULTS.limitRange.default (500m, 512Mi, 1Gi)
   */
  readonly defaultLimit?: LimitRangeValues;
  /**
   * The largest limit one container may declare.
   * @default RESTRICTED_DEFAULTS.limitRange.max (4, 8Gi, 10Gi)
   */
  readonly maxLimit?: LimitRangeValues;
  /**
   * Open egress from every pod of the namespace to cluster DNS (53/UDP and 53/TCP to the
   * `k8s-app: kube-dns` pods of `kube-system`).
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Extra labels on the Namespace object.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Put the namespace in the Istio mesh of the app (an `IstioMesh` is required): sidecar or
   * ambient data plane, STRICT mTLS, a deny-by-default AuthorizationPolicy, an identity-based
   * ALLOW rule for each declared flow into its pods, and only the NetworkPolicy holes the mode
   * needs. See docs/mesh.md.
   * @default - not in the mesh
   */
  readonly mesh?: NamespaceMesh;
}

/** The annotation that carries a namespace's reason for enforcing less than restricted. */
export const POD_SECURITY_REASON_ANNOTATION = 'cdk8s-hardened.io/pod-security-reason';

/** Namespaces of the cluster itself, which a blueprint must not put default-deny policies into. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'gatekeeper-system']);

/**
 * A Namespace with secure defaults: Pod Security Standards labels (restricted, pinned version,
 * for enforce, audit and warn), a ResourceQuota, a LimitRange, a default-deny NetworkPolicy for
 * ingress and egress, and an egress hole to cluster DNS. Every other hole is declared with
 * `allowFrom`/`allowTo` on the namespace or its workloads.
 *
 * The Namespace is cluster-scoped: place this construct in a chart without a `namespace`.
 */
export class HardenedNamespace extends Construct implements IHardenedNamespace, IPolicyHost {
  /** The HardenedNamespace of this app named `name`, if there is one. */
  public static find(scope: IConstruct, name: string): HardenedNamespace | undefined {
    const found = AppModel.of(scope).namespace(name);
    return found instanceof HardenedNamespace ? found : undefined;
  }

  /** The namespace's name. */
  public readonly name: string;
  /** The level and version the namespace enforces. */
  public readonly enforced: PodSecurityTarget;
  /** The levels audited and warned, with the same version. */
  public readonly audited: PodSecurityTarget;
  /** The level that warns clients, with the same version. */
  public readonly warned: PodSecurityTarget;
  /** The Namespace object. */
  public readonly apiObject: ApiObject;
  /** The namespace's data-plane mode in the mesh, if it is in the mesh. */
  public readonly mesh?: NamespaceMesh;
  /** The per-container values of the namespace's LimitRange, by resource (`cpu`, `memory`, `ephemeral-storage`). */
  public readonly limitRange: {
    readonly defaultRequest: Readonly<Record<string, string>>;
    readonly default: Readonly<Record<string, string>>;
    readonly max: Readonly<Record<string, string>>;
  };
  /** The hard limits of the namespace's ResourceQuota. */
  public readonly resourceQuota: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps = {}) {
    super(scope, id);
    const chartNamespace = Chart.of(this).namespace;
    if (chartNamespace !== undefined) {
      throw new HardenedInputError(this, 'chart.namespace', chartNamespace, 'is set on the chart that holds a HardenedNamespace, so cdk8s would stamp it on the cluster-scoped Namespace',
        'create HardenedNamespace in a chart without a namespace (e.g. a "cluster" chart)');
    }
    this.name = v.dnsLabel(this, 'name', props.name ?? id);
    if (SYSTEM_NAMESPACES.has(this.name)) {
      throw new HardenedInputError(this, 'name', this.name, 'is a system namespace: default-deny there cuts cluster DNS, the control plane or the mesh for everyone',
        'leave system namespaces to the cluster\'s own configuration; create your own namespaces and allow them to reach kube-dns (allowDns)');
    }
    AppModel.of(this).addNamespace(this);

    const version = podSecurityVersionFor(this, 'podSecurityVersion', props.podSecurityVersion, AppModel.of(this).kubernetesMinor);
    const enforce = props.enforce ?? PodSecurityLevel.RESTRICTED;
    const audit = props.audit ?? PodSecurityLevel.RESTRICTED;
    const warn = props.warn ?? PodSecurityLevel.RESTRICTED;
    for (const [field, level] of [['enforce', enforce], ['audit', audit], ['warn', warn]] as const) {
      if (!(Object.values(PodSecurityLevel) as string[]).includes(level)) {
        const lower = typeof level === 'string' ? level.toLowerCase() : '';
        throw new HardenedInputError(this, field, level, `is not a Pod Security level (${Object.values(PodSecurityLevel).join(', ')}; the API server reads them in lower case)`,
          (Object.values(PodSecurityLevel) as string[]).includes(lower) ? `write ${JSON.stringify(lower)} (PodSecurityLevel.${lower.toUpperCase()})` : 'use PodSecurityLevel.RESTRICTED, BASELINE or PRIVILEGED');
      }
    }
    for (const [field, level] of [['audit', audit], ['warn', warn]] as const) {
      if (!atLeastAsStrict(level, enforce)) {
        throw new HardenedInputError(this, field, level, `is less strict than enforce "${enforce}", so it could never report anything`,
          `set ${field} to "${enforce}" or stricter`);
      }
    }
    let reasonAnnotation: Record<string, string> = {};
    if (enforce !== PodSecurityLevel.RESTRICTED) {
      if (props.enforceReason === undefined) {
        throw new HardenedInputError(this, 'enforce', enforce, 'lowers the enforced Pod Security level below restricted without a reason',
          'keep restricted, or give enforceReason: a sentence that tells a reviewer why this namespace needs it');
      }
      reasonAnnotation = { [POD_SECURITY_REASON_ANNOTATION]: v.reason(this, 'enforceReason', props.enforceReason) };
    } else if (props.enforceReason !== undefined) {
      throw new HardenedInputError(this, 'enforceReason', props.enforceReason, 'is given but enforce is restricted', 'drop enforceReason');
    }
    this.enforced = { level: enforce, version };
    this.audited = { level: audit, version };
    this.warned = { level: warn, version };

    const extraLabels = v.labels(this, 'labels', props.labels ?? {});
    this.mesh = props.mesh;
    const meshLabels = this.mesh?.namespaceLabels() ?? {};
    checkDataPlaneLabels(this, extraLabels, this.mesh);
    if (this.mesh?.revision !== undefined) v.labels(this, 'mesh.revision', meshLabels);
    if (this.mesh) MeshLayer.of(AppModel.of(this));
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: this.name,
        ...(Object.keys(reasonAnnotation).length > 0 ? { annotations: reasonAnnotation } : {}),
        labels: {
          ...extraLabels,
          ...meshLabels,
          [MANAGED_BY_LABEL]: MANAGED_BY,
          'pod-security.kubernetes.io/enforce': enforce,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': audit,
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': warn,
          'pod-security.kubernetes.io/warn-version': version,
        },
      },
    });

    const quota = props.resourceQuota ?? RESTRICTED_DEFAULTS.resourceQuota;
    const hard: Record<string, string> = {};
    for (const key of Object.keys(quota).sort()) {
      v.quotaEntry(this, `resourceQuota[${JSON.stringify(key)}]`, key, quota[key]);
      hard[key] = quota[key];
    }
    this.resourceQuota = hard;
    this.namespaced('ResourceQuota', 'v1', 'resource-quota', { spec: { hard } });

    const limits = RESTRICTED_DEFAULTS.limitRange;
    const defaultRequest = this.limitValues('defaultRequest', props.defaultRequest ?? limits.defaultRequest, limits.defaultRequest.ephemeralStorage);
    const defaultLimit = this.limitValues('defaultLimit', props.defaultLimit ?? limits.default, limits.default.ephemeralStorage);
    const maxLimit = this.limitValues('maxLimit', props.maxLimit ?? limits.max, limits.max.ephemeralStorage);
    for (const r of ['cpu', 'memory', 'ephemeral-storage'] as const) {
      const prop = r === 'ephemeral-storage' ? 'ephemeralStorage' : r;
      if (v.parseQuantity(defaultRequest[r]) > v.parseQuantity(defaultLimit[r])) {
        throw new HardenedInputError(this, `defaultRequest.${prop}`, defaultRequest[r], `is above defaultLimit.${prop} ${defaultLimit[r]}`, 'keep the default request at or below the default limit');
      }
      if (v.parseQuantity(defaultLimit[r]) > v.parseQuantity(maxLimit[r])) {
        throw new HardenedInputError(this, `defaultLimit.${prop}`, defaultLimit[r], `is above maxLimit.${prop} ${maxLimit[r]}`, 'keep the default limit at or below the maximum');
      }
    }
    this.limitRange = { defaultRequest, default: defaultLimit, max: maxLimit };
    this.namespaced('LimitRange', 'v1', 'limit-range', {
      spec: { limits: [{ type: 'Container', defaultRequest, default: defaultLimit, max: maxLimit }] },
    });

    this.namespaced('NetworkPolicy', 'networking.k8s.io/v1', 'default-deny-all', {
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }, 'DefaultDeny');

    // the app-wide check of this namespace, once: can its quota hold every workload at its most pods?
    this.node.addValidation({
      validate: () => quotaProblems(this.name, this.node.path, this.resourceQuota,
        AppModel.of(this).workloadsIn(this.name).map(w => ({ name: w.name, usage: w.resourceUsage() }))),
    });

    if (props.allowDns ?? true) {
      this.allowTo(Peer.clusterDns(), { ports: [Port.udp(RESTRICTED_DEFAULTS.clusterDns.port), Port.tcp(RESTRICTED_DEFAULTS.clusterDns.port)] });
    }
  }

  /** The namespace the host's policies live in: this one. */
  public get namespaceName(): string {
    return this.name;
  }

  /** Selects every pod of this namespace. */
  public toPeerSelector(): PeerSelector {
    return { kind: PeerKind.NAMESPACE, key: `1/${this.name}`, namespace: this.name };
  }

  /** Lets every pod of this namespace receive connections from `peer` on `options.ports`. */
  public allowFrom(peer: IPeer, options: AllowOptions): void {
    AppModel.of(this).connectivity.addFlow(this, 'allowFrom', peer, this, options);
  }

  /** Lets every pod of this namespace open connections to `peer` on `options.ports`. */
  public allowTo(peer: IPeer, options: AllowOptions): void {
    AppModel.of(this).connectivity.addFlow(this, 'allowTo', this, peer, options);
  }

  /** @internal */
  public _ensureNetworkPolicy(direction: FlowDirection): void {
    HostNetworkPolicy.ensure(this, direction, 'namespace');
  }

  private limitValues(field: string, values: LimitRangeValues, defaultEphemeral: string): Record<'cpu' | 'memory' | 'ephemeral-storage', string> {
    const ephemeral = values.ephemeralStorage ?? defaultEphemeral;
    v.quantity(this, `${field}.cpu`, values.cpu);
    v.quantity(this, `${field}.ephemeralStorage`, ephemeral);
    v.quantity(this, `${field}.memory`, values.memory);
    return { 'cpu': values.cpu, 'ephemeral-storage': ephemeral, 'memory': values.memory };
  }

  private namespaced(kind: string, apiVersion: string, name: string, body: Record<string, unknown>, id: string = kind): ApiObject {
    return new ApiObject(this, id, {
      apiVersion, kind,
      metadata: { name, namespace: this.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      ...body,
    });
  }
}
