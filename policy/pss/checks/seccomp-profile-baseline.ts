import { containerLabel, keyPath, show, type CheckDefinition, type PlainRecord } from '../context';
import { ANNOTATIONS, everyContainer, POD_SPEC, unlessSet } from './_cel';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotation(value: unknown): boolean {
  return value === 'runtime/default' || value === 'docker/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** CEL: an annotation value runtime/default, docker/default or localhost/*. */
function celValidAnnotation(value: string): string {
  return `(${value} in ['runtime/default', 'docker/default'] || ${value}.startsWith('localhost/'))`;
}

/** CEL: the securityContext below `base` sets no seccompProfile other than RuntimeDefault or Localhost. */
export function celSeccompNotInvalid(base: string): string {
  return unlessSet(base, ['securityContext', 'seccompProfile'], p => `!(has(${p}.type) && ${p}.type in ['RuntimeDefault', 'Localhost'])`);
}

const CEL_ANNOTATIONS = [
  `(!('${POD_ANNOTATION}' in ${ANNOTATIONS}) || ${celValidAnnotation(`${ANNOTATIONS}['${POD_ANNOTATION}']`)})`,
  everyContainer(c => `(!(has(${c}.name) && ('${CONTAINER_ANNOTATION_PREFIX}' + ${c}.name) in ${ANNOTATIONS}) || ${celValidAnnotation(`${ANNOTATIONS}['${CONTAINER_ANNOTATION_PREFIX}' + ${c}.name]`)})`),
].join(' && ');

const CEL_FIELDS = [celSeccompNotInvalid(POD_SPEC), everyContainer(celSeccompNotInvalid)].join(' && ');

/** True if a seccompProfile is set with a type other than RuntimeDefault or Localhost. */
export function invalidSeccompType(sc: PlainRecord | undefined): boolean {
  const profile = sc?.seccompProfile;
  if (profile === undefined || profile === null) {
    return false;
  }
  const type = (profile as PlainRecord).type;
  return type !== 'RuntimeDefault' && type !== 'Localhost';
}

/** The type of a seccompProfile for messages. */
export function seccompTypeOf(sc: PlainRecord | undefined): unknown {
  const profile = sc?.seccompProfile;
  return typeof profile === 'object' && profile !== null ? ((profile as PlainRecord).type ?? '') : profile;
}

/** `seccompProfile_baseline` (baseline): no unconfined seccomp profile (annotations before 1.19, fields from 1.19). */
export const seccompProfileBaseline: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  reason: 'seccompProfile',
  description: 'Setting the seccomp profile to Unconfined is forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'seccomp.security.alpha.kubernetes.io/pod and container.seccomp.security.alpha.kubernetes.io/<container> annotations must be runtime/default, docker/default or localhost/*',
      cel: CEL_ANNOTATIONS,
      evaluate(pod, sink) {
        const annotations = pod.annotations;
        if (annotations === undefined) {
          return;
        }
        const base = `${pod.metadataPath}.annotations`;
        if (Object.prototype.hasOwnProperty.call(annotations, POD_ANNOTATION) && !validAnnotation(annotations[POD_ANNOTATION])) {
          sink.add(
            keyPath(base, POD_ANNOTATION),
            `annotation ${POD_ANNOTATION}=${show(annotations[POD_ANNOTATION])}`,
            `Set annotation ${POD_ANNOTATION} to runtime/default, or remove it.`,
          );
        }
        for (const c of pod.containers) {
          const key = CONTAINER_ANNOTATION_PREFIX + c.name;
          if (Object.prototype.hasOwnProperty.call(annotations, key) && !validAnnotation(annotations[key])) {
            sink.add(keyPath(base, key), `annotation ${key}=${show(annotations[key])}`, `Set annotation ${key} to runtime/default, or remove it.`);
          }
        }
      },
    },
    {
      minVersion: 'v1.19',
      overrides: [],
      behaviour: 'securityContext.seccompProfile.type, if set, must be RuntimeDefault or Localhost (annotations are no longer inspected)',
      cel: CEL_FIELDS,
      evaluate(pod, sink) {
        if (invalidSeccompType(pod.podSc)) {
          sink.add(
            `${pod.specPath}.securityContext.seccompProfile.type`,
            `pod must not set securityContext.seccompProfile.type to ${show(seccompTypeOf(pod.podSc))}`,
            'Set the pod securityContext.seccompProfile.type to RuntimeDefault or Localhost.',
          );
        }
        for (const c of pod.containers) {
          if (invalidSeccompType(c.sc)) {
            sink.add(
              `${c.path}.securityContext.seccompProfile.type`,
              `${containerLabel(c)} must not set securityContext.seccompProfile.type to ${show(seccompTypeOf(c.sc))}`,
              `Set securityContext.seccompProfile.type of ${containerLabel(c)} to RuntimeDefault or Localhost, or remove it.`,
            );
          }
        }
      },
    },
  ],
};
