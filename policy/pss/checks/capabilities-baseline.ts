import { asArray, asRecord, containerLabel, show, type CheckDefinition } from '../context';
import { everyContainer, strings, unlessSet } from './_cel';

/** Capabilities a baseline container may add (exact, case-sensitive). */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<unknown> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** `capabilities_baseline` (baseline, v1.0): only default capabilities may be added. */
export const capabilitiesBaseline: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  reason: 'non-default capabilities',
  description: 'Adding capabilities beyond the default set is forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'securityContext.capabilities.add may only list AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT',
      cel: everyContainer(c => unlessSet(c, ['securityContext', 'capabilities', 'add'], p => `!${p}.all(a, a in ${strings(BASELINE_ALLOWED_CAPABILITIES)})`)),
      evaluate(pod, sink) {
        for (const c of pod.containers) {
          const add = asArray(asRecord(c.sc?.capabilities)?.add);
          if (add === undefined) {
            continue;
          }
          for (let i = 0; i < add.length; i++) {
            if (!BASELINE_ALLOWED_CAPABILITIES.has(add[i])) {
              sink.add(
                `${c.path}.securityContext.capabilities.add[${i}]`,
                `${containerLabel(c)} must not include ${show(add[i])} in securityContext.capabilities.add`,
                `Remove ${show(add[i])} from securityContext.capabilities.add of ${containerLabel(c)}.`,
              );
            }
          }
        }
      },
    },
  ],
};
