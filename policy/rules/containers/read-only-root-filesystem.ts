import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { asRecord, containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';

/**
 * HARDENED-5: every container, init container and ephemeral container sets
 * `securityContext.readOnlyRootFilesystem: true` (there is no pod-level field).
 *
 * Implements: NSA/CISA "Kubernetes Pod security / Immutable container file systems"; in part,
 * CIS Kubernetes Benchmark 5.6.3 "Apply SecurityContext to your Pods and Containers".
 */
export const readOnlyRootFilesystem: Rule = {
  id: 'HARDENED-5',
  severity: 'error',
  name: 'read-only-root-filesystem',
  summary: 'Every container runs with a read-only root filesystem.',
  explanation: 'A writable root filesystem lets an attacker who gets code execution drop tools, modify binaries and persist across process restarts inside the container; read-only roots make the container image the only code that can run.',
  fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir (with a sizeLimit) at each path the process must write',
  appliesTo: 'pod-bearing objects; all containers',
  references: [
    nsa('Kubernetes Pod security / Immutable container file systems'),
    cis('5.6.3', 'Apply SecurityContext to your Pods and Containers', true),
  ],
  admission: {
    cel: 'variables.containers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)',
  },
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    for (const c of containersOf(pod, ['initContainers', 'containers', 'ephemeralContainers'])) {
      const value = asRecord(c.container.securityContext)?.readOnlyRootFilesystem;
      if (value !== true) {
        violations.push({
          message: `${label(c)} ${value === false ? 'sets readOnlyRootFilesystem: false' : 'does not set readOnlyRootFilesystem: true'}`,
          path: `${c.path}.securityContext.readOnlyRootFilesystem`,
        });
      }
    }
    return judge(violations);
  },
};
