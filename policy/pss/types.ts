/**
 * Public types of the Pod Security Standards (PSS) checker.
 *
 * The checker mirrors the upstream `k8s.io/pod-security-admission` checks; see
 * `shared/fixtures/pod-security/CHECKS.md` for the specification it implements.
 */

/** A Pod Security Standards level, as used in `pod-security.kubernetes.io/<mode>` labels. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** The level a single check belongs to (`privileged` has no checks). */
export type PssCheckLevel = Exclude<PssLevel, 'privileged'>;

/** One violation of one Pod Security Standards check. */
export interface PssFinding {
  /** The exact upstream check id, e.g. `allowPrivilegeEscalation` or `capabilities_restricted`. */
  readonly check: string;
  /** The level the violated check belongs to (a baseline check stays `baseline` when evaluated at `restricted`). */
  readonly level: PssCheckLevel;
  /** The upstream forbidden reason followed by specifics in parentheses (which container, which value). */
  readonly message: string;
  /**
   * JSON-path-like path of the offending (or missing) field in the ORIGINAL object,
   * e.g. `spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation` for a Deployment.
   */
  readonly path: string;
  /** One sentence telling what to set to fix the violation. */
  readonly fix: string;
}

/** One versioned behaviour of a check, as listed in {@link PssCheckInfo.versions}. */
export interface PssCheckVersionInfo {
  /** The first policy version (`v1.N`) at which this behaviour is in effect. */
  readonly minVersion: string;
  /** Ids of the baseline checks this (restricted) behaviour replaces at the restricted level. */
  readonly overrides: readonly string[];
  /** A short human description of what this behaviour adds or changes. */
  readonly behaviour: string;
  /**
   * The admission form of this behaviour: a CEL expression over the variables of
   * `policy/admission` (`variables.podSpec`, `variables.containers`, ...) that is true when the
   * pod passes. The same behaviour as `evaluate`, proven equal on the upstream fixtures.
   * @default - no admission form
   */
  readonly cel?: string;
}

/** Descriptive data about one check, for documentation and tests. */
export interface PssCheckInfo {
  /** The exact upstream check id. */
  readonly id: string;
  /** The level the check belongs to. */
  readonly level: PssCheckLevel;
  /** The upstream forbidden reason, the first part of every finding message. */
  readonly reason: string;
  /** A one-line description of what the check forbids. */
  readonly description: string;
  /** Versioned behaviours, ordered by ascending minimum version. */
  readonly versions: readonly PssCheckVersionInfo[];
}
