import type { KubeObject } from '../../kube-object';
import { k8sDocs } from '../_references';
import { asRecord, containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';

/** Run-to-completion kinds: readiness means nothing to them. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

/**
 * HARDENED-4: every (main) container of a long-running pod declares a readiness and a liveness
 * probe. Jobs and CronJobs run to completion and are not judged; init containers and native
 * sidecars are not judged (a sidecar may declare probes, but need not).
 *
 * No CIS or NSA/CISA item covers probes; this follows the Kubernetes documentation "Configure
 * Liveness, Readiness and Startup Probes".
 */
export const probes: Rule = {
  id: 'HARDENED-4',
  severity: 'error',
  name: 'readiness-and-liveness-probes',
  summary: 'Every container of a long-running pod declares a readiness and a liveness probe.',
  explanation: 'Without a readiness probe a pod gets traffic before it can serve it and keeps getting it when it cannot, and rollouts proceed over broken pods; without a liveness probe a hung process is never restarted. Both turn a partial failure into an outage.',
  fix: 'declare readinessProbe and livenessProbe (httpGet, tcpSocket, grpc or exec) on the container',
  appliesTo: 'Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, PodTemplates; main containers',
  references: [k8sDocs('Configure Liveness, Readiness and Startup Probes')],
  admission: {
    cel: "object.kind in ['Job', 'CronJob']"
      + " || (has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(o, o.kind == 'Job'))"
      + ' || !has(variables.podSpec.containers) || variables.podSpec.containers.all(c, has(c.readinessProbe) && has(c.livenessProbe))',
    differences: 'a Pod owned by a Job (created by the Job controller) is not judged at admission, like its Job; evaluate judges every bare Pod',
  },
  evaluate(object: KubeObject) {
    if (BATCH_KINDS.has(object.kind)) return NOT_APPLICABLE;
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    for (const c of containersOf(pod, ['containers'])) {
      const missing = (['readinessProbe', 'livenessProbe'] as const).filter(p => asRecord(c.container[p]) === undefined);
      if (missing.length > 0) {
        violations.push({ message: `${label(c)} declares no ${missing.join(' and no ')}`, path: `${c.path}.${missing[0]}` });
      }
    }
    return judge(violations);
  },
};
