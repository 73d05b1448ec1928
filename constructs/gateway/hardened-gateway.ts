import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as v from '../_validate';
import { AppModel, IHardenedNamespace } from '../app-model';
import { FlowDirection, IPeer, IPolicyHost, Peer, PeerKind, PeerSelector, Port } from '../connectivity';
import { HardenedInputError } from '../errors';
import { ContainerImage } from '../container-image';
import { HardenedContainerResources, validateResources } from '../hardened-container';
import { HostNetworkPolicy } from '../host-network-policy';
import { KUBERNETES_FEATURES } from '../kubernetes-version';
import { Gateway } from '../imports/gateway-api/gateway.networking.k8s.io';
import type { IMeshProxyPeer } from '../mesh/mesh-proxy-peer';
import { MANAGED_BY, MANAGED_BY_LABEL, RESTRICTED_DEFAULTS } from '../restricted-defaults';
import { gatewayHostname, listenerAdmits } from './gateway-hostname';
import { containerUsage, gatewayProblems, MESHED_NAMESPACE_FIX, meshedNamespaceProblem, ProxyUsage } from './gateway-checks';
import { GatewayLayer } from './gateway-layer';
import { certificateGrant, GatewayHttpsListener, gatewayListeners, httpsListeners, httpsRedirectRoute } from './gateway-listeners';
import { gatewayParameters } from './gateway-parameters';
import { GatewayTls } from './gateway-tls';

/** The type of the Service Istio creates in front of the gateway's pods. */
export enum GatewayServiceType {
  /** A cloud load balancer (Istio's default); the namespace's quota must allow `services.loadbalancers`. */
  LOAD_BALANCER = 'LoadBalancer',
  /** A cluster-internal address, e.g. behind an external load balancer that targets the nodes or pods. */
  CLUSTER_IP = 'ClusterIP',
}

/** Props of {@link HardenedGateway}. */
export interface HardenedGatewayProps {
  /**
   * The Gateway's name; Istio names the Deployment, Service and ServiceAccount it creates `<name>-<gatewayClassName>`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace the Gateway and its pods live in: a HardenedNamespace of the app, not in the mesh
   * (the gateway's pods are Istio proxies themselves).
   * @default - the namespace of the enclosing chart
   */
  readonly namespace?: IHardenedNamespace;
  /** Where the HTTPS listeners' certificate comes from: TLS is required. */
  readonly tls: GatewayTls;
  /**
   * The Istio proxy image of the installed Istio (`istio/proxyv2`), pinned by digest, e.g. from
   * `crane digest docker.io/istio/proxyv2:1.31.0`. Istio's template renders it by tag, which the
   * blueprint's own admission policy (HARDENED-1) denies; the parameters pin it.
   */
  readonly proxyImage: ContainerImage;
  /**
   * The hostnames the gateway serves: one HTTPS listener each (`*.example.com` allowed as the
   * whole leftmost label). Required with `GatewayTls.fromCertManager`, which issues for them.
   * @default - one HTTPS listener for every hostname the routes name
   */
  readonly hostnames?: readonly string[];
  /**
   * The GatewayClass; its controller must be Istio's (`istio.io/gateway-controller`), whose
   * auto-deployment labels and ServiceAccount name the peer model uses.
   * @default "istio" (RESTRICTED_DEFAULTS.gateway.className)
   */
  readonly gatewayClassName?: string;
  /**
   * The port of the HTTPS listeners.
   * @default 443
   */
  readonly httpsPort?: number;
  /**
   * Add an HTTP listener whose only route redirects every request to HTTPS (301).
   * @default true
   */
  readonly httpRedirect?: boolean;
  /**
   * The port of the redirecting HTTP listener.
   * @default 80
   */
  readonly httpRedirectPort?: number;
  /**
   * Who may reach the listeners (NetworkPolicy ingress to the gateway's pods, on the listener ports only).
   * @default - every address (0.0.0.0/0 and ::/0)
   */
  readonly clients?: readonly IPeer[];
  /**
   * The namespaces whose routes may attach. A route from another namespace fails synth.
   * @default - exactly the namespaces of the routes that attach (a selector on kubernetes.io/metadata.name)
   */
  readonly allowedRouteNamespaces?: readonly string[];
  /**
   * The type of the Service Istio creates.
   * @default GatewayServiceType.LOAD_BALANCER
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * The fewest gateway pods (Istio's HorizontalPodAutoscaler; a PodDisruptionBudget keeps one up).
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * The most gateway pods.
   * @default 5
   */
  readonly maxReplicas?: number;
  /**
   * Requests and limits of the gateway's `istio-proxy` container.
   * @default RESTRICTED_DEFAULTS.gateway.resources (100m/1 cpu, 128Mi/512Mi memory)
   */
  readonly resources?: HardenedContainerResources;
}

