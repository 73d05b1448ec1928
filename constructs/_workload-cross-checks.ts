// Private module: the cross-checks of one hardened workload against the finished app.
import type { IConstruct } from 'constructs';
import * as v from './_validate';
import { AppModel, type IHardenedWorkload } from './app-model';
import { FlowDirection, type IPeer, isPolicyHost, PeerKind, Protocol } from './connectivity';
import { ContainerList, type HardenedPodTemplate } from './hardened-pod';
import { meshIngressProblems } from './ingress-exposure';
import { DataPlaneMode, injectionOnAmbientPods } from './mesh/namespace-mesh';


/** What the cross-checks read of one workload. */
export interface CrossCheckedWorkload {
  /** The workload (its name, namespace and place in the app). */
  readonly workload: IHardenedWorkload & IConstruct & IPeer;
  /** Its class name, for fixes (`HardenedDeployment.addContainer`). */
  readonly kind: string;
  /** The labels of its objects and pods. */
  readonly objectLabels: Readonly<Record<string, string>>;
  /** Its pod hardening: the containers we know. */
  readonly pod: HardenedPodTemplate;
  /** The names of the containers the cdk8s-plus workload has (ours, and any added behind our back). */
  readonly addedThroughCdk8sPlus: readonly string[];
  /** The ingress classes it is exposed through. */
  readonly ingressClasses: readonly string[];
  /** The object labels of another workload of the app, when it is a hardened one. */
  readonly labelsOf: (other: IHardenedWorkload) => Readonly<Record<string, string>> | undefined;
}

/**
 * The checks of one workload that need the finished app, run once at synth: containers added
 * around our methods, a namespace the app does not define, limits above the LimitRange, an
 * injection label in an ambient namespace, flows that can never work, ingress controllers that
 * cannot reach a meshed backend, flows to ports nobody listens on. Each error says the field,
 * the value, why and the fix.
 */
export function workloadCrossChecks(w: CrossCheckedWorkload): string[] {
  const errors: string[] = [];
  const model = AppModel.of(w.workload);
  const known = new Set(w.pod.containers().map(c => c.name));
  for (const name of w.addedThroughCdk8sPlus) {
    if (!known.has(name)) {
      errors.push(`containers: ${JSON.stringify(name)} was added through cdk8s-plus, so it is not hardened. Fix: use ${w.kind}.addContainer, addInitContainer or addSidecar instead.`);
    }
  }
  if (!model.namespace(w.workload.namespaceName)) {
    const names = model.namespaces.map(n => n.name);
    const closest = v.closestName(w.workload.namespaceName, names);
    errors.push(`namespace: ${JSON.stringify(w.workload.namespaceName)} is not defined by any HardenedNamespace of this app, so nothing denies its traffic by default or limits its resources. Fix: ${closest ? `did you mean "${closest}"? ` : ''}create new HardenedNamespace(<cluster chart>, '${w.workload.namespaceName}'), or run the workload in one of ${JSON.stringify(names)}.`);
  } else {
    const ns = model.namespace(w.workload.namespaceName)!;
    errors.push(...checkLimitRange(w, ns.limitRange.max));
    const injection = injectionOnAmbientPods(w.objectLabels, ns.mesh, w.workload.namespaceName);
    if (injection) errors.push(injection);
  }
  errors.push(...checkFlowEnds(w, model));
  errors.push(...hostEgressProblems(w, model));
  errors.push(...meshIngressProblems(w.ingressClasses, w.workload.namespaceName, model.namespace(w.workload.namespaceName)?.mesh?.mode));
  const listening = w.pod.containers(ContainerList.MAIN, ContainerList.SIDECAR).flatMap(c => (c.ports ?? []).map(p => ({ port: p.number, protocol: p.protocol ?? Protocol.TCP })));
  for (const flow of model.connectivity.flowsOf(w.workload, FlowDirection.INGRESS)) {
    if (flow.infrastructure !== undefined) continue; // the mesh's own holes (probe ports) are not declared ports
    for (const p of flow.ports) {
      const hit = listening.some(l => l.protocol === p.protocol && l.port >= p.port && l.port <= (p.endPort ?? p.port));
      if (!hit) {
        errors.push(`allowFrom: port ${p} of the flow declared by ${flow.declaredBy} is not a port any container of ${w.workload.name} listens on (${listening.map(l => `${l.port}/${l.protocol}`).join(', ') || 'none'}). Fix: declare the container port, or correct the flow's port.`);
      }
    }
  }
  return errors;
}

