import { asRecord, containerLabel, type CheckDefinition } from '../context';
import { everyContainer, POD_SPEC, unlessSet } from './_cel';

/** CEL: the securityContext below `base` does not ask for a HostProcess container. */
function celHostProcess(base: string): string {
  return unlessSet(base, ['securityContext', 'windowsOptions', 'hostProcess'], p => `${p} == true`);
}

/** `windowsHostProcess` (baseline, v1.0): no Windows HostProcess pods or containers. */
export const windowsHostProcess: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  reason: 'hostProcess',
  description: 'Windows HostProcess containers are forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'securityContext.windowsOptions.hostProcess must be unset or false on the pod and every container',
      cel: `${celHostProcess(POD_SPEC)} && ${everyContainer(celHostProcess)}`,
      evaluate(pod, sink) {
        if (asRecord(pod.podSc?.windowsOptions)?.hostProcess === true) {
          sink.add(
            `${pod.specPath}.securityContext.windowsOptions.hostProcess`,
            'pod must not set securityContext.windowsOptions.hostProcess=true',
            'Remove securityContext.windowsOptions.hostProcess from the pod or set it to false.',
          );
        }
        for (const c of pod.containers) {
          if (asRecord(c.sc?.windowsOptions)?.hostProcess === true) {
            sink.add(
              `${c.path}.securityContext.windowsOptions.hostProcess`,
              `${containerLabel(c)} must not set securityContext.windowsOptions.hostProcess=true`,
              `Remove securityContext.windowsOptions.hostProcess from ${containerLabel(c)} or set it to false.`,
            );
          }
        }
      },
    },
  ],
};