/** A route attached to a HardenedGateway (recorded by `exposeViaGateway`). */
export interface GatewayRouteAttachment {
  /** `HTTPRoute` or `GRPCRoute`. */
  readonly kind: string;
  /** The route's namespace. */
  readonly namespace: string;
  /** Its hostnames. */
  readonly hostnames: readonly string[];
  /** Path prefixes (HTTP) or gRPC services (`*` for every service). */
  readonly matches: readonly string[];
  /** Path of the construct that exposed the workload. */
  readonly declaredBy: string;
}

/** The label Istio puts on the pods it deploys for a Gateway (and selects them by). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/**
 * A Gateway (gateway.networking.k8s.io/v1) that Istio deploys inside the mesh: HTTPS listeners that
 * terminate TLS with a required certificate, an HTTP listener that only redirects to HTTPS, and
 * `allowedRoutes` limited to the namespaces whose routes attach. Routes are added with
 * `workload.exposeViaGateway(gateway, ...)`.
 *
 * The gateway is a peer of the connectivity model: its pods (`gateway.networking.k8s.io/gateway-name`)
 * receive the listener ports from `clients` and nothing else, reach istiod and exactly the container
 * ports of the workloads exposed through it, and are admitted into STRICT namespaces by the SPIFFE
 * principal of the ServiceAccount Istio gives them (`<name>-<class>`). A ConfigMap passed as
 * `spec.infrastructure.parametersRef` hardens the Deployment Istio creates (see gatewayParameters).
 */
export class HardenedGateway extends Construct implements IPolicyHost, IMeshProxyPeer {
  /** The Gateway's name. */
  public readonly name: string;
  /** The namespace of the Gateway and its pods. */
  public readonly namespaceName: string;
  /** The GatewayClass. */
  public readonly gatewayClassName: string;
  /** The name of the Deployment, Service and ServiceAccount Istio creates. */
  public readonly deploymentName: string;
  /** The labels of the gateway's pods. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The HTTPS listeners. */
  public readonly httpsListeners: readonly GatewayHttpsListener[];
  /** The HTTPS port. */
  public readonly httpsPort: number;
  /** The redirecting HTTP port, if any. */
  public readonly httpRedirectPort?: number;
  /** The Gateway object. */
  public readonly apiObject: ApiObject;
  /** The namespace of the certificate Secret, when it is not the Gateway's (a ReferenceGrant is written there). */
  public readonly secretNamespace?: string;
  /** The type of the Service Istio creates. */
  public readonly serviceType: GatewayServiceType;
  /** @internal */
  public readonly _meshProxy = true as const;
  private readonly attached: GatewayRouteAttachment[] = [];
  private readonly allowedNamespaces?: ReadonlySet<string>;
  private readonly proxyUsage: ProxyUsage;

