/**
 * The project's security report: the one function behind both `cdk8s-hardened report` and the
 * `SECURITY-REPORT.md` that synth writes into dist/. It renders {@link renderSecurityReport} from
 * the objects and the result of the one policy pass over them (Pod Security at each namespace's
 * levels, the `hardened` rule pack, the exceptions): synth hands over the result it computed, the
 * command line evaluates it once here. Deterministic: same objects, same bytes.
 */
import type { Reporter, Synthesis } from '../constructs/hardened-app';
import {
  compareExceptions, EXCEPTIONS_ANNOTATION, FindingSource, HARDENED_PACK, PSS_CHECKS,
  type KubeObject, type PolicyResult, type RuleException,
} from '../policy';
import { evaluateManifests } from './cli/manifest-policy';
import { renderSecurityReport, type ReportException, type ReportFinding } from '../analysis/report';
import { securityReportJson } from '../analysis/report/security-report-json';
import type { ManifestObject } from './yaml-input';

/** The file name of the report in the synth output directory. */
export const SECURITY_REPORT_FILE = 'SECURITY-REPORT.md';

/** Options of {@link buildSecurityReport}. */
export interface BuildSecurityReportOptions {
  /** Whether to include the Mermaid diagram. Default `true`. */
  readonly mermaid?: boolean;
  /**
   * Also render the report as JSON (`BuiltSecurityReport.json`, `report --format json`).
   * @default false
   */
  readonly json?: boolean;
  /**
   * The result of the policy pass over the objects of `items` (same indexes), computed once
   * elsewhere: synth passes `Synthesis.policy`. The exceptions listed are then those that covered
   * a finding (`exceptedBy`).
   * @default - evaluated here, once: Pod Security at each namespace's labels and the `hardened`
   * pack, with the exceptions of each object's `cdk8s-hardened.io/exceptions` annotation
   */
  readonly policy?: PolicyResult;
}

/** The outcome of {@link buildSecurityReport}. */
export interface BuiltSecurityReport {
  /** The Markdown report, ending with one newline. */
  readonly markdown: string;
  /** The report as JSON (a `SecurityReportJson` document, ending with one newline), when `json` was asked for. */
  readonly json?: string;
  /** The findings listed in the report (unsorted; the report sorts them). */
  readonly findings: readonly ReportFinding[];
  /** The exceptions listed in the report. */
  readonly exceptions: readonly ReportException[];
  /** Non-fatal problems with the input (e.g. an invalid Namespace label), deduplicated, in order of discovery. */
  readonly warnings: readonly string[];
}

const PSS_CHECK_IDS = new Set(PSS_CHECKS.map((c) => c.id));

/** What the report appends to a Pod Security check id that only applies at the warn/audit levels. */
const WARN_AUDIT = ' (warn/audit)';

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `ns/Kind/name` or `Kind/name`, as warnings name objects. */
function describeObject(object: KubeObject): string {
  const ns = nonEmptyString(object.metadata?.namespace);
  return `${ns !== undefined ? `${ns}/` : ''}${object.kind}/${nonEmptyString(object.metadata?.name) ?? '<unnamed>'}`;
}

/**
 * The rule of an exception as the report shows it: the id, or `ID at PATH` for an exception
 * narrowed to a field path, so that only the findings it covers are shown as excepted (the
 * report matches findings and exceptions by object and rule).
 */
function exceptionRule(e: RuleException): string {
  return e.path === undefined ? e.id : `${e.id} at ${e.path}`;
}

/**
 * The exceptions that covered findings on one object, as the annotation synth writes lists
 * them (and so as the command line reads them back): reason trimmed, sorted, duplicates removed.
 */
function coveringExceptions(policy: PolicyResult, count: number): RuleException[][] {
  const byObject: Set<RuleException>[] = Array.from({ length: count }, () => new Set());
  for (const f of policy.findings) for (const e of f.exceptedBy) byObject[f.objectIndex].add(e);
  return byObject.map((set) => {
    const seen = new Set<string>();
    const out: RuleException[] = [];
    for (const e of [...set].sort(compareExceptions)) {
      const item: RuleException = { id: e.id, reason: e.reason.trim(), ...(e.path !== undefined ? { path: e.path } : {}) };
      const key = JSON.stringify(item);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(item);
      }
    }
    return out;
  });
}

/**
 * Builds the security report of a set of synthesized (or any) Kubernetes objects.
 *
 * Findings, from the one policy pass ({@link BuildSecurityReportOptions.policy}, else evaluated
 * here): the Pod Security findings of every pod-bearing object at the level and version its
 * Namespace labels enforce (else restricted:latest), those of its warn/audit levels where they are
 * stricter (shown as `check (warn/audit)`), and the `hardened` rule findings. A finding's message
 * ends with the path of the offending field.
 *
 * Exceptions: those that covered a finding (`exceptedBy` of the result), or, when the result is
 * evaluated here, the valid entries of each object's `cdk8s-hardened.io/exceptions` annotation
 * (which synth writes for every `PolicyException` that covered a finding, so both list the same).
 * A finding an exception covers is shown as `excepted`; an exception narrowed to a path is shown as
 * `ID at PATH`. An exception naming a Pod Security check is shown as `check (warn/audit)`: it
 * never excepts an enforced-level finding (the API server rejects those whatever the annotation
 * says). Malformed annotation entries and HARDENED-n entries that cover no finding are warnings.
 *
 * @param items the objects with the file and line they come from (file and line do not appear in
 *   the report, so objects read back from synthesized YAML give the same report as the objects
 *   synth wrote)
 */
