import { asRecord, containerLabel, keyPath, show, type CheckDefinition, type PlainRecord } from '../context';
import { ANNOTATIONS, everyContainer, POD_SPEC, unlessSet } from './_cel';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function badProfileType(sc: PlainRecord | undefined): unknown {
  const profile = sc?.appArmorProfile;
  if (profile === undefined || profile === null) {
    return undefined;
  }
  const type = asRecord(profile)?.type;
  return type === 'RuntimeDefault' || type === 'Localhost' ? undefined : (type ?? '');
}

/** CEL: the securityContext below `base` sets no appArmorProfile other than RuntimeDefault or Localhost. */
function celProfile(base: string): string {
  return unlessSet(base, ['securityContext', 'appArmorProfile'], p => `!(has(${p}.type) && ${p}.type in ['RuntimeDefault', 'Localhost'])`);
}

const CEL = [
  unlessSet(POD_SPEC, ['securityContext', 'appArmorProfile'], p => `!(has(${p}.type) && ${p}.type in ['RuntimeDefault', 'Localhost'])`),
  everyContainer(celProfile),
  `${ANNOTATIONS}.all(k, !k.startsWith('${ANNOTATION_PREFIX}') || ${ANNOTATIONS}[k] in ['', 'runtime/default'] || ${ANNOTATIONS}[k].startsWith('localhost/'))`,
].join(' && ');

function allowedAnnotation(value: unknown): boolean {
  return value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** `appArmorProfile` (baseline, v1.0): no unconfined AppArmor profile, by field or annotation. */
export const appArmorProfile: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  reason: 'forbidden AppArmor profile(s)',
  description: 'Overriding the default AppArmor profile with Unconfined (or any other non-allowed profile) is forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'securityContext.appArmorProfile.type must be RuntimeDefault or Localhost; container.apparmor.security.beta.kubernetes.io/* annotations must be "", runtime/default or localhost/*',
      cel: CEL,
      evaluate(pod, sink) {
        const podType = badProfileType(pod.podSc);
        if (podType !== undefined) {
          sink.add(
            `${pod.specPath}.securityContext.appArmorProfile.type`,
            `pod must not set securityContext.appArmorProfile.type to ${show(podType)}`,
            'Set the pod securityContext.appArmorProfile.type to RuntimeDefault or Localhost, or remove it.',
          );
        }
        for (const c of pod.containers) {
          const type = badProfileType(c.sc);
          if (type !== undefined) {
            sink.add(
              `${c.path}.securityContext.appArmorProfile.type`,
              `${containerLabel(c)} must not set securityContext.appArmorProfile.type to ${show(type)}`,
              `Set securityContext.appArmorProfile.type of ${containerLabel(c)} to RuntimeDefault or Localhost, or remove it.`,
            );
          }
        }
        const annotations: PlainRecord | undefined = pod.annotations;
        if (annotations === undefined) {
          return;
        }
        for (const key in annotations) {
          if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(annotations[key])) {
            sink.add(
              keyPath(`${pod.metadataPath}.annotations`, key),
              `annotation ${key}=${show(annotations[key])}`,
              `Set annotation ${key} to runtime/default or localhost/<profile>, or remove it.`,
            );
          }
        }
      },
    },
  ],
};
