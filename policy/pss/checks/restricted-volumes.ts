import { asArray, asRecord, show, type CheckDefinition } from '../context';

/** Volume sources allowed at the restricted level (the same at every version). */
export const RESTRICTED_ALLOWED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

/** `restrictedVolumes` (restricted, v1.0, overrides hostPathVolumes): only core, ephemeral volume types. */
export const restrictedVolumes: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  reason: 'restricted volume types',
  description: 'Volume types other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret are forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: ['hostPathVolumes'],
      behaviour: 'every spec.volumes[*] must use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret (a volume with no source counts as emptyDir, as the API server defaults it)',
      evaluate(pod, sink) {
        const volumes = asArray(pod.spec.volumes);
        if (volumes === undefined) {
          return;
        }
        for (let i = 0; i < volumes.length; i++) {
          const volume = asRecord(volumes[i]);
          if (volume === undefined) {
            continue;
          }
          for (const source in volume) {
            if (source === 'name' || volume[source] === undefined || volume[source] === null || RESTRICTED_ALLOWED_VOLUME_SOURCES.has(source)) {
              continue;
            }
            sink.add(
              `${pod.specPath}.volumes[${i}].${source}`,
              `volume ${show(volume.name)} uses restricted volume type ${show(source)}`,
              `Replace volume ${show(volume.name)} with a configMap, secret, emptyDir, projected, csi, ephemeral or persistentVolumeClaim volume.`,
            );
          }
        }
      },
    },
  ],
};
