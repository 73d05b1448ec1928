import { containerLabel, type CheckDefinition } from '../context';
import { everyContainer, unlessSet } from './_cel';

/** `privileged` (baseline, v1.0): no privileged containers. */
export const privileged: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  reason: 'privileged',
  description: 'Privileged containers are forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'securityContext.privileged must be unset or false in every container',
      cel: everyContainer(c => unlessSet(c, ['securityContext', 'privileged'], p => `${p} == true`)),
      evaluate(pod, sink) {
        for (const c of pod.containers) {
          if (c.sc?.privileged === true) {
            sink.add(
              `${c.path}.securityContext.privileged`,
              `${containerLabel(c)} must not set securityContext.privileged=true`,
              `Remove securityContext.privileged from ${containerLabel(c)} or set it to false.`,
            );
          }
        }
      },
    },
  ],
};
