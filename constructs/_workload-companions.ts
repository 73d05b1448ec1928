import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addPostRenderPatch, addPostRenderTransform, dig } from './_post-render-patch';
import * as v from './_validate';
import { Protocol } from './connectivity';
import { HardenedInputError } from './errors';
import type { HardenedContainerPort } from './hardened-container';

// Private module: the objects a workload owns beside its pod template (its Service, its
// PodDisruptionBudget) and the topology spread of its pods. The workload kinds call these with
// what the workload knows (HardenedWorkload.companions()).

/** What the companion objects read of their workload. */
export interface WorkloadCompanions {
  /** The workload construct: the objects are its children; errors name it. */
  readonly scope: Construct;
  /** The workload's name. */
  readonly name: string;
  /** Metadata for its objects (name, namespace, labels). */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  /** The labels that select its pods. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** The ports of its main containers. */
  readonly ports: readonly HardenedContainerPort[];
}

/**
 * A Service for the container ports (`servicePort`, default the container port, to the container
 * port), selecting the workload's pods; headless (`clusterIP: None`) for a StatefulSet's stable
 * pod identities.
 */
export function createWorkloadService(w: WorkloadCompanions, options: { readonly headless: boolean }): kplus.Service {
  const { scope, ports } = w;
  if (ports.length === 0) {
    throw new HardenedInputError(scope, 'service', true, 'is requested but no container declares a port', 'declare ports on the containers, or drop service');
  }
  v.dns1035Label(scope, 'name', w.name, 'start the workload name with a letter, or set service: false');
  const seen = new Map<number, number>();
  const service = new kplus.Service(scope, 'Service', {
    metadata: { ...w.metadata, labels: { ...w.metadata.labels } },
    ...(options.headless ? { clusterIP: 'None' } : {}),
    ports: ports.map((p, i) => {
      const port = v.port(scope, `containers.ports[${i}].servicePort`, p.servicePort ?? p.number);
      if (seen.has(port)) {
        throw new HardenedInputError(scope, `containers.ports[${i}].servicePort`, port, `is also the Service port of container port ${seen.get(port)}`, 'give each container port its own servicePort');
      }
      seen.set(port, p.number);
      return {
        ...(p.name ? { name: p.name } : ports.length > 1 ? { name: `port-${p.number}` } : {}),
        port,
        targetPort: p.number,
        protocol: p.protocol === Protocol.UDP ? kplus.Protocol.UDP : p.protocol === Protocol.SCTP ? kplus.Protocol.SCTP : kplus.Protocol.TCP,
      };
    }),
  });
  for (const [key, value] of Object.entries(w.selectorLabels)) service.selectLabel(key, value);
  addPostRenderPatch(ApiObject.of(service), JsonPatch.remove('/spec/externalIPs')); // always [] from cdk8s-plus: noise
  addPostRenderTransform(ApiObject.of(service), json => dropAddressLabel(dig(json, ['spec', 'selector'])));
  return service;
}

/**
 * Spreads the pods over nodes (strictly) and zones (as far as possible), so that one node or zone
 * going down takes at most one replica with it.
 */
export function spreadPods(w: WorkloadCompanions, apiObject: ApiObject, templatePath: string): void {
  const matchLabels = { ...w.selectorLabels };
  addPostRenderPatch(apiObject, JsonPatch.add(`${templatePath}/spec/topologySpreadConstraints`, [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
  ]));
}

/** A PodDisruptionBudget that lets one pod at a time be evicted. */
export function createDisruptionBudget(w: WorkloadCompanions): ApiObject {
  return new ApiObject(w.scope, 'PodDisruptionBudget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { ...w.metadata, labels: { ...w.metadata.labels } },
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...w.selectorLabels } } },
  });
}

/**
 * cdk8s-plus labels pods with their construct address (`cdk8s.io/metadata.addr`) whenever
 * something selects the workload through it (a StatefulSet's Service, a Job's defaults). Our
 * pods are selected by `app.kubernetes.io/name` only: the label would be noise that changes with
 * the construct tree.
 */
export function dropAddressLabel(labels: Record<string, unknown> | undefined): void {
  if (labels) delete labels[ADDRESS_LABEL];
}

const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';
