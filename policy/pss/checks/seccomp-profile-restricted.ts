import { checkInheritable, containerLabel, show, type CheckDefinition, type CheckFn, type InheritableMessages, type PlainRecord } from '../context';
import { celSeccompNotInvalid, invalidSeccompType, seccompTypeOf } from './seccomp-profile-baseline';
import { everyContainer, exemptIf, hasPath, IS_WINDOWS, POD_SC, POD_SPEC } from './_cel';

function read(sc: PlainRecord | undefined): 'good' | 'bad' | 'unset' {
  const profile = sc?.seccompProfile;
  if (profile === undefined || profile === null) {
    return 'unset';
  }
  return invalidSeccompType(sc) ? 'bad' : 'good';
}

const MESSAGES: InheritableMessages = {
  podBad: (pod) => `pod must not set securityContext.seccompProfile.type to ${show(seccompTypeOf(pod.podSc))}`,
  containerBad: (c) => `${containerLabel(c)} must not set securityContext.seccompProfile.type to ${show(seccompTypeOf(c.sc))}`,
  missing: (names) => `pod or containers ${names} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  fixPod: 'Set the pod securityContext.seccompProfile.type to RuntimeDefault or Localhost.',
  fixContainer: (c) => `Set securityContext.seccompProfile.type of ${containerLabel(c)} to RuntimeDefault or Localhost, or remove it and set it on the pod.`,
  fixMissing: 'Set the pod securityContext.seccompProfile.type to RuntimeDefault (or set it on every container).',
};

const check: CheckFn = (pod, sink) => checkInheritable(pod, sink, 'seccompProfile.type', read, MESSAGES);

const VALID = (p: string) => `(has(${p}.type) && ${p}.type in ['RuntimeDefault', 'Localhost'])`;

/** CEL: the pod sets no invalid profile, and every container sets a valid one or inherits the pod's valid one. */
const CEL = `${celSeccompNotInvalid(POD_SPEC)} && ${everyContainer(c =>
  `(${hasPath(c, ['securityContext', 'seccompProfile'])} ? ${VALID(`${c}.securityContext.seccompProfile`)} : (has(${POD_SC}.seccompProfile) && ${VALID(`${POD_SC}.seccompProfile`)}))`)}`;

/** `seccompProfile_restricted` (restricted, v1.19, overrides seccompProfile_baseline; Windows pods exempt from v1.25). */
export const seccompProfileRestricted: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  reason: 'seccompProfile',
  description: 'The pod, or every container, must set seccompProfile.type to RuntimeDefault or Localhost, and none may set another type.',
  versions: [
    {
      minVersion: 'v1.19',
      overrides: ['seccompProfile_baseline'],
      behaviour: 'pod-level seccompProfile.type RuntimeDefault/Localhost (containers unset or valid), or every container valid',
      evaluate: check,
      cel: CEL,
    },
    {
      minVersion: 'v1.25',
      overrides: ['seccompProfile_baseline'],
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
