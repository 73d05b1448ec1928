import { IConstruct } from 'constructs';
import { HardenedInputError } from './errors';

/** One Kubernetes minor release line. */
export interface KubernetesRelease {
  /** The day 1.N.0 was released (`YYYY-MM-DD`). */
  readonly released: string;
  /** The day its patch support ended or ends (`YYYY-MM-DD`). */
  readonly endOfLife: string;
}

/**
 * The Kubernetes minor lines a blueprint can target, with their release and end-of-life days.
 * The range is what the library's version-dependent output knows: the Pod Security checks up to
 * v1.37, ValidatingAdmissionPolicy from 1.28 (v1beta1; v1 from 1.30), the AppArmor field from
 * 1.30, native sidecars from 1.29. Add a line with its dates and what it changes.
 * @see https://kubernetes.io/releases/ (each line's page gives its end of life; 1.30 and 1.31 were extended)
 * @see https://endoflife.date/kubernetes (release days of 1.31, 1.33 and 1.35)
 */
export const KUBERNETES_RELEASES: Readonly<Record<number, KubernetesRelease>> = {
  28: { released: '2023-08-15', endOfLife: '2024-10-28' },
  29: { released: '2023-12-13', endOfLife: '2025-02-28' },
  30: { released: '2024-04-17', endOfLife: '2025-07-15' },
  31: { released: '2024-08-13', endOfLife: '2025-11-11' },
  32: { released: '2024-12-11', endOfLife: '2026-02-28' },
  33: { released: '2025-04-23', endOfLife: '2026-06-28' },
  34: { released: '2025-08-27', endOfLife: '2026-10-27' },
  35: { released: '2025-12-17', endOfLife: '2027-02-28' },
  36: { released: '2026-04-22', endOfLife: '2027-06-28' },
  37: { released: '2026-08-26', endOfLife: '2027-10-28' },
};

/**
 * The Kubernetes minors from which the version-dependent output changes: the one table of them
 * (each is read by the construct that writes the output; docs quote them).
 */
export const KUBERNETES_FEATURES = {
  /** Native sidecars (init containers with `restartPolicy: Always`) run by default (SidecarContainers beta). */
  nativeSidecars: 29,
  /** The `securityContext.appArmorProfile` field replaces the `container.apparmor.security.beta.kubernetes.io/*` annotation. */
  appArmorField: 30,
  /** `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy (GA); v1beta1 before. */
  validatingAdmissionPolicyV1: 30,
} as const;

/**
 * The Kubernetes version a blueprint targets when none is given: the newest minor that the newest
 * Istio line supports (Istio 1.31 supports 1.32 to 1.36), so that a meshed blueprint needs no
 * override.
 */
export const DEFAULT_KUBERNETES_VERSION = '1.36';

const KNOWN = Object.keys(KUBERNETES_RELEASES).map(Number).sort((a, b) => a - b);

/** `1.28 to 1.37`: the range of {@link KUBERNETES_RELEASES}. */
export function knownKubernetesRange(): string {
  return `1.${KNOWN[0]} to 1.${KNOWN[KNOWN.length - 1]}`;
}

/**
 * Parses the Kubernetes minor version a blueprint targets (`1.36`, also `v1.36`) to its minor
 * number.
 * @throws HardenedInputError for a patch version (`1.28.3`), `latest`, any other text, and a
 * minor outside {@link KUBERNETES_RELEASES}, each with the fix
 */
export function parseKubernetesVersion(scope: IConstruct | string, field: string, version: string): number {
  if (typeof version !== 'string') {
    throw new HardenedInputError(scope, field, version, 'is not a Kubernetes minor version', `use "1.N" in ${knownKubernetesRange()}, e.g. "${DEFAULT_KUBERNETES_VERSION}"`);
  }
  if (version === 'latest') {
    throw new HardenedInputError(scope, field, version, 'names no version: the output depends on the version, and a review must see which one',
      `name the minor your clusters run, "1.N" in ${knownKubernetesRange()} (the default is "${DEFAULT_KUBERNETES_VERSION}")`);
  }
  const patch = /^v?1\.(\d+)\.\d+$/.exec(version);
  if (patch) {
    throw new HardenedInputError(scope, field, version, 'is a patch version; the blueprint targets a minor line, whose patches share one API',
      `use "1.${Number(patch[1])}"`);
  }
  const m = /^v?1\.(0|[1-9]\d{0,2})$/.exec(version);
  if (!m) {
    throw new HardenedInputError(scope, field, version, 'is not a Kubernetes minor version', `use "1.N" in ${knownKubernetesRange()}, e.g. "${DEFAULT_KUBERNETES_VERSION}"`);
  }
  const minor = Number(m[1]);
  if (KUBERNETES_RELEASES[minor] === undefined) {
    throw new HardenedInputError(scope, field, version, `is outside the Kubernetes versions this library writes for (${knownKubernetesRange()})`,
      minor > KNOWN[KNOWN.length - 1]
        ? `target 1.${KNOWN[KNOWN.length - 1]} (what it writes runs on newer servers too), or add 1.${minor} to KUBERNETES_RELEASES with what it changes`
        : `target 1.${KNOWN[0]} or later; clusters older than 1.${KNOWN[0]} lack ValidatingAdmissionPolicy and the Pod Security labels' versions this library pins`);
  }
  return minor;
}

/** The warning for a target past its end of life on `today` (`YYYY-MM-DD`), if it is. */
export function kubernetesEndOfLifeWarning(minor: number, today: string): string | undefined {
  const line = KUBERNETES_RELEASES[minor];
  if (line === undefined || line.endOfLife >= today) return undefined;
  const supported = KNOWN.filter(m => KUBERNETES_RELEASES[m].endOfLife >= today && KUBERNETES_RELEASES[m].released <= today);
  return `kubernetesVersion: Kubernetes 1.${minor} reached its end of life on ${line.endOfLife} and gets no security fixes; `
    + `supported today: ${supported.map(m => `1.${m}`).join(', ')} (kubernetes.io/releases)`;
}
