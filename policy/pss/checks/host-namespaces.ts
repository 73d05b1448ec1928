import type { CheckDefinition } from '../context';
import { POD_SPEC, unlessSet } from './_cel';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** `hostNamespaces` (baseline, v1.0): no `hostNetwork`, `hostPID` or `hostIPC`. */
export const hostNamespaces: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  reason: 'host namespaces',
  description: 'Sharing the host network, PID or IPC namespace is forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false',
      cel: FIELDS.map(f => unlessSet(POD_SPEC, [f], p => `${p} == true`)).join(' && '),
      evaluate(pod, sink) {
        for (const field of FIELDS) {
          if (pod.spec[field] === true) {
            sink.add(`${pod.specPath}.${field}`, `${field}=true`, `Remove ${field} from the pod spec or set it to false.`);
          }
        }
      },
    },
  ],
};
