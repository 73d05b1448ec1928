import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as jsYaml from 'js-yaml';
import type { HardenedContainerResources } from '../hardened-container';
import { RESTRICTED_DEFAULTS } from '../restricted-defaults';

/** What the gateway's parameters ConfigMap sets on the objects Istio deploys. @internal */
export interface GatewayParametersProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceType: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly resources: HardenedContainerResources;
  readonly podLabels: Readonly<Record<string, string>>;
  /** The proxy image, pinned by digest. */
  readonly proxyImage: string;
  /** Whether the target has the `appArmorProfile` field (1.30+); else the beta annotation. */
  readonly appArmorField: boolean;
}

const dump = (value: unknown): string => jsYaml.dump(value, { lineWidth: -1, noRefs: true });

/**
 * The ConfigMap a Gateway's `spec.infrastructure.parametersRef` names. Istio's gateway controller
 * (pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go, `applyOverlay`) applies each key
 * as a strategic merge patch to the object it renders from its `kube-gateway.yaml` template:
 * `deployment`, `service`, `serviceAccount`, `horizontalPodAutoscaler` and `podDisruptionBudget`
 * (the last two are created only when their key is given). What we set:
 *
 * - `deployment`: pod-level `seccompProfile: RuntimeDefault` and AppArmor `RuntimeDefault` (field
 *   from 1.30, annotation before; the template sets neither AppArmor nor, unless the
 *   install sets `gateways.seccompProfile`, a seccomp profile: by default the pod fails Pod Security restricted),
 *   the proxy image pinned by digest and a liveness probe (a TCP check of Envoy's status port
 *   15021; the template has readiness and startup probes only), both of which the app's admission
 *   policies require (HARDENED-1, HARDENED-4), the proxy's requests and limits, no Kubernetes API
 *   token (the agent authenticates to istiod with the projected `istio-token` the template mounts,
 *   pkg/config/constants ThirdPartyJwtPath), and the spread over nodes and zones our workloads get;
 * - `service`: its type (a HardenedNamespace's quota allows no LoadBalancer by default);
 * - `horizontalPodAutoscaler` and `podDisruptionBudget`: at least two replicas and one always up.
 *
 * The template already runs `istio-proxy` as uid/gid 1337, non-root, read-only root filesystem,
 * no privilege escalation, every capability dropped; see docs/decisions.md for what is left.
 * @internal
 */
export function gatewayParameters(scope: Construct, id: string, props: GatewayParametersProps): ApiObject {
  const r = props.resources;
  const limits = { cpu: r.cpu.limit, memory: r.memory.limit, ...(r.ephemeralStorage?.limit ? { 'ephemeral-storage': r.ephemeralStorage.limit } : {}) };
  const requests = { cpu: r.cpu.request, memory: r.memory.request, ...(r.ephemeralStorage?.request ? { 'ephemeral-storage': r.ephemeralStorage.request } : {}) };
  const appArmor = props.appArmorField ? { appArmorProfile: { type: 'RuntimeDefault' } } : {};
  const annotations = props.appArmorField ? {} : { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/istio-proxy': 'runtime/default' } } };
  const matchLabels = { ...props.podLabels };
  const deployment = {
    spec: {
      template: {
        ...annotations,
        spec: {
          securityContext: { seccompProfile: { type: 'RuntimeDefault' }, ...appArmor },
          automountServiceAccountToken: false,
          containers: [{
            name: 'istio-proxy', image: props.proxyImage, resources: { requests, limits },
            livenessProbe: { tcpSocket: { port: RESTRICTED_DEFAULTS.gateway.statusPort }, periodSeconds: 10, failureThreshold: 3 },
          }],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
          ],
        },
      },
    },
  };
  const data: Record<string, string> = {
    deployment: dump(deployment),
    service: dump({ spec: { type: props.serviceType } }),
    horizontalPodAutoscaler: dump({
      spec: {
        minReplicas: props.minReplicas, maxReplicas: props.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: RESTRICTED_DEFAULTS.autoscalingCpuUtilizationPercent } } }],
      },
    }),
    podDisruptionBudget: dump({ spec: { minAvailable: 1 } }),
  };
  return new ApiObject(scope, id, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
    data,
  });
}
