import { containerLabel, type CheckDefinition, type CheckFn } from '../context';
import { everyContainer, exemptIf, HOST_USERS_FALSE, POD_SC, unlessSet } from './_cel';

const check: CheckFn = (pod, sink) => {
  if (pod.podSc?.runAsUser === 0) {
    sink.add(
      `${pod.specPath}.securityContext.runAsUser`,
      'pod must not set runAsUser=0',
      'Set the pod securityContext.runAsUser to a non-zero UID, or remove it.',
    );
  }
  for (const c of pod.containers) {
    if (c.sc?.runAsUser === 0) {
      sink.add(
        `${c.path}.securityContext.runAsUser`,
        `${containerLabel(c)} must not set runAsUser=0`,
        `Set securityContext.runAsUser of ${containerLabel(c)} to a non-zero UID, or remove it.`,
      );
    }
  }
};

const CEL = `${unlessSet(POD_SC, ['runAsUser'], p => `${p} == 0`)} && ${everyContainer(c => unlessSet(c, ['securityContext', 'runAsUser'], p => `${p} == 0`))}`;

/** `runAsUser` (restricted, v1.23; pods with hostUsers: false exempt from v1.35): no UID 0. */
export const runAsUser: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  reason: 'runAsUser=0',
  description: 'Running as UID 0 is forbidden, at pod or container level.',
  versions: [
    {
      minVersion: 'v1.23',
      overrides: [],
      behaviour: 'securityContext.runAsUser must not be 0 on the pod or any container',
      evaluate: check,
      cel: CEL,
    },
    {
      minVersion: 'v1.35',
      overrides: [],
      behaviour: 'pods with spec.hostUsers: false are exempt',
      cel: exemptIf(HOST_USERS_FALSE, CEL),
      evaluate(pod, sink) {
        if (!pod.hostUsersFalse) {
          check(pod, sink);
        }
      },
    },
  ],
};
