/**
 * Reading a Trivy JSON report with certainty, or not at all: the scan gate is a security gate, so
 * anything it cannot read exactly (a severity it cannot rank, a missing field, a list that is not
 * a list) is an error naming the report, the field, the value and the fix, never a pass.
 */

/** Trivy severities, from the least to the most severe (Trivy writes them in upper case). */
export const TRIVY_SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
/** A Trivy severity. */
export type TrivySeverity = typeof TRIVY_SEVERITIES[number];

/** The subset of a Trivy JSON report the gate reads. Missing `Results` or `Vulnerabilities` means clean. */
export interface TrivyReport {
  readonly SchemaVersion: number;
  readonly ArtifactName: string;
  readonly Metadata?: { readonly RepoDigests?: readonly string[] };
  readonly Results?: readonly {
    readonly Target?: string;
    readonly Vulnerabilities?: readonly {
      readonly VulnerabilityID: string;
      readonly PkgName: string;
      readonly InstalledVersion?: string;
      readonly FixedVersion?: string;
      readonly Status?: string;
      readonly Severity: string;
    }[] | null;
  }[] | null;
}

/** Whether `value` is one of {@link TRIVY_SEVERITIES}, spelled exactly. */
export function isTrivySeverity(value: unknown): value is TrivySeverity {
  return typeof value === 'string' && (TRIVY_SEVERITIES as readonly string[]).includes(value);
}

/** `field: value problem. Fix: fix`, the value rendered as JSON (`(unset)` when absent). */
export function gateProblem(field: string, value: unknown, problem: string, fix: string): string {
  return `${field}: ${render(value)} ${problem}. Fix: ${fix}`;
}

function render(value: unknown): string {
  if (value === undefined) return '(unset)';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 200 ? `${json.slice(0, 197)}...` : json;
}

const REGENERATE = 'regenerate it with `trivy image --format json --output <file> <image>` (SchemaVersion 2)';

/**
 * Checks that `value` (one parsed report, named `source` in messages: its file, or `reports[i]`)
 * is a Trivy report the gate can judge: an object with `SchemaVersion` 2, a non-empty
 * `ArtifactName`, `Results` absent, null or an array of objects whose `Vulnerabilities` are
 * absent, null or an array of findings with a `VulnerabilityID`, a `PkgName` and a `Severity` of
 * {@link TRIVY_SEVERITIES}. Returns the problems, one line each (empty: readable).
 */
export function trivyReportProblems(value: unknown, source: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [gateProblem(source, value, 'is not a Trivy report (a JSON object)', REGENERATE)];
  }
  const report = value as Record<string, unknown>;
  const problems: string[] = [];
  if (report.SchemaVersion !== 2) problems.push(gateProblem(`${source} SchemaVersion`, report.SchemaVersion, 'is not 2, the only Trivy JSON schema the gate reads', REGENERATE));
  if (typeof report.ArtifactName !== 'string' || report.ArtifactName.trim() === '') {
    problems.push(gateProblem(`${source} ArtifactName`, report.ArtifactName, 'does not name the scanned image, so the report cannot be matched to one', REGENERATE));
  }
  const metadata = report.Metadata;
  if (metadata !== undefined && metadata !== null) {
    const digests = typeof metadata === 'object' ? (metadata as Record<string, unknown>).RepoDigests : undefined;
    if (typeof metadata !== 'object' || Array.isArray(metadata)) problems.push(gateProblem(`${source} Metadata`, metadata, 'is not an object', REGENERATE));
    else if (digests !== undefined && digests !== null && !(Array.isArray(digests) && digests.every(d => typeof d === 'string'))) {
      problems.push(gateProblem(`${source} Metadata.RepoDigests`, digests, 'is not an array of image references', REGENERATE));
    }
  }
  const results = report.Results;
  if (results === undefined || results === null) return problems;
  if (!Array.isArray(results)) return [...problems, gateProblem(`${source} Results`, results, 'is not an array', REGENERATE)];
  results.forEach((result: unknown, i) => {
    const at = `${source} Results[${i}]`;
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      problems.push(gateProblem(at, result, 'is not an object', REGENERATE));
      return;
    }
    const vulnerabilities = (result as Record<string, unknown>).Vulnerabilities;
    if (vulnerabilities === undefined || vulnerabilities === null) return;
    if (!Array.isArray(vulnerabilities)) {
      problems.push(gateProblem(`${at}.Vulnerabilities`, vulnerabilities, 'is not an array', REGENERATE));
      return;
    }
    vulnerabilities.forEach((v: unknown, j) => problems.push(...findingProblems(v, `${at}.Vulnerabilities[${j}]`)));
  });
  return problems;
}

function findingProblems(value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [gateProblem(at, value, 'is not a finding (an object)', REGENERATE)];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ['VulnerabilityID', 'PkgName']) {
    if (typeof v[field] !== 'string' || (v[field] as string).trim() === '') problems.push(gateProblem(`${at}.${field}`, v[field], 'is missing or not a string', REGENERATE));
  }
  if (!isTrivySeverity(v.Severity)) {
    const upper = typeof v.Severity === 'string' ? v.Severity.trim().toUpperCase() : '';
    const fix = isTrivySeverity(upper)
      ? `write ${JSON.stringify(upper)} (Trivy writes severities in upper case); the gate does not guess`
      : `set a Trivy severity (${TRIVY_SEVERITIES.join(', ')}); a finding the gate cannot rank fails, it is never ranked below the threshold`;
    problems.push(gateProblem(`${at}.Severity`, v.Severity, `is not a Trivy severity (${TRIVY_SEVERITIES.join(', ')})`, fix));
  }
  return problems;
}