/** Flows that can never work: the other end is in another app, or selects what the app owns without saying so. */
function checkFlowEnds(w: CrossCheckedWorkload, model: AppModel): string[] {
  const errors: string[] = [];
  for (const direction of [FlowDirection.INGRESS, FlowDirection.EGRESS]) {
    for (const flow of model.connectivity.flowsOf(w.workload, direction)) {
      const other = direction === FlowDirection.INGRESS ? flow.from : flow.to;
      const method = direction === FlowDirection.INGRESS ? 'allowFrom' : 'allowTo';
      if (isPolicyHost(other) && other.node.root !== w.workload.node.root) {
        errors.push(`${method}: ${other.node.path} belongs to another app, so its side of the flow is never synthesized. Fix: create it in this app, or describe it as a Peer (Peer.pods, Peer.namespace).`);
        continue;
      }
      const peer = other.toPeerSelector();
      const owned = peer.namespace !== undefined ? model.namespace(peer.namespace) : undefined;
      if (!owned || isPolicyHost(other)) continue;
      if (peer.kind === PeerKind.NAMESPACE) {
        errors.push(`${method}: Peer.namespace(${JSON.stringify(peer.namespace)}) names a namespace this app defines (${owned.node.path}), so only this side gets its rule and the flow can never work. Fix: pass the HardenedNamespace or the workload itself, e.g. ${method}(<the HardenedNamespace "${peer.namespace}">, ...).`);
      } else if (peer.kind === PeerKind.PODS) {
        const labels = peer.podLabels ?? {};
        const matches = model.workloadsIn(peer.namespace!).some(other => {
          const theirs = w.labelsOf(other);
          return theirs !== undefined && Object.entries(labels).every(([k, val]) => theirs[k] === val);
        });
        errors.push(matches
          ? `${method}: Peer.pods(${JSON.stringify(peer.namespace)}, ...) selects workloads this app defines, so only this side gets its rule. Fix: pass the workload itself.`
          : `${method}: Peer.pods(${JSON.stringify(peer.namespace)}, ${JSON.stringify(labels)}) matches no workload of namespace "${peer.namespace}", which this app defines, so the flow can never be used. Fix: pass the workload itself, or correct the labels.`);
      }
    }
  }
  return errors;
}

function checkLimitRange(w: CrossCheckedWorkload, max: Readonly<Record<string, string>>): string[] {
  const errors: string[] = [];
  w.pod.containers().forEach(c => {
    const limits: [string, string, string | undefined][] = [['cpu', 'cpu', c.resources.cpu.limit], ['memory', 'memory', c.resources.memory.limit], ['ephemeral-storage', 'ephemeralStorage', c.resources.ephemeralStorage?.limit]];
    for (const [resource, prop, limit] of limits) {
      if (limit === undefined || max[resource] === undefined) continue;
      if (v.parseQuantity(limit) > v.parseQuantity(max[resource])) {
        errors.push(`containers[${JSON.stringify(c.name)}].resources.${prop}.limit: ${JSON.stringify(limit)} is above the ${resource} maximum ${max[resource]} of the LimitRange of namespace "${w.workload.namespaceName}", so the API server rejects the pod. Fix: lower the limit to ${max[resource]} or less, or raise maxLimit of the HardenedNamespace.`);
      }
    }
  });
  return errors;
}

/**
 * A host by name is reached only through a sidecar under the mesh's REGISTRY_ONLY: from an
 * ambient namespace (ztunnel ignores REGISTRY_ONLY, istio/istio#54281) or an unmeshed one,
 * nothing narrows the egress, which the NetworkPolicy opens to every address; and the sidecar
 * carries TCP only.
 */
function hostEgressProblems(w: CrossCheckedWorkload, model: AppModel): string[] {
  const errors: string[] = [];
  const mode = model.namespace(w.workload.namespaceName)?.mesh?.mode;
  for (const flow of model.connectivity.flowsOf(w.workload, FlowDirection.EGRESS)) {
    const to = flow.to.toPeerSelector();
    if (to.kind !== PeerKind.HOST) continue;
    if (mode !== DataPlaneMode.SIDECAR) {
      errors.push(`allowTo: Peer.host(${JSON.stringify(to.host)}) is called from ${mode === DataPlaneMode.AMBIENT ? `the ambient namespace "${w.workload.namespaceName}": ztunnel does not enforce the mesh's REGISTRY_ONLY (istio/istio#54281)` : `namespace "${w.workload.namespaceName}", which is not in the mesh`}, so nothing would narrow the egress to that host, and the NetworkPolicy opens its ports to every address. Fix: put the namespace in the mesh with NamespaceMesh.sidecar(), or declare the host's addresses with Peer.ipBlock(...).`);
    }
    for (const p of flow.ports.filter(x => x.protocol !== Protocol.TCP)) {
      errors.push(`allowTo: port ${p} to Peer.host(${JSON.stringify(to.host)}) is not TCP, and a host by name is reached through the sidecar, which carries TCP only. Fix: declare the TCP ports the host serves.`);
    }
  }
  return errors;
}
