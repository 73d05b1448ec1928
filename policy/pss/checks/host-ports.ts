import { asArray, asRecord, containerLabel, show, type CheckDefinition } from '../context';
import { everyContainer, unlessSet } from './_cel';

/** `hostPorts` (baseline, v1.0): no host ports. */
export const hostPorts: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  reason: 'hostPort',
  description: 'Host ports are forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'ports[*].hostPort must be unset or 0 in every container',
      cel: everyContainer(c => unlessSet(c, ['ports'], p => `${p}.exists(port, has(port.hostPort) && port.hostPort != 0)`)),
      evaluate(pod, sink) {
        for (const c of pod.containers) {
          const ports = asArray(c.container.ports);
          if (ports === undefined) {
            continue;
          }
          for (let i = 0; i < ports.length; i++) {
            const hostPort = asRecord(ports[i])?.hostPort;
            if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
              sink.add(
                `${c.path}.ports[${i}].hostPort`,
                `${containerLabel(c)} uses hostPort ${show(hostPort)}`,
                `Remove hostPort from ports[${i}] of ${containerLabel(c)} and expose the port through a Service instead.`,
              );
            }
          }
        }
      },
    },
  ],
};
