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

/** Validates a Pod Security Standards policy version: `v1.N` (N >= 0) or `latest`. */
export function validatePodSecurityVersion(scope: IConstruct, field: string, version: string): string {
  if (version === 'latest' || /^v1\.(0|[1-9]\d*)$/.test(version)) return version;
  throw new HardenedInputError(scope, field, version, 'is not a Pod Security Standards version',
    'use "v1.N" such as "v1.28" (pinned, recommended) or "latest"');
}

/** Validates a Kubernetes minor version such as `1.28` and returns its minor number. */
export function kubernetesMinor(scope: IConstruct, field: string, version: string): number {
  const m = /^v?1\.(\d+)$/.exec(version);
  if (!m) {
    throw new HardenedInputError(scope, field, version, 'is not a Kubernetes minor version', 'use "1.N", e.g. "1.28"');
  }
  return Number(m[1]);
}
