import { asArray, asRecord, containerLabel, show, type CheckDefinition, type CheckFn } from '../context';
import { everyContainer, exemptIf, hasPath, IS_WINDOWS, unlessSet } from './_cel';

const check: CheckFn = (pod, sink) => {
  for (const c of pod.containers) {
    const caps = asRecord(c.sc?.capabilities);
    const drop = asArray(caps?.drop);
    if (drop === undefined || !drop.includes('ALL')) {
      sink.add(
        `${c.path}.securityContext.capabilities.drop`,
        `${containerLabel(c)} must set securityContext.capabilities.drop=["ALL"]; it is ${caps?.drop === undefined ? 'unset' : show(caps.drop)}`,
        `Set securityContext.capabilities.drop to ["ALL"] in ${containerLabel(c)}.`,
      );
    }
    const add = asArray(caps?.add);
    if (add === undefined) {
      continue;
    }
    for (let i = 0; i < add.length; i++) {
      if (add[i] !== 'NET_BIND_SERVICE') {
        sink.add(
          `${c.path}.securityContext.capabilities.add[${i}]`,
          `${containerLabel(c)} must not include ${show(add[i])} in securityContext.capabilities.add`,
          `Remove ${show(add[i])} from securityContext.capabilities.add of ${containerLabel(c)}; only NET_BIND_SERVICE may be added.`,
        );
      }
    }
  }
};

const CEL = everyContainer(c => `${hasPath(c, ['securityContext', 'capabilities', 'drop'])} && 'ALL' in ${c}.securityContext.capabilities.drop`
  + ` && ${unlessSet(c, ['securityContext', 'capabilities', 'add'], p => `!${p}.all(a, a == 'NET_BIND_SERVICE')`)}`);

/** `capabilities_restricted` (restricted, v1.22, overrides capabilities_baseline; Windows pods exempt from v1.25). */
export const capabilitiesRestricted: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  reason: 'unrestricted capabilities',
  description: 'Every container must drop ALL capabilities and may add back only NET_BIND_SERVICE.',
  versions: [
    {
      minVersion: 'v1.22',
      overrides: ['capabilities_baseline'],
      behaviour: 'securityContext.capabilities.drop must contain ALL; add may only contain NET_BIND_SERVICE',
      evaluate: check,
      cel: CEL,
    },
    {
      minVersion: 'v1.25',
      overrides: ['capabilities_baseline'],
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
