import type { CheckDefinition } from '../context';
import { CEL_PROC_MOUNT, checkProcMount } from './proc-mount';

/** `procMount_restricted` (restricted, v1.35, overrides procMount): default /proc mask, no user-namespace relaxation. */
export const procMountRestricted: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  reason: 'procMount',
  description: 'Unmasked /proc mounts are forbidden, even in pods with their own user namespace.',
  versions: [
    {
      minVersion: 'v1.35',
      overrides: ['procMount'],
      behaviour: 'securityContext.procMount must be unset or Default in every container, even with spec.hostUsers: false',
      evaluate: checkProcMount,
      cel: CEL_PROC_MOUNT,
    },
  ],
};
