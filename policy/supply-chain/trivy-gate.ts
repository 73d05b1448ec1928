/**
 * The image scan gate: reads Trivy JSON reports (`SchemaVersion` 2) for the images a blueprint
 * runs and decides whether synth may proceed. Pure: reports in, verdict out (reading files is the
 * caller's job).
 */
import { isIsoDate, reasonProblem } from '../rules/exceptions';
import { gateProblem, isTrivySeverity, TRIVY_SEVERITIES, type TrivyReport, trivyReportProblems, type TrivySeverity } from './trivy-report';

/** One accepted finding: which vulnerability (in which image), why, and until when. */
export interface ScanAllowance {
  /** The vulnerability id, e.g. `CVE-2024-1234`. */
  readonly vulnerabilityId: string;
  /** Only in images of this repository (`registry.example.com/api`). @default - in every image */
  readonly image?: string;
  /** Why it is acceptable, for a reviewer (a real sentence). */
  readonly reason: string;
  /** The last day it is accepted, `YYYY-MM-DD` (UTC); from the day after, it fails synth. */
  readonly expires: string;
}

/** Options of {@link evaluateScanGate}. */
export interface ScanGateOptions {
  /** The lowest severity that fails. @default 'HIGH' */
  readonly threshold?: TrivySeverity;
  /** Accepted findings. @default [] */
  readonly allowList?: readonly ScanAllowance[];
  /** What a missing report is. @default 'error' */
  readonly missingReport?: 'error' | 'warning' | 'ignore';
  /** Allowances expiring within this many days warn. @default 14 */
  readonly expiryWarningDays?: number;
  /** What each report is called in messages (its file), by index. @default - `reports[i]` */
  readonly reportSources?: readonly string[];
  /** Today. @default - the current date */
  readonly now?: Date;
}

/** The gate's verdict. */
export interface ScanGateResult {
  /** Why synth must fail (empty: pass). */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Every finding at or above the threshold, with the allowance that accepted it, if any. */
  readonly findings: readonly { readonly image: string; readonly vulnerabilityId: string; readonly pkgName: string; readonly severity: string; readonly acceptedBy?: ScanAllowance }[];
}

/** `registry/name` of a reference: without digest or tag. */
export function imageRepository(reference: string): string {
  const at = reference.indexOf('@');
  const beforeDigest = at >= 0 ? reference.slice(0, at) : reference;
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', slash + 1);
  return colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
}

/** The digest of a reference (`sha256:...`), if pinned. */
export function imageDigestOf(reference: string): string | undefined {
  const m = /@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.exec(reference);
  return m ? m[1] : undefined;
}

/** The rank of a severity already checked by {@link trivyReportProblems} (or the threshold, checked first). */
function severityRank(s: string): number {
  return (TRIVY_SEVERITIES as readonly string[]).indexOf(s);
}

/** What is wrong with the options themselves: each makes the gate's verdict uncertain, so each fails it. */
function optionProblems(options: ScanGateOptions): string[] {
  const problems: string[] = [];
  if (options.threshold !== undefined && !isTrivySeverity(options.threshold)) {
    const given: unknown = options.threshold;
    const upper = typeof given === 'string' ? given.toUpperCase() : '';
    problems.push(gateProblem('threshold', options.threshold, `is not a Trivy severity (${TRIVY_SEVERITIES.join(', ')})`,
      isTrivySeverity(upper) ? `write ${JSON.stringify(upper)}` : 'set one of them, e.g. "HIGH"'));
  }
  if (options.missingReport !== undefined && !['error', 'warning', 'ignore'].includes(options.missingReport)) {
    problems.push(gateProblem('missingReport', options.missingReport, 'is not "error", "warning" or "ignore"', 'set one of them (the default "error" fails an image without a report)'));
  }
  const days = options.expiryWarningDays;
  if (days !== undefined && !(Number.isInteger(days) && days >= 0)) problems.push(gateProblem('expiryWarningDays', days, 'is not a whole number of days >= 0', 'set e.g. 14'));
  if (options.now !== undefined && !(options.now instanceof Date && !Number.isNaN(options.now.getTime()))) problems.push(gateProblem('now', String(options.now), 'is not a valid date', 'pass a valid Date, or leave it unset for today'));
  if (options.allowList !== undefined && !Array.isArray(options.allowList)) problems.push(gateProblem('allowList', options.allowList, 'is not an array', 'pass a list of { vulnerabilityId, reason, expires }'));
  return problems;
}

/**
 * Judges the scan reports of `images` (references as they appear in the blueprint). It fails
 * closed: options it cannot read, an allow-list entry that is not exact (an expiry that is not a
 * calendar day), and a report it cannot read with certainty ({@link trivyReportProblems}) are
 * errors, whatever the findings. Then:
 * - an image without a report is an error (or a warning, or ignored: `missingReport`);
 * - a report whose `ArtifactName` digest (or, for a report by tag, whose `Metadata.RepoDigests`)
 *   differs from the image's pinned digest is stale: an error;
 * - a vulnerability at or above `threshold` is an error unless an allowance with a valid reason
 *   and a future expiry accepts it; an expired allowance is an error; one that expires within
 *   `expiryWarningDays` warns, and so does one that accepts nothing.
 */
