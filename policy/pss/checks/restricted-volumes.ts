import { asArray, asRecord, show, type CheckDefinition } from '../context';
import { POD_SPEC, unlessSet } from './_cel';

/** Volume sources allowed at the restricted level (the same at every version). */
export const RESTRICTED_ALLOWED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

/**
 * The volume sources of the Kubernetes API outside {@link RESTRICTED_ALLOWED_VOLUME_SOURCES}.
 * The admission form names them, since the API server drops fields it does not know before
 * admission: a volume can only carry these or the allowed ones.
 */
export const RESTRICTED_FORBIDDEN_VOLUME_SOURCES: readonly string[] = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk',
  'gitRepo', 'glusterfs', 'hostPath', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO',
  'storageos', 'vsphereVolume',
];

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
      cel: unlessSet(POD_SPEC, ['volumes'], p => `${p}.exists(v, ${RESTRICTED_FORBIDDEN_VOLUME_SOURCES.map(s => `has(v.${s})`).join(' || ')})`),
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
