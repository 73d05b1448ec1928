import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addPostRenderTransform, dig } from './_post-render-patch';
import * as v from './_validate';
import { AppModel, IHardenedNamespace, IHardenedWorkload, WorkloadResourceUsage } from './app-model';
import { ApiAccess, apiServerPorts, API_TOKEN_MOUNT_PATH, type GrantApiOptions } from './api-access';
import { AllowOptions, FlowDirection, IPeer, PeerKind, PeerSelector, Port, Protocol } from './connectivity';
import { HardenedInputError } from './errors';
import { HardenedContainerProps } from './hardened-container';
import { ContainerList, HardenedPodProps, HardenedPodTemplate, PodTemplateOptions } from './hardened-pod';
import { HostNetworkPolicy } from './host-network-policy';
import { addMeshUpstream, ExposeViaIngressOptions, validateExposure } from './ingress-exposure';
import { ExposeViaGatewayOptions, GatewayRoute, routeViaGateway } from './gateway/gateway-route';
import type { HardenedGateway } from './gateway/hardened-gateway';
import { MANAGED_BY, MANAGED_BY_LABEL, WORKLOAD_NAME_LABEL } from './restricted-defaults';
import { dropAddressLabel, WorkloadCompanions } from './_workload-companions';
import { workloadCrossChecks } from './_workload-cross-checks';

/** The props every hardened workload kind shares. */
export interface HardenedWorkloadProps extends HardenedPodProps {
  /**
   * The name of the workload and of its ServiceAccount, Service, PodDisruptionBudget and
   * policies; also the `app.kubernetes.io/name` label that selects its pods.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace to run in; a HardenedNamespace of the same app.
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: IHardenedNamespace;
  /**
   * Extra labels on every object and on the pods.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const RESERVED_NAMES = new Set(['namespace', 'default-deny-all']);

/**
 * What every hardened workload kind shares: a validated name and namespace, its own
 * ServiceAccount without a token, a pod that passes Pod Security Standards restricted by
 * construction (HardenedPodTemplate), containers added only through methods that harden them, a
 * network identity for `allowFrom`/`allowTo`, and the cross-checks that catch mistakes before
 * the cluster does. Subclasses create the Kubernetes object of their kind.
 */
export abstract class HardenedWorkload extends Construct implements IHardenedWorkload {
  /** The workload's name. */
  public readonly name: string;
  /** The namespace the workload runs in. */
  public readonly namespaceName: string;
  /** The labels that select its pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The workload's own ServiceAccount; its identity in the mesh. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The object whose pod template the policy pass judges at synth (the Deployment, StatefulSet, ...). */
  public abstract readonly podTemplateObject: ApiObject;
  /** The Service in front of the workload's ports, when it has one. */
  public abstract readonly service?: kplus.Service;
  /** The labels of every object of the workload. */
  protected readonly objectLabels: Readonly<Record<string, string>>;
  /** The pod hardening. */
  protected readonly pod: HardenedPodTemplate;
  private kplusWorkload?: kplus.AbstractPod;
  private readonly ingresses: { host: string; paths: string[]; className: string }[] = [];
  private apiAccess?: ApiAccess;