  constructor(scope: Construct, id: string, props: HardenedGatewayProps) {
    super(scope, v.freeId(scope, id));
    const model = AppModel.of(this);
    this.name = v.dnsLabel(this, 'name', props?.name ?? id);
    const namespace = props?.namespace?.name ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      throw new HardenedInputError(this, 'namespace', namespace, 'is not set and the enclosing chart has no namespace', 'pass namespace: <a HardenedNamespace>');
    }
    this.namespaceName = v.dnsLabel(this, 'namespace', namespace);
    const meshMode = model.namespace(this.namespaceName)?.mesh?.mode;
    if (meshMode !== undefined) throw new HardenedInputError(this, 'namespace', this.namespaceName, meshedNamespaceProblem(meshMode), MESHED_NAMESPACE_FIX);
    this.gatewayClassName = v.dnsSubdomain(this, 'gatewayClassName', props.gatewayClassName ?? RESTRICTED_DEFAULTS.gateway.className);
    this.deploymentName = v.dnsLabel(this, 'name', `${this.name}-${this.gatewayClassName}`);
    this.podLabels = { [GATEWAY_NAME_LABEL]: this.name };
    if (!(props.tls instanceof GatewayTls)) {
      throw new HardenedInputError(this, 'tls', props.tls, 'is not set: a gateway listener without TLS serves plain HTTP',
        'give GatewayTls.fromSecret("shop-tls") or GatewayTls.fromCertManager("letsencrypt")');
    }
    const hostnames = (props.hostnames ?? []).map((h, i) => gatewayHostname(this, `hostnames[${i}]`, h));
    if (new Set(hostnames).size !== hostnames.length) throw new HardenedInputError(this, 'hostnames', hostnames, 'lists a hostname twice', 'list each hostname once');
    if (props.tls.issuer !== undefined && hostnames.length === 0) {
      throw new HardenedInputError(this, 'hostnames', props.hostnames, 'is empty, and cert-manager issues a Gateway certificate only for listener hostnames', 'list the hostnames the gateway serves');
    }
    this.httpsPort = v.port(this, 'httpsPort', props.httpsPort ?? RESTRICTED_DEFAULTS.gateway.httpsPort);
    if (props.httpRedirect ?? true) {
      this.httpRedirectPort = v.port(this, 'httpRedirectPort', props.httpRedirectPort ?? RESTRICTED_DEFAULTS.gateway.httpRedirectPort);
      if (this.httpRedirectPort === this.httpsPort) throw new HardenedInputError(this, 'httpRedirectPort', this.httpRedirectPort, 'is the HTTPS port', 'use another port for the redirect, e.g. 80');
    } else if (props.httpRedirectPort !== undefined) {
      throw new HardenedInputError(this, 'httpRedirectPort', props.httpRedirectPort, 'is given but httpRedirect is false', 'drop httpRedirectPort, or set httpRedirect: true');
    }
    if (props.allowedRouteNamespaces !== undefined) {
      this.allowedNamespaces = new Set(props.allowedRouteNamespaces.map((n, i) => v.dnsLabel(this, `allowedRouteNamespaces[${i}]`, n)));
    }
    this.serviceType = props.serviceType ?? GatewayServiceType.LOAD_BALANCER;
    const minReplicas = v.integer(this, 'minReplicas', props.minReplicas ?? RESTRICTED_DEFAULTS.gateway.minReplicas, 2, 100, 'use 2 to 100: one gateway pod is a single point of failure for every route');
    const maxReplicas = v.integer(this, 'maxReplicas', props.maxReplicas ?? RESTRICTED_DEFAULTS.gateway.maxReplicas, minReplicas, 100);

    if (!(props.proxyImage instanceof ContainerImage) || !props.proxyImage.pinned) {
      throw new HardenedInputError(this, 'proxyImage', props.proxyImage?.reference, 'is not an image pinned by digest: Istio would run its proxy by tag, which the app\'s admission policy HARDENED-1 denies',
        'give ContainerImage.fromDigest("docker.io/istio/proxyv2@sha256:<digest of the installed Istio version>")');
    }
    const proxyImage = v.digestImage(this, 'proxyImage', props.proxyImage.reference);
    const labels = { [MANAGED_BY_LABEL]: MANAGED_BY };
    const { secretName, secretNamespace, annotations } = props.tls._resolve(this, 'tls', `${this.name}-tls`);
    this.secretNamespace = secretNamespace !== undefined && secretNamespace !== this.namespaceName ? secretNamespace : undefined;
    const resources = props.resources ?? RESTRICTED_DEFAULTS.gateway.resources;
    validateResources(this, 'resources', resources);
    this.proxyUsage = { pods: maxReplicas + Math.ceil(maxReplicas / 4), ...containerUsage(resources) }; // the HPA maximum plus Deployment's default 25% surge
    const parametersName = `${this.name}-gateway-parameters`;
    gatewayParameters(this, 'Parameters', {
      name: parametersName, namespace: this.namespaceName, labels, serviceType: this.serviceType, minReplicas, maxReplicas, proxyImage,
      resources, podLabels: this.podLabels, appArmorField: model.kubernetesMinor >= KUBERNETES_FEATURES.appArmorField,
    });

