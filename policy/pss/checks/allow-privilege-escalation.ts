import { containerLabel, type CheckDefinition, type CheckFn } from '../context';
import { everyContainer, exemptIf, hasPath, IS_WINDOWS } from './_cel';

const check: CheckFn = (pod, sink) => {
  for (const c of pod.containers) {
    if (c.sc?.allowPrivilegeEscalation !== false) {
      sink.add(
        `${c.path}.securityContext.allowPrivilegeEscalation`,
        `${containerLabel(c)} must set securityContext.allowPrivilegeEscalation=false`,
        `Set securityContext.allowPrivilegeEscalation to false in ${containerLabel(c)}.`,
      );
    }
  }
};

const CEL = everyContainer(c => `${hasPath(c, ['securityContext', 'allowPrivilegeEscalation'])} && ${c}.securityContext.allowPrivilegeEscalation == false`);

/** `allowPrivilegeEscalation` (restricted, v1.8; Windows pods exempt from v1.25): privilege escalation must be disabled. */
export const allowPrivilegeEscalation: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  reason: 'allowPrivilegeEscalation != false',
  description: 'Every container must explicitly set allowPrivilegeEscalation to false.',
  versions: [
    {
      minVersion: 'v1.8',
      overrides: [],
      behaviour: 'securityContext.allowPrivilegeEscalation must be explicitly false in every container',
      evaluate: check,
      cel: CEL,
    },
    {
      minVersion: 'v1.25',
      overrides: [],
      behaviour: 'pods with spec.os.name: windows are exempt',
      cel: exemptIf(IS_WINDOWS, CEL),
      evaluate(pod, sink) {
        if (!pod.windows) {
          check(pod, sink);
        }
      },
    },
  ],
};
