import { asArray, asRecord, show, type CheckDefinition } from '../context';
import { POD_SPEC, unlessSet } from './_cel';

/** `hostPathVolumes` (baseline, v1.0): no hostPath volumes. */
export const hostPathVolumes: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  reason: 'hostPath volumes',
  description: 'hostPath volumes are forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'no spec.volumes[*].hostPath',
      cel: unlessSet(POD_SPEC, ['volumes'], p => `${p}.exists(v, has(v.hostPath))`),
      evaluate(pod, sink) {
        const volumes = asArray(pod.spec.volumes);
        if (volumes === undefined) {
          return;
        }
        for (let i = 0; i < volumes.length; i++) {
          const volume = asRecord(volumes[i]);
          if (volume !== undefined && volume.hostPath !== undefined && volume.hostPath !== null) {
            sink.add(
              `${pod.specPath}.volumes[${i}].hostPath`,
              `volume ${show(volume.name)} uses hostPath`,
              `Replace hostPath volume ${show(volume.name)} with a configMap, secret, emptyDir or persistentVolumeClaim volume.`,
            );
          }
        }
      },
    },
  ],
};
