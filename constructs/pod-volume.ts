import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import * as v from './_validate';
import { HardenedInputError } from './errors';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';

/** Options of {@link PodVolume.fromServiceAccountToken}. */
export interface ServiceAccountTokenVolumeOptions {
  /** Who the token is for (the `aud` claim), e.g. `vault` or `sts.amazonaws.com`. */
  readonly audience: string;
  /**
   * Lifetime of the token in seconds; the kubelet rotates it at 80 %. At least 600.
   * @default 3600 (RESTRICTED_DEFAULTS.serviceAccountTokenExpirationSeconds)
   */
  readonly expirationSeconds?: number;
  /**
   * The file name of the token in the mounted directory.
   * @default "token"
   */
  readonly fileName?: string;
}

/**
 * A volume that a hardened container mounts (read-only unless stated): a Secret, a ConfigMap, a
 * projected ServiceAccount token for one audience, or a PersistentVolumeClaim. Writable scratch
 * space is `writablePaths`; a StatefulSet's own claims are its `volumeClaims`.
 */
export class PodVolume {
  /** The Secret `secretName` of the pod's namespace, one file per key. */
  public static fromSecret(secretName: string): PodVolume {
    return new PodVolume(`secret-${secretName}`, 'secret', secretName, scope => {
      v.dnsSubdomain(scope, 'volume.secretName', secretName);
      return { secret: { secretName, defaultMode: 0o440 } };
    });
  }

  /** The ConfigMap `configMapName` of the pod's namespace, one file per key. */
  public static fromConfigMap(configMapName: string): PodVolume {
    return new PodVolume(`configmap-${configMapName}`, 'configMap', configMapName, scope => {
      v.dnsSubdomain(scope, 'volume.configMapName', configMapName);
      return { configMap: { name: configMapName, defaultMode: 0o440 } };
    });
  }

  /**
   * A short-lived ServiceAccount token for one audience, projected and rotated by the kubelet: the
   * way to give a workload an identity for an external system (Vault, a cloud provider) while the
   * API token stays unmounted.
   */
  public static fromServiceAccountToken(options: ServiceAccountTokenVolumeOptions): PodVolume {
    const audience = options?.audience;
    const slug = String(audience ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    return new PodVolume(`token-${slug || 'audience'}`, 'serviceAccountToken', String(audience), scope => {
      if (typeof audience !== 'string' || audience.trim() === '' || audience !== audience.trim()) {
        throw new HardenedInputError(scope, 'volume.audience', audience, 'is not an audience', 'name the system the token is for, e.g. "vault"');
      }
      const expirationSeconds = v.integer(scope, 'volume.expirationSeconds', options.expirationSeconds ?? RESTRICTED_DEFAULTS.serviceAccountTokenExpirationSeconds, 600, 2 ** 32 - 1,
        'use at least 600 seconds (the API server minimum)');
      const path = options.fileName ?? 'token';
      if (!/^[A-Za-z0-9._-]+$/.test(path) || path === '.' || path === '..') {
        throw new HardenedInputError(scope, 'volume.fileName', path, 'is not a file name', 'use e.g. "token"');
      }
      return { projected: { defaultMode: 0o440, sources: [{ serviceAccountToken: { audience, expirationSeconds, path } }] } };
    });
  }

  /** An existing PersistentVolumeClaim `claimName` of the pod's namespace. */
  public static fromPersistentVolumeClaim(claimName: string): PodVolume {
    return new PodVolume(`pvc-${claimName}`, 'persistentVolumeClaim', claimName, scope => {
      v.dnsSubdomain(scope, 'volume.claimName', claimName);
      return { persistentVolumeClaim: { claimName } };
    });
  }

  /** The volume's name in the pod (derived from its source, at most 63 characters). */
  public readonly name: string;

  private constructor(
    name: string,
    /** What the volume is: `secret`, `configMap`, `serviceAccountToken` or `persistentVolumeClaim`. */
    public readonly type: string,
    /** The Secret, ConfigMap or claim name, or the token's audience. */
    public readonly source: string,
    private readonly render: (scope: IConstruct) => Record<string, unknown>,
  ) {
    this.name = volumeName(name);
  }

  /** The pod's `volumes` entry, validated. @internal */
  public _toVolume(scope: IConstruct): Record<string, unknown> {
    return { name: this.name, ...this.render(scope) };
  }
}

/** A volume mounted into a container. */
export interface VolumeMount {
  /** The absolute path to mount at. */
  readonly path: string;
  /** The volume. */
  readonly volume: PodVolume;
  /**
   * Mount read-write. Secrets, ConfigMaps and tokens are always read-only.
   * @default false
   */
  readonly writable?: boolean;
  /**
   * Mount only this file or directory of the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/**
 * A pod volume name (a DNS label) for a source: the source itself when it is one, else a readable
 * prefix and a hash of the whole source, so two sources never share a name (Secrets whose first
 * 63 characters agree, `db.creds` and `db-creds`).
 */
function volumeName(source: string): string {
  const label = source.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+$/, '');
  if (label === source && label.length <= 63) return label;
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
  return `${label.slice(0, 52).replace(/-+$/, '')}-${hash}`;
}