export function buildSecurityReport(items: readonly ManifestObject[], options: BuildSecurityReportOptions = {}): BuiltSecurityReport {
  const objects = items.map((i) => i.object);
  const evaluated = options.policy === undefined ? evaluateManifests(objects, { packs: [HARDENED_PACK] }) : undefined;
  const policy = options.policy ?? evaluated!.result;
  const warnings = new Set<string>(policy.problems);
  let listed: readonly (readonly RuleException[])[];
  if (evaluated === undefined) {
    listed = coveringExceptions(policy, objects.length);
  } else {
    listed = evaluated.exceptions.map((list) => [...list].sort(compareExceptions));
    for (const note of evaluated.notes) {
      const where = describeObject(objects[note.objectIndex]);
      warnings.add(
        note.kind === 'malformed'
          ? `${where}: ${note.problem}; entry ignored`
          : `${where}: exception ${exceptionRule(note.exception)} in ${EXCEPTIONS_ANNOTATION} covers no finding`,
      );
    }
  }

  const identity = (object: KubeObject) => {
    const namespace = nonEmptyString(object.metadata?.namespace);
    return { ...(namespace !== undefined ? { namespace } : {}), kind: object.kind, name: nonEmptyString(object.metadata?.name) ?? '<unnamed>' };
  };
  const exceptions: ReportException[] = [];
  listed.forEach((list, index) => {
    for (const e of list) {
      const rule = exceptionRule(e);
      exceptions.push({ ...identity(objects[index]), rule: PSS_CHECK_IDS.has(e.id) ? rule + WARN_AUDIT : rule, reason: e.reason, ...(e.expires !== undefined ? { expires: e.expires } : {}) });
    }
  });
  const findings: ReportFinding[] = policy.findings.map((f) => {
    // a path-less exception covers every finding of its rule; else show the narrowest-sorted one
    const covering = [...f.exceptedBy].sort(compareExceptions);
    const shownAs = covering.find((e) => e.path === undefined) ?? covering[0];
    const rule = shownAs !== undefined ? exceptionRule(shownAs) : f.rule;
    return {
      ...identity(objects[f.objectIndex]),
      rule: f.source === FindingSource.POD_SECURITY_WARN ? rule + WARN_AUDIT : rule,
      message: f.path !== '' ? `${f.message} (${f.path})` : f.message,
    };
  });

  const markdown = renderSecurityReport(objects, { findings, exceptions, mermaid: options.mermaid });
  const json = options.json === true ? `${JSON.stringify(securityReportJson(objects, { findings, exceptions }), null, 2)}\n` : undefined;
  return { markdown, ...(json !== undefined ? { json } : {}), findings, exceptions, warnings: [...warnings] };
}

/**
 * The document start lines of a synthesized manifest: `HardenedApp` joins the YAML documents of a
 * file with `---` lines (as cdk8s's `Yaml.stringify` does), so document k starts on the line after
 * the k-th `---` line. The same lines the YAML reader reports for the file.
 */
function documentStartLines(text: string): number[] {
  const starts = [1];
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    line++;
    if (text.startsWith('---\n', i + 1)) starts.push(line + 1);
  }
  return starts;
}

/**
 * The synthesized objects as the manifest reader would return them from the synth output
 * directory: each with the file it is written to and the line it starts on there, in output order.
 */
export function synthesizedManifestObjects(synthesis: Synthesis): ManifestObject[] {
  const starts = new Map<string, number[]>();
  const seen = new Map<string, number>();
  return synthesis.objects.map(({ object, file }) => {
    let lines = starts.get(file);
    if (lines === undefined) {
      lines = documentStartLines(synthesis.manifests[file] ?? '');
      starts.set(file, lines);
    }
    const index = seen.get(file) ?? 0;
    seen.set(file, index + 1);
    return { file, line: lines[index] ?? 1, object };
  });
}

/**
 * A `HardenedApp` reporter that writes {@link SECURITY_REPORT_FILE} next to the manifests,
 * rendered by {@link buildSecurityReport} from the synthesized objects and the synthesis's own
 * policy result (so it evaluates nothing again, and equals what `cdk8s-hardened report <outdir>`
 * prints). Input warnings go to stderr.
 *
 * @example
 *   const app = new HardenedApp({ reporters: [securityReportReporter()] });
 */
export function securityReportReporter(options: Omit<BuildSecurityReportOptions, 'policy'> = {}): Reporter {
  return (_objects, synthesis) => {
    // the policy pass of this synthesis: nothing is evaluated a second time
    const report = buildSecurityReport(synthesizedManifestObjects(synthesis), { ...options, policy: synthesis.policy });
    for (const warning of report.warnings) console.warn(`warning: security report: ${warning}`);
    return { [SECURITY_REPORT_FILE]: report.markdown };
  };
}