    this.httpsListeners = httpsListeners(hostnames);
    this.apiObject = new Gateway(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespaceName, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        gatewayClassName: this.gatewayClassName,
        // empty labels and annotations: Istio copies the Gateway's own (our managed-by label, the cert-manager
        // annotation) onto what it creates unless these are set (deploymentcontroller.go extractInfrastructureMetadata)
        infrastructure: { labels: {}, annotations: {}, parametersRef: { group: '', kind: 'ConfigMap', name: parametersName } },
        listeners: gatewayListeners({
          https: this.httpsListeners, httpsPort: this.httpsPort, httpRedirectPort: this.httpRedirectPort, secretName, secretNamespace: this.secretNamespace,
          routeNamespaces: () => this.routeNamespaces(),
        }),
      },
    });
    const meta = { gateway: this.name, namespace: this.namespaceName, labels };
    if (this.httpRedirectPort !== undefined) httpsRedirectRoute(this, 'HttpsRedirect', { ...meta, hostnames, httpsPort: this.httpsPort });
    if (this.secretNamespace !== undefined) certificateGrant(this, 'CertificateGrant', { ...meta, secretName, secretNamespace: this.secretNamespace });

    const listenerPorts = [this.httpsPort, ...(this.httpRedirectPort !== undefined ? [this.httpRedirectPort] : [])].map(p => Port.tcp(p));
    const clients = props.clients ?? RESTRICTED_DEFAULTS.gateway.clients.map(c => Peer.ipBlock(c));
    if (clients.length === 0) throw new HardenedInputError(this, 'clients', [], 'is empty, so nothing could reach the gateway', 'leave clients unset (every address) or list who may connect');
    clients.forEach(c => model.connectivity.addFlow(this, 'clients', c, this, { ports: listenerPorts }));
    GatewayLayer.of(model).addGateway(this);
    this.node.addValidation({ validate: () => this.check() });
  }

  /** Selects the gateway's pods; carries the ServiceAccount Istio gives them. */
  public toPeerSelector(): PeerSelector {
    return {
      kind: PeerKind.WORKLOAD,
      key: `0/${this.namespaceName}/${this.deploymentName}`,
      namespace: this.namespaceName,
      podLabels: this.podLabels,
      serviceAccount: this.deploymentName,
    };
  }

  /** The routes attached so far. */
  public get routes(): readonly GatewayRouteAttachment[] {
    return [...this.attached];
  }

  /**
   * Records a route and returns the HTTPS listeners it attaches to: those that admit one of its
   * hostnames. Refuses a namespace the gateway does not allow, a hostname no listener serves, and
   * a hostname and match that another route already claims.
   * @internal
   */
  public _attach(scope: Construct, field: string, route: GatewayRouteAttachment): GatewayHttpsListener[] {
    if (this.allowedNamespaces && !this.allowedNamespaces.has(route.namespace)) {
      throw new HardenedInputError(scope, `${field}.gateway`, this.node.path, `does not allow routes from namespace "${route.namespace}" (allowedRouteNamespaces: ${JSON.stringify([...this.allowedNamespaces])})`,
        `add "${route.namespace}" to allowedRouteNamespaces of the gateway, or leave that prop unset`);
    }
    route.hostnames.forEach((h, i) => {
      if (!this.httpsListeners.some(l => listenerAdmits(l.hostname, h))) {
        throw new HardenedInputError(scope, `${field}.hostnames[${i}]`, h, `is served by no HTTPS listener of ${this.node.path} (${this.httpsListeners.map(l => l.hostname).join(', ')})`,
          'add the hostname to the gateway\'s hostnames, or correct it');
      }
      for (const other of this.attached) {
        if (other.kind !== route.kind || !other.hostnames.includes(h)) continue;
        const shared = route.matches.find(m => other.matches.includes(m));
        if (shared !== undefined) {
          throw new HardenedInputError(scope, `${field}.hostnames[${i}]`, h, `with ${route.kind === 'GRPCRoute' ? 'service' : 'path'} "${shared}" is already routed by ${other.declaredBy}; the Gateway API would pick one route by creation time`,
            'route each hostname and path to one backend: drop one of the two, or use a more specific path');
        }
      }
    });
    this.attached.push(route);
    return this.httpsListeners.filter(l => route.hostnames.some(h => listenerAdmits(l.hostname, h)));
  }

  /** @internal */
  public _ensureNetworkPolicy(direction: FlowDirection): void {
    HostNetworkPolicy.ensure(this, direction, this.deploymentName, this.podLabels);
  }

  /** The sorted namespaces of the attached routes. */
  private routeNamespaces(): string[] {
    return [...new Set(this.attached.map(r => r.namespace))].sort();
  }

  private check(): string[] {
    return gatewayProblems(AppModel.of(this), {
      namespace: this.namespaceName, deploymentName: this.deploymentName, routes: this.attached.length, proxyUsage: this.proxyUsage,
      loadBalancer: this.serviceType === GatewayServiceType.LOAD_BALANCER, ...(this.secretNamespace !== undefined ? { secretNamespace: this.secretNamespace } : {}),
    });
  }
}