  protected constructor(scope: Construct, id: string, props: HardenedWorkloadProps, options: PodTemplateOptions) {
    super(scope, v.freeId(scope, id));
    const model = AppModel.of(this);
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
    this.objectLabels = { ...v.labels(this, 'labels', props.labels ?? {}), ...this.selectorLabels, [MANAGED_BY_LABEL]: MANAGED_BY };
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: this.metadata(), automountToken: false });
    this.pod = new HardenedPodTemplate(this, props, this.serviceAccount, options);
    model.addWorkload(this);
    this.node.addValidation({ validate: () => this.crossCheck() });
  }

  /**
   * Adds a main container next to the others, hardened like them. A second main container is a
   * finding of HARDENED-11 (one application per pod): prefer `addSidecar` for helpers.
   */
  public addContainer(container: HardenedContainerProps): void {
    const props = this.pod.add(ContainerList.MAIN, container, `addContainer(${JSON.stringify(container?.name)})`);
    this.workload().addContainer(props);
  }

  /** Adds an init container, hardened like the main containers; it runs to completion before them. */
  public addInitContainer(container: HardenedContainerProps): void {
    const props = this.pod.add(ContainerList.INIT, container, `addInitContainer(${JSON.stringify(container?.name)})`);
    this.workload().addInitContainer(props);
  }

  /**
   * Adds a native sidecar (an init container with `restartPolicy: Always`, started before and
   * stopped after the main containers), hardened like them. Needs Kubernetes 1.29 or later.
   */
  public addSidecar(container: HardenedContainerProps): void {
    const props = this.pod.add(ContainerList.SIDECAR, container, `addSidecar(${JSON.stringify(container?.name)})`);
    // restartPolicy Always makes cdk8s-plus treat it as a sidecar, which may have probes (it refuses them on init containers)
    this.workload().addInitContainer({ ...props, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS });
  }

  /**
   * Lets the workload call the Kubernetes API, with least privilege: a Role with exactly
   * `options.rules` bound to its own ServiceAccount, a projected API token mounted in its main
   * containers, and NetworkPolicy egress to `options.server` on its port. Call again to add rules.
   * @returns the Role, its binding and the token settings
   */
  public grantApi(options: GrantApiOptions): ApiAccess {
    if (this.apiAccess !== undefined) return this.apiAccess.extend(options);
    this.apiAccess = new ApiAccess(this, 'ApiAccess', { name: this.name, namespaceName: this.namespaceName, labels: this.objectLabels }, options);
    this.pod.mountApiToken(this.apiAccess._tokenVolume(), API_TOKEN_MOUNT_PATH);
    for (const peer of options.server._peers()) this.allowTo(peer, { ports: apiServerPorts(options.server) });
    return this.apiAccess;
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

  /**
   * Exposes the workload through an Ingress (networking.k8s.io/v1) with TLS, and opens exactly
   * its container port to the ingress controller's pods (a declared flow, like `allowFrom`).
   * Needs the workload's Service.
   * @returns the Ingress object
   */
  public exposeViaIngress(options: ExposeViaIngressOptions): ApiObject {
    const tcpPorts = this.pod.containers(ContainerList.MAIN).flatMap(c => c.ports ?? []).filter(p => (p.protocol ?? Protocol.TCP) === Protocol.TCP);
    const routed = AppModel.of(this).workloads.flatMap(w => (w instanceof HardenedWorkload ? w.ingresses.flatMap(r => r.paths.map(path => ({ host: r.host, path, by: w.node.path }))) : []));
    const route = validateExposure(this, options, { name: this.name, hasService: this.service !== undefined, tcpPorts }, routed);
    const ingressName = this.node.children.some(c => c.node.id.startsWith('Ingress-')) ? `${this.name}-${route.id.slice('Ingress-'.length)}`.slice(0, 63).replace(/-+$/, '') : this.name;
    const ingress = new ApiObject(this, route.id, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { ...this.metadata(ingressName), ...(Object.keys(route.annotations).length > 0 ? { annotations: route.annotations } : {}) },
      spec: {
        ingressClassName: route.className,
        tls: [{ hosts: [route.host], secretName: route.secretName }],
        rules: [{
          host: route.host,
          http: {
            paths: route.paths.map(path => ({
              path, pathType: 'Prefix',
              backend: { service: { name: this.name, port: { number: route.port.servicePort ?? route.port.number } } },
            })),
          },
        }],
      },
    });
    this.allowFrom(options.controller, { ports: [Port.tcp(route.port.number)] });
    this.ingresses.push({ host: route.host, paths: [...route.paths], className: route.className });
    // into a meshed namespace, ingress-nginx must proxy to the Service (crossCheck refuses other controllers)
    addPostRenderTransform(ingress, json => addMeshUpstream(json, route.className, AppModel.of(this).namespace(this.namespaceName)?.mesh !== undefined, this.name, this.namespaceName));
    return ingress;
  }

  /**
   * Exposes the workload through a HardenedGateway: an HTTPRoute (or GRPCRoute) in the workload's
   * namespace from `hostnames` and paths to its Service port, attached to the gateway's HTTPS
   * listeners; the gateway's pods may reach exactly that container port (a declared flow: the
   * NetworkPolicies and, in the mesh, the AuthorizationPolicy by the gateway's principal).
   * @returns the route
   */
  public exposeViaGateway(gateway: HardenedGateway, options: ExposeViaGatewayOptions): GatewayRoute {
    const tcpPorts = this.pod.containers(ContainerList.MAIN).flatMap(c => c.ports ?? []).filter(p => (p.protocol ?? Protocol.TCP) === Protocol.TCP);
    const { route, port } = routeViaGateway(this, gateway, options, { name: this.name, namespace: this.namespaceName, labels: this.objectLabels, hasService: this.service !== undefined, tcpPorts });
    this.allowFrom(gateway, { ports: [Port.tcp(port)] });
    return route;
  }

  /** The hosts and paths this workload is exposed at through an Ingress: its public entry points. */
  public get ingressHosts(): readonly { readonly host: string; readonly paths: readonly string[] }[] {
    return this.ingresses.map(i => ({ host: i.host, paths: i.paths }));
  }

  /** Whether a container accepts its image by tag (`ContainerImage.fromTag`, with a reason). */
  public get acceptsTaggedImages(): boolean {
    return this.pod.acceptsTaggedImages;
  }

  /** What the workload may need of its namespace's quota at most. */
  public resourceUsage(): WorkloadResourceUsage {
    const requests: Record<string, number> = {};
    const limits: Record<string, number> = {};
    for (const c of this.pod.containers(ContainerList.MAIN, ContainerList.SIDECAR)) {
      const add = (into: Record<string, number>, resource: string, quantity: string | undefined) => {
        if (quantity !== undefined) into[resource] = (into[resource] ?? 0) + v.parseQuantity(quantity);
      };
      add(requests, 'cpu', c.resources.cpu.request);
      add(limits, 'cpu', c.resources.cpu.limit);
      add(requests, 'memory', c.resources.memory.request);
      add(limits, 'memory', c.resources.memory.limit);
      add(requests, 'ephemeral-storage', c.resources.ephemeralStorage?.request);
      add(limits, 'ephemeral-storage', c.resources.ephemeralStorage?.limit);
    }
    const text = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, n]) => [k, String(n)]));
    return { pods: this.maxPods(), requests: text(requests), limits: text(limits) };
  }

  /** The TCP ports the kubelet's probes of every container connect to (named ports resolved), sorted. */
  public probePorts(): readonly number[] {
    const out = new Set<number>();
    const workload = this.workload();
    for (const c of [...workload.initContainers, ...workload.containers]) {
      const kube = c._toKube();
      for (const k of [kube.readinessProbe, kube.livenessProbe, kube.startupProbe]) {
        if (!k) continue;
        const port = k.httpGet?.port?.value ?? k.tcpSocket?.port?.value ?? k.grpc?.port;
        if (typeof port === 'number') out.add(port);
        else if (typeof port === 'string') {
          const named = c.ports.find(p => p.name === port);
          if (named) out.add(named.number);
        }
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  /** @internal */
  public _ensureNetworkPolicy(direction: FlowDirection): void {
    HostNetworkPolicy.ensure(this, direction, this.name, this.selectorLabels);
  }

  /** The most pods this workload runs at once. */
  protected abstract maxPods(): number;

  /** Metadata of one of the workload's objects. */
  protected metadata(name: string = this.name): { name: string; namespace: string; labels: Record<string, string> } {
    return { name, namespace: this.namespaceName, labels: { ...this.objectLabels } };
  }

  /**
   * Hardens the pod template of the kind's cdk8s-plus workload: selection by our labels, the pod
   * hardening patches, and the link that lets `addContainer` and friends reach it.
   * @param templatePath JSON pointer of the pod template in the object, e.g. `/spec/template`
   */
  protected hardenPodTemplate(workload: kplus.AbstractPod, apiObject: ApiObject, templatePath: string): void {
    this.kplusWorkload = workload;
    this.pod.applyTo(apiObject, templatePath, workload.podMetadata);
    const labels = [...templatePath.split('/').filter(Boolean), 'metadata', 'labels'];
    addPostRenderTransform(apiObject, json => dropAddressLabel(dig(json, labels)));
  }

  /** What the workload's companion objects (Service, PodDisruptionBudget, spread) need to know of it. */
  protected companions(): WorkloadCompanions {
    return { scope: this, name: this.name, metadata: this.metadata(), selectorLabels: this.selectorLabels, ports: this.pod.containers(ContainerList.MAIN).flatMap(c => c.ports ?? []) };
  }

  private workload(): kplus.AbstractPod {
    if (!this.kplusWorkload) throw new Error(`${this.node.path}: the workload kind did not call hardenPodTemplate`);
    return this.kplusWorkload;
  }

  /** The checks that need the finished app: run once at synth, as a validation (see _workload-cross-checks). */
  private crossCheck(): string[] {
    const workload = this.workload();
    return workloadCrossChecks({
      workload: this, kind: this.constructor.name, objectLabels: this.objectLabels, pod: this.pod,
      addedThroughCdk8sPlus: [...workload.containers, ...workload.initContainers].map(c => c.name),
      ingressClasses: this.ingresses.map(i => i.className),
      labelsOf: w => (w instanceof HardenedWorkload ? w.objectLabels : undefined),
    });
  }
}
