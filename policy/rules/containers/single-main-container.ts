import type { KubeObject } from '../../kube-object';
import { k8sDocs } from '../_references';
import { containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule } from '../types';

/**
 * HARDENED-11: a pod has exactly one main container (`spec.containers`). What counts:
 * - init containers run before the main container and are not counted;
 * - a native sidecar, an init container with `restartPolicy: Always` (Kubernetes 1.28+, on by
 *   default from 1.29), is declared as a helper and is not counted: that is how to add a log
 *   shipper or a proxy;
 * - ephemeral (debug) containers are not counted;
 * - a second entry in `spec.containers` is a second main container, whatever it does: declare
 *   it as a native sidecar, move it to its own workload, or except it with a reason.
 *
 * No CIS or NSA/CISA item covers this; it follows the Kubernetes documentation "Pods" and
 * "Sidecar Containers".
 */
export const singleMainContainer: Rule = {
  id: 'HARDENED-11',
  severity: 'error',
  name: 'single-main-container',
  summary: 'A pod has one main container; helpers are declared as native sidecars.',
  explanation: 'Containers of one pod share its network namespace, volumes, ServiceAccount and network policy: a second application in the pod gets every permission of the first and widens what a compromise of either one reaches. It also hides the helper\'s lifecycle (start order, shutdown) from Kubernetes.',
  fix: 'run the second application as its own workload, or declare a helper as a native sidecar (an initContainer with restartPolicy: Always)',
  appliesTo: 'pod-bearing objects',
  references: [k8sDocs('Pods'), k8sDocs('Sidecar Containers')],
  admission: {
    cel: '!has(variables.podSpec.containers) || size(variables.podSpec.containers) <= 1',
  },
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const main = containersOf(pod, ['containers']);
    const first = main[0];
    return judge(main.slice(1).map(c => ({
      message: `${label(c)} is a second main container next to ${JSON.stringify(first.name)}`,
      path: c.path,
    })));
  },
};
