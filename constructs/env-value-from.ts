import { IConstruct } from 'constructs';
import * as v from './_validate';
import { HardenedInputError } from './errors';

/** Options of {@link EnvValueFrom.secretKey} and {@link EnvValueFrom.configMapKey}. */
export interface EnvValueFromOptions {
  /**
   * Start the container even when the Secret or ConfigMap or its key does not exist.
   * @default false
   */
  readonly optional?: boolean;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * An environment variable's value taken from a key of a Secret or ConfigMap at run time, so that
 * credentials never appear in the manifests.
 *
 * @example
 *   envValueFrom: { DATABASE_PASSWORD: EnvValueFrom.secretKey('postgres-credentials', 'password') }
 */
export class EnvValueFrom {
  /** The value of `key` in the Secret `secretName` of the pod's namespace. */
  public static secretKey(secretName: string, key: string, options: EnvValueFromOptions = {}): EnvValueFrom {
    return new EnvValueFrom('secretKeyRef', secretName, key, options.optional ?? false);
  }

  /** The value of `key` in the ConfigMap `configMapName` of the pod's namespace. */
  public static configMapKey(configMapName: string, key: string, options: EnvValueFromOptions = {}): EnvValueFrom {
    return new EnvValueFrom('configMapKeyRef', configMapName, key, options.optional ?? false);
  }

  private constructor(
    /** `secretKeyRef` or `configMapKeyRef`. */
    public readonly source: 'secretKeyRef' | 'configMapKeyRef',
    /** The Secret's or ConfigMap's name. */
    public readonly name: string,
    /** The key. */
    public readonly key: string,
    /** Whether the reference may be missing. */
    public readonly optional: boolean,
  ) {}

  /** The `valueFrom` of the env entry, validated. @internal */
  public _toValueFrom(scope: IConstruct, field: string): Record<string, unknown> {
    v.dnsSubdomain(scope, `${field}.name`, this.name);
    if (typeof this.key !== 'string' || this.key.length > 253 || !CONFIG_KEY.test(this.key)) {
      throw new HardenedInputError(scope, `${field}.key`, this.key, 'is not a Secret or ConfigMap key',
        'use letters, digits, "-", "_" and ".", e.g. "password"');
    }
    return { [this.source]: { name: this.name, key: this.key, ...(this.optional ? { optional: true } : {}) } };
  }
}
