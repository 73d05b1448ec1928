/**
 * The defaults this library applies, in one place. Constructs read them from here, the docs
 * quote them from here, and `test/restricted-defaults.test.ts` pins them: a default cannot drift
 * away from its documentation without a failing test.
 */
export const RESTRICTED_DEFAULTS = {
  /** Non-root user id for every container: the `nonroot` user of distroless and Chainguard images. */
  runAsUser: 65532,
  /** Primary group id for every container. */
  runAsGroup: 65532,
  /** Group that owns mounted volumes. */
  fsGroup: 65532,
  /** Replicas of a Deployment or StatefulSet when none is given (>= 2 so that a PodDisruptionBudget can protect it). */
  replicas: 2,
  /** The average CPU utilization (percent of requests) a Deployment's HorizontalPodAutoscaler aims for. */
  autoscalingCpuUtilizationPercent: 70,
  /** Seconds a pod has to shut down after SIGTERM (the Kubernetes default). */
  terminationGracePeriodSeconds: 30,
  /** A Job's (and a CronJob's Jobs') retries, deadline and how long it is kept after it finished. */
  job: { backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 },
  /** Seconds a CronJob's run may start late before it is skipped. */
  cronJobStartingDeadlineSeconds: 300,
  /** Lifetime of a projected ServiceAccount token (the kubelet rotates it at 80%). */
  serviceAccountTokenExpirationSeconds: 3600,
  /** The Pod Security Standards level a HardenedNamespace enforces, audits and warns on. */
  podSecurityLevel: 'restricted',
  /** Size limit (MiB) of the emptyDir behind each writable path. */
  writablePathSizeLimitMiB: 64,
  /** ResourceQuota of a HardenedNamespace. */
  resourceQuota: {
    'requests.cpu': '8',
    'requests.memory': '16Gi',
    'limits.cpu': '16',
    'limits.memory': '32Gi',
    'requests.ephemeral-storage': '20Gi',
    'limits.ephemeral-storage': '40Gi',
    'pods': '100',
    'services': '20',
    'services.loadbalancers': '0',
    'services.nodeports': '0',
    'persistentvolumeclaims': '20',
    'secrets': '50',
    'configmaps': '50',
  } as Readonly<Record<string, string>>,
  /** LimitRange of a HardenedNamespace: per-container defaults for pods that our constructs did not write. */
  limitRange: {
    defaultRequest: { cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' },
    default: { cpu: '500m', memory: '512Mi', ephemeralStorage: '1Gi' },
    max: { cpu: '4', memory: '8Gi', ephemeralStorage: '10Gi' },
  },
  /** Pods of `kube-system` that serve cluster DNS, and the namespace they live in. */
  clusterDns: {
    namespace: 'kube-system',
    podLabels: { 'k8s-app': 'kube-dns' } as Readonly<Record<string, string>>,
    port: 53,
  },
  /** The Istio mesh (IstioMesh, HardenedNamespace `mesh`): Istio's own defaults and fixed ports. */
  mesh: {
    /** The mesh root namespace (meshConfig.rootNamespace): its policies without selector apply mesh-wide. */
    rootNamespace: 'istio-system',
    /** The SPIFFE trust domain of the principals (meshConfig.trustDomain). */
    trustDomain: 'cluster.local',
    /** The istiod pods sidecars fetch configuration and certificates from. */
    controlPlane: { namespace: 'istio-system', podLabels: { app: 'istiod' } as Readonly<Record<string, string>> },
    /** istiod's xDS and CA port (gRPC over TLS). */
    controlPlanePort: 15012,
    /** HBONE: the mTLS tunnel port of ambient mode. */
    hbonePort: 15008,
    /** The sidecar's merged Prometheus metrics port (pilot-agent). */
    mergedMetricsPort: 15020,
    /** The source address Istio CNI gives kubelet probes of ambient pods on IPv4 (SNAT; cni/pkg/nodeagent DefaultHostProbeSNATIP). */
    ambientProbeSource: '169.254.7.127/32',
    /** The same on IPv6 (cni/pkg/nodeagent DefaultHostProbeSNATIPV6). */
    ambientProbeSourceIPv6: 'fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128',
    /** The IP families of the cluster's pods: the probe hole opens the probe source of each. */
    ipFamilies: ['IPv4'] as readonly string[],
    /** The uid (and gid) of the Istio proxy, whose traffic the redirection exempts. */
    proxyUid: 1337,
  },
  /** exposeViaIngress into a meshed namespace through ingress-nginx. */
  ingressNginx: {
    /** The IngressClass ingress-nginx installs by default. */
    className: 'nginx',
    /** The cluster's DNS domain, in the `upstream-vhost` the sidecar routes by. */
    clusterDomain: 'cluster.local',
  },
  /** A HardenedGateway (Gateway API, Istio's auto-deployed gateway). */
  gateway: {
    /** The GatewayClass Istio installs for its gateway controller. */
    className: 'istio',
    /** The port of the HTTPS listeners. */
    httpsPort: 443,
    /** The port of the HTTP listener, which only redirects to HTTPS. */
    httpRedirectPort: 80,
    /** Who may reach the listeners: every address. */
    clients: ['0.0.0.0/0', '::/0'] as readonly string[],
    /** Replicas of the gateway Deployment (Istio's HorizontalPodAutoscaler bounds). */
    minReplicas: 2,
    maxReplicas: 5,
    /** Requests and limits of the gateway's istio-proxy container. */
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '128Mi', limit: '512Mi' } },
    /** The Prometheus port of Istio's gateway pods (pilot-agent's merged metrics). */
    metricsPort: 15020,
    /** Envoy's status port on Istio's gateway pods (/healthz/ready); its liveness probe checks it over TCP. */
    statusPort: 15021,
  },
} as const;

/** Label every object of a workload carries with the workload's name; also its pod selector. */
export const WORKLOAD_NAME_LABEL = 'app.kubernetes.io/name';
/** Label that marks objects as written by this library. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY = 'cdk8s-hardened';
/** The label the API server sets on every Namespace with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
