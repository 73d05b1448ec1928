/**
 * The image scan gate: reads Trivy JSON reports (`SchemaVersion` 2) for the images a blueprint
 * runs and decides whether synth may proceed. Pure: reports in, verdict out (reading files is the
 * caller's job).
 */
import { reasonProblem } from '../rules/exceptions';

/** Trivy severities, from the least to the most severe. */
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

function severityRank(s: string): number {
  const i = (TRIVY_SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? 0 : i;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Judges the scan reports of `images` (references as they appear in the blueprint):
 * - an image without a report is an error (or a warning, or ignored: `missingReport`);
 * - a report whose `ArtifactName` digest (or, for a report by tag, whose `Metadata.RepoDigests`)
 *   differs from the image's pinned digest is stale: an error;
 * - a vulnerability at or above `threshold` is an error unless an allowance with a valid reason
 *   and a future expiry accepts it; an expired allowance is an error; one that expires within
 *   `expiryWarningDays` warns, and so does one that accepts nothing.
 */
export function evaluateScanGate(images: readonly string[], reports: readonly TrivyReport[], options: ScanGateOptions = {}): ScanGateResult {
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
    const where = `scan allow-list entry ${i} (${a.vulnerabilityId})`;
    const problem = reasonProblem(a.reason);
    if (problem) errors.push(`${where}: reason ${JSON.stringify(a.reason)} ${problem}`);
    if (!DATE.test(a.expires) || Number.isNaN(Date.parse(`${a.expires}T00:00:00Z`))) errors.push(`${where}: expires ${JSON.stringify(a.expires)} is not a date (YYYY-MM-DD)`);
    else if (a.expires < today) errors.push(`${where}: expired on ${a.expires}; fix the finding or renew the entry with a new reason`);
    else if (a.expires <= soonDay) warnings.push(`${where}: expires on ${a.expires}`);
  });
  const valid = (a: ScanAllowance) => !reasonProblem(a.reason) && DATE.test(a.expires) && a.expires >= today;

  for (const image of [...new Set(images)].sort()) {
    const repository = imageRepository(image);
    const digest = imageDigestOf(image);
    const report = reports.find(r => imageRepository(r.ArtifactName) === repository && (!digest || imageDigestOf(r.ArtifactName) === digest || (r.Metadata?.RepoDigests ?? []).includes(`${repository}@${digest}`)))
      ?? reports.find(r => imageRepository(r.ArtifactName) === repository);
    if (!report) {
      const message = `image ${image}: no Trivy report`;
      if ((options.missingReport ?? 'error') === 'error') errors.push(message);
      else if (options.missingReport === 'warning') warnings.push(message);
      continue;
    }
    if (report.SchemaVersion !== 2) {
      errors.push(`image ${image}: report for ${report.ArtifactName} has SchemaVersion ${report.SchemaVersion}, expected 2`);
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
