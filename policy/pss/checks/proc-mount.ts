import { containerLabel, show, type CheckDefinition, type CheckFn } from '../context';
import { everyContainer, exemptIf, HOST_USERS_FALSE, unlessSet } from './_cel';

/** Reports every container whose procMount is set to something other than `Default`. */
export const checkProcMount: CheckFn = (pod, sink) => {
  for (const c of pod.containers) {
    const procMount = c.sc?.procMount;
    if (procMount !== undefined && procMount !== null && procMount !== 'Default') {
      sink.add(
        `${c.path}.securityContext.procMount`,
        `${containerLabel(c)} must not set securityContext.procMount to ${show(procMount)}`,
        `Remove securityContext.procMount from ${containerLabel(c)} or set it to Default.`,
      );
    }
  }
};

/** CEL form of {@link checkProcMount}. */
export const CEL_PROC_MOUNT = everyContainer(c => unlessSet(c, ['securityContext', 'procMount'], p => `${p} != 'Default'`));

/** `procMount` (baseline, v1.0; pods with hostUsers: false exempt from v1.35): default /proc mask only. */
export const procMount: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  reason: 'procMount',
  description: 'Unmasked /proc mounts are forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'securityContext.procMount must be unset or Default in every container',
      evaluate: checkProcMount,
      cel: CEL_PROC_MOUNT,
    },
    {
      minVersion: 'v1.35',
      overrides: [],
      behaviour: 'pods with spec.hostUsers: false are allowed any procMount',
      cel: exemptIf(HOST_USERS_FALSE, CEL_PROC_MOUNT),
      evaluate(pod, sink) {
        if (!pod.hostUsersFalse) {
          checkProcMount(pod, sink);
        }
      },
    },
  ],
};
