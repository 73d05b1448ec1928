import { IConstruct } from 'constructs';
import { HardenedInputError } from './errors';

/** The Pod Security Standards levels. */
export enum PodSecurityLevel {
  /** No restriction: only for trusted system namespaces. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations. */
  BASELINE = 'baseline',
  /** Current pod hardening best practice. */
  RESTRICTED = 'restricted',
}

const ORDER: Record<PodSecurityLevel, number> = {
  [PodSecurityLevel.PRIVILEGED]: 0,
  [PodSecurityLevel.BASELINE]: 1,
  [PodSecurityLevel.RESTRICTED]: 2,
};

/** True when `a` is at least as strict as `b`. */
export function atLeastAsStrict(a: PodSecurityLevel, b: PodSecurityLevel): boolean {
  return ORDER[a] >= ORDER[b];
}

/** The level and version a namespace's `enforce` labels pin. */
export interface PodSecurityTarget {
  /** The enforced level. */
  readonly level: PodSecurityLevel;
  /** The policy version, `v1.N` or `latest`. */
  readonly version: string;
}

/**
 * The Pod Security version a namespace or the admission layer pins on a Kubernetes
 * 1.`kubernetesMinor` target: `given` when it is `latest` or `v1.N` no newer than the target,
 * else the target's own `v1.N` when nothing is given.
 * @throws HardenedInputError for a malformed version, and for one newer than the target (the
 * target's Pod Security Admission would judge it as its own version, not the one written)
 */
export function podSecurityVersionFor(scope: IConstruct, field: string, given: string | undefined, kubernetesMinor: number): string {
  if (given === undefined) return `v1.${kubernetesMinor}`;
  const m = typeof given === 'string' ? /^v1\.(0|[1-9]\d{0,2})$/.exec(given) : null;
  if (given !== 'latest' && m === null) {
    throw new HardenedInputError(scope, field, given, 'is not a Pod Security Standards version',
      `use "v1.N" no newer than the target, e.g. "v1.${kubernetesMinor}" (the default), or "latest"`);
  }
  if (m !== null && Number(m[1]) > kubernetesMinor) {
    throw new HardenedInputError(scope, field, given, `is newer than the app's Kubernetes version 1.${kubernetesMinor}, whose Pod Security Admission judges it as v1.${kubernetesMinor}`,
      `pin "v1.${kubernetesMinor}" or older (leave podSecurityVersion out for v1.${kubernetesMinor}), or raise HardenedAppProps.kubernetesVersion`);
  }
  return given;
}
