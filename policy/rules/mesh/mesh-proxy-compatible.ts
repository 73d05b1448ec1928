import type { KubeObject } from '../../kube-object';
import { k8sDocs } from '../_references';
import { asRecord, containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';
import { meshModeOfObject, PROXY_UID } from './_mesh';

/**
 * HARDENED-13: a pod in a meshed namespace keeps the mesh's proxy compatible with Pod Security
 * Standards restricted and keeps its own traffic inside the mesh: no
 * `sidecar.istio.io/interceptionMode: TPROXY` (needs a privileged proxy), no
 * `sidecar.istio.io/capNetBindService` (grants the injected proxy NET_BIND_SERVICE), no
 * `sidecar.istio.io/rewriteAppHTTPProbers: "false"` (kubelet probes would meet STRICT mTLS), no
 * container or pod running as uid or gid 1337 (the proxy's, whose traffic is not redirected), and in
 * sidecar mode a pod-level `seccompProfile`, which the injected containers inherit.
 *
 * Implements: Kubernetes docs "Pod Security Standards" (restricted must hold for the pod after
 * injection).
 */
export const meshProxyCompatible: Rule = {
  id: 'HARDENED-13',
  severity: 'error',
  name: 'mesh-proxy-compatible',
  summary: 'Pods in a meshed namespace keep the Istio proxy restricted-compatible and cannot bypass it (no TPROXY, no capNetBindService, no probe-rewrite opt-out, no uid/gid 1337, pod-level seccomp in sidecar mode).',
  explanation: 'The Istio sidecar is injected at admission, after our checks: TPROXY interception needs a proxy with NET_ADMIN running as root, capNetBindService adds a capability to it, and without a pod-level seccomp profile the injected containers have none, so Pod Security restricted rejects the pod or the proxy runs with more privilege than the app. Istio does not redirect traffic of processes running as uid or gid 1337 (the proxy\'s own), so an app container with that id bypasses mTLS and authorization entirely. Without probe rewriting, kubelet probes (plaintext) meet STRICT mTLS and fail.',
  fix: 'remove the annotation, run the containers as another uid and gid (65532 by default), and keep the pod-level seccompProfile (HardenedDeployment sets RuntimeDefault)',
  appliesTo: 'pod templates (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ...) in namespaces labelled for the Istio mesh',
  references: [k8sDocs('Pod Security Standards')],
  evaluate(object: KubeObject, context) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const mode = meshModeOfObject(context, object);
    if (!mode) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    const annotations = asRecord(pod.metadata?.annotations) ?? {};
    const annotationPath = (key: string) => `${pod.metadataPath}.annotations[${JSON.stringify(key)}]`;
    if (annotations['sidecar.istio.io/interceptionMode'] === 'TPROXY') {
      violations.push({ message: 'asks for TPROXY interception, which needs a proxy with NET_ADMIN running as root', path: annotationPath('sidecar.istio.io/interceptionMode'), fix: 'remove the annotation (REDIRECT through the Istio CNI plugin is the default)' });
    }
    if (annotations['sidecar.istio.io/capNetBindService'] !== undefined && annotations['sidecar.istio.io/capNetBindService'] !== 'false') {
      violations.push({ message: 'grants the injected proxy NET_BIND_SERVICE', path: annotationPath('sidecar.istio.io/capNetBindService'), fix: 'remove the annotation; serve on a port above 1023' });
    }
    if (mode === 'sidecar' && annotations['sidecar.istio.io/rewriteAppHTTPProbers'] === 'false') {
      violations.push({ message: 'turns off probe rewriting, so kubelet probes (plaintext) meet STRICT mTLS and fail', path: annotationPath('sidecar.istio.io/rewriteAppHTTPProbers'), fix: 'remove the annotation' });
    }
    const podContext = asRecord(pod.spec.securityContext) ?? {};
    for (const key of ['runAsUser', 'runAsGroup'] as const) {
      if (podContext[key] === PROXY_UID) {
        violations.push({ message: `runs as ${key === 'runAsUser' ? 'uid' : 'gid'} ${PROXY_UID}, the Istio proxy's, whose traffic the mesh does not intercept`, path: `${pod.specPath}.securityContext.${key}` });
      }
    }
    for (const c of containersOf(pod, ['containers', 'initContainers', 'ephemeralContainers'])) {
      const sc = asRecord(c.container.securityContext) ?? {};
      for (const key of ['runAsUser', 'runAsGroup'] as const) {
        if (sc[key] === PROXY_UID) {
          violations.push({ message: `${label(c)} runs as ${key === 'runAsUser' ? 'uid' : 'gid'} ${PROXY_UID}, the Istio proxy's, whose traffic the mesh does not intercept`, path: `${c.path}.securityContext.${key}` });
        }
      }
    }
    if (mode === 'sidecar' && asRecord(podContext.seccompProfile) === undefined) {
      violations.push({ message: 'has no pod-level seccompProfile, so the injected istio-proxy and istio-validation containers run without one and Pod Security restricted rejects the pod', path: `${pod.specPath}.securityContext.seccompProfile`, fix: 'set securityContext.seccompProfile at pod level (type RuntimeDefault)' });
    }
    return judge(violations);
  },
};