export function evaluateScanGate(images: readonly string[], reports: readonly TrivyReport[], options: ScanGateOptions = {}): ScanGateResult {
  const invalid = optionProblems(options);
  if (invalid.length > 0) return { errors: invalid, warnings: [], findings: [] };
  const threshold = severityRank(options.threshold ?? 'HIGH');
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const soon = new Date(`${today}T00:00:00Z`);
  soon.setUTCDate(soon.getUTCDate() + (options.expiryWarningDays ?? 14));
  const soonDay = soon.toISOString().slice(0, 10);
  const errors: string[] = [];
  const warnings: string[] = [];
  const findings: { image: string; vulnerabilityId: string; pkgName: string; severity: string; acceptedBy?: ScanAllowance }[] = [];
  const allowList = options.allowList ?? [];
  const used = new Set<ScanAllowance>();

  allowList.forEach((a, i) => {
    const where = `scan allow-list entry ${i} (${typeof a?.vulnerabilityId === 'string' ? a.vulnerabilityId : '?'})`;
    if (typeof a?.vulnerabilityId !== 'string' || !/^\S+$/.test(a.vulnerabilityId)) {
      errors.push(gateProblem(`${where} vulnerabilityId`, a?.vulnerabilityId, 'is not a vulnerability id', 'write the id the report uses, e.g. "CVE-2024-1234"'));
    }
    if (a?.image !== undefined && (typeof a.image !== 'string' || a.image.trim() === '')) errors.push(gateProblem(`${where} image`, a.image, 'is not an image repository', 'write e.g. "registry.example.com/api", or leave it unset for every image'));
    const problem = reasonProblem(a?.reason);
    if (problem) errors.push(gateProblem(`${where} reason`, a?.reason, problem, 'write, for a reviewer, why the finding is acceptable until the expiry'));
    if (!isIsoDate(a?.expires)) errors.push(gateProblem(`${where} expires`, a?.expires, 'is not a calendar date (YYYY-MM-DD)', 'write the last day the entry applies, a day that exists, e.g. "2027-02-28"'));
    else if (a.expires < today) errors.push(`${where}: expired on ${a.expires}; fix the finding or renew the entry with a new reason`);
    else if (a.expires <= soonDay) warnings.push(`${where}: expires on ${a.expires}`);
  });
  const valid = (a: ScanAllowance) => typeof a?.vulnerabilityId === 'string' && !reasonProblem(a.reason) && isIsoDate(a.expires) && a.expires >= today;
  const readable: TrivyReport[] = [];
  const unreadable = new Set<string>(); // repositories of reports that failed: their images are judged failed, not "without a report"
  reports.forEach((r, i) => {
    const problems = trivyReportProblems(r, options.reportSources?.[i] ?? `reports[${i}]`);
    if (problems.length === 0) readable.push(r);
    else {
      errors.push(...problems);
      const artifact = (r as { ArtifactName?: unknown } | null)?.ArtifactName;
      if (typeof artifact === 'string') unreadable.add(imageRepository(artifact));
    }
  });

  for (const image of [...new Set(images)].sort()) {
    const repository = imageRepository(image);
    const digest = imageDigestOf(image);
    const report = readable.find(r => imageRepository(r.ArtifactName) === repository && (!digest || imageDigestOf(r.ArtifactName) === digest || (r.Metadata?.RepoDigests ?? []).includes(`${repository}@${digest}`)))
      ?? readable.find(r => imageRepository(r.ArtifactName) === repository);
    if (!report) {
      if (unreadable.has(repository)) continue;
      const message = `image ${image}: no Trivy report`;
      if ((options.missingReport ?? 'error') === 'error') errors.push(message);
      else if (options.missingReport === 'warning') warnings.push(message);
      continue;
    }
    if (digest) {
      const scanned = imageDigestOf(report.ArtifactName);
      const byRepoDigest = (report.Metadata?.RepoDigests ?? []).includes(`${repository}@${digest}`);
      if (scanned !== undefined ? scanned !== digest : !byRepoDigest) {
        errors.push(`image ${image}: the report scanned ${scanned ? `digest ${scanned}` : `${report.ArtifactName} (no matching RepoDigests)`}, not the pinned ${digest}: the report is stale; rescan the pinned image`);
        continue;
      }
    }
    for (const result of report.Results ?? []) {
      for (const v of result.Vulnerabilities ?? []) {
        if (severityRank(v.Severity) < threshold) continue;
        const acceptedBy = allowList.find(a => a.vulnerabilityId === v.VulnerabilityID && (a.image === undefined || imageRepository(a.image) === repository) && valid(a));
        if (acceptedBy) used.add(acceptedBy);
        findings.push({ image, vulnerabilityId: v.VulnerabilityID, pkgName: v.PkgName, severity: v.Severity, ...(acceptedBy ? { acceptedBy } : {}) });
        if (!acceptedBy) {
          errors.push(`image ${image}: ${v.Severity} ${v.VulnerabilityID} in ${v.PkgName} ${v.InstalledVersion ?? ''}`.trimEnd()
            + `${v.FixedVersion ? ` (fixed in ${v.FixedVersion})` : ' (no fix yet)'}; upgrade, or allow-list it with a reason and an expiry date`);
        }
      }
    }
  }
  for (const a of allowList) {
    if (valid(a) && !used.has(a)) warnings.push(`scan allow-list entry ${a.vulnerabilityId}${a.image ? ` (${a.image})` : ''} accepts no finding; remove it`);
  }
  return { errors, warnings, findings };
}
