import { checkInheritable, containerLabel, type CheckDefinition, type CheckFn, type InheritableMessages, type PlainRecord } from '../context';
import { everyContainer, exemptIf, hasPath, HOST_USERS_FALSE, POD_SC, unlessSet } from './_cel';

function read(sc: PlainRecord | undefined): 'good' | 'bad' | 'unset' {
  const value = sc?.runAsNonRoot;
  if (value === undefined || value === null) {
    return 'unset';
  }
  return value === true ? 'good' : 'bad';
}

const MESSAGES: InheritableMessages = {
  podBad: () => 'pod must not set securityContext.runAsNonRoot=false',
  containerBad: (c) => `${containerLabel(c)} must not set securityContext.runAsNonRoot=false`,
  missing: (names) => `pod or containers ${names} must set securityContext.runAsNonRoot=true`,
  fixPod: 'Set the pod securityContext.runAsNonRoot to true.',
  fixContainer: (c) => `Set securityContext.runAsNonRoot to true in ${containerLabel(c)}, or remove it and set it on the pod.`,
  fixMissing: 'Set the pod securityContext.runAsNonRoot to true (or set it on every container).',
};

const check: CheckFn = (pod, sink) => checkInheritable(pod, sink, 'runAsNonRoot', read, MESSAGES);

/**
 * CEL: the pod does not set runAsNonRoot to anything but true, and every container either sets
 * it to true or inherits the pod's true.
 */
const CEL = `${unlessSet(POD_SC, ['runAsNonRoot'], p => `${p} != true`)} && ${everyContainer(c =>
  `(${hasPath(c, ['securityContext', 'runAsNonRoot'])} ? ${c}.securityContext.runAsNonRoot == true : (has(${POD_SC}.runAsNonRoot) && ${POD_SC}.runAsNonRoot == true))`)}`;

/** `runAsNonRoot` (restricted, v1.0; pods with hostUsers: false exempt from v1.35): containers must run as non-root. */
export const runAsNonRoot: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  reason: 'runAsNonRoot != true',
  description: 'The pod, or every container, must set runAsNonRoot to true, and none may set it to false.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'pod-level runAsNonRoot true (containers unset or true), or every container true; any explicit false fails',
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
