import type { KubeObject } from '../kube-object';
import { isPssLevel } from './level';
import type { PssLevel } from './types';
import { parsePssVersion } from './version';

/** The Pod Security admission modes a namespace label can set. */
export type PssMode = 'enforce' | 'audit' | 'warn';

/** A level and the version of its checks. */
export interface PssTarget {
  readonly level: PssLevel;
  /** `latest` or `v1.N`, as in the labels. */
  readonly version: string;
}

/** What the API server applies to the pods of one namespace. */
export interface NamespacePodSecurity {
  /** The enforced level; pods that fail it are rejected. */
  readonly enforce: PssTarget;
  /** The audited level, when the namespace sets one. */
  readonly audit?: PssTarget;
  /** The level clients are warned about, when the namespace sets one. */
  readonly warn?: PssTarget;
  /** Whether a Namespace object with this name was in the input (else the cluster default applies). */
  readonly declared: boolean;
  /** What was wrong with the labels (each time, the label was treated as the cluster default). */
  readonly problems: readonly string[];
}

/** The label prefix of the Pod Security admission labels. */
export const PSS_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/**
 * The level assumed where no label sets the enforced level: a cluster whose admission default is
 * restricted at the newest version. Checking against it never under-reports.
 */
export const CLUSTER_DEFAULT_PSS: PssTarget = Object.freeze({ level: 'restricted', version: 'latest' });

/** A mode's labels as written: the level label's text, and the version label (`latest` when absent). */
export interface DeclaredPodSecurity {
  readonly level: string;
  readonly version: string;
}

/**
 * The Pod Security labels of a namespace as written, for the modes whose level label is set
 * (unvalidated: a report shows what is there; {@link namespacePodSecurity} says what applies).
 */
export function declaredPodSecurityLabels(labels: Readonly<Record<string, unknown>>): Partial<Record<PssMode, DeclaredPodSecurity>> {
  const out: Partial<Record<PssMode, DeclaredPodSecurity>> = {};
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const level = labels[`${PSS_LABEL_PREFIX}${mode}`];
    const version = labels[`${PSS_LABEL_PREFIX}${mode}-version`];
    if (typeof level === 'string') out[mode] = { level, version: typeof version === 'string' ? version : 'latest' };
  }
  return out;
}

function validVersion(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    parsePssVersion(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one place that resolves what Pod Security level a namespace applies, from its Namespace
 * object's labels (`undefined` for a namespace that is not in the input).
 *
 * - `enforce`: the `enforce` and `enforce-version` labels; an unset label falls back to
 *   {@link CLUSTER_DEFAULT_PSS}; an invalid one makes the enforced target the cluster default,
 *   with a problem (upstream admission also falls back to its default on invalid labels).
 * - `audit`/`warn`: only when their level label is set and valid; the version defaults to `latest`.
 */
export function namespacePodSecurity(name: string, namespace: KubeObject | undefined): NamespacePodSecurity {
  if (namespace === undefined) return { enforce: CLUSTER_DEFAULT_PSS, declared: false, problems: [] };
  const labels = (namespace.metadata?.labels ?? {}) as Readonly<Record<string, unknown>>;
  const problems: string[] = [];
  const target = (mode: PssMode): PssTarget | undefined => {
    const level = labels[`${PSS_LABEL_PREFIX}${mode}`];
    const version = labels[`${PSS_LABEL_PREFIX}${mode}-version`];
    if (level === undefined && mode !== 'enforce') return undefined;
    const levelOk = level === undefined || isPssLevel(level);
    const versionOk = version === undefined || validVersion(version);
    if (!levelOk || !versionOk) {
      const bad = levelOk ? `${mode}-version` : mode;
      problems.push(`Namespace ${name}: invalid ${PSS_LABEL_PREFIX}${bad} label ${JSON.stringify(levelOk ? version : level)}; using ${CLUSTER_DEFAULT_PSS.level}:${CLUSTER_DEFAULT_PSS.version}`);
      return mode === 'enforce' ? CLUSTER_DEFAULT_PSS : undefined;
    }
    return { level: (level as PssLevel | undefined) ?? CLUSTER_DEFAULT_PSS.level, version: (version as string | undefined) ?? 'latest' };
  };
  const enforce = target('enforce')!;
  const audit = target('audit');
  const warn = target('warn');
  return { enforce, ...(audit ? { audit } : {}), ...(warn ? { warn } : {}), declared: true, problems };
}
