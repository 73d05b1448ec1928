/**
 * The project's security report: the one function behind both `cdk8s-hardened report` and the
 * `SECURITY-REPORT.md` that synth writes into dist/. It collects the findings (Pod Security
 * Standards per object, at the level its Namespace labels enforce, exactly as `check` resolves it;
 * the `hardened` rule pack) and the exceptions carried in the `cdk8s-hardened.io/exceptions`
 * annotation, and renders {@link renderSecurityReport}. Deterministic: same objects, same bytes.
 */
import type { Reporter, Synthesis } from '../constructs/hardened-app';
import { createPssRulePack } from './cli/pss-rule-pack';
import { createRuleContext } from './cli/rule-pack';
import type { KubeObject } from '../policy/kube-object';
import {
  compareExceptions, EXCEPTIONS_ANNOTATION, exceptionMatches, parseExceptionsAnnotation, runRulePacks, type RuleException,
} from '../policy/rules';
import { renderSecurityReport, type ReportException, type ReportFinding } from './report';
import type { ManifestObject } from './yaml-input';

/** The file name of the report in the synth output directory. */
export const SECURITY_REPORT_FILE = 'SECURITY-REPORT.md';

/** Ids of the `hardened` rule pack's rules; other exception ids are Pod Security check ids. */
const HARDENED_ID_PREFIX = 'HARDENED-';

/** Options of {@link buildSecurityReport}. */
export interface BuildSecurityReportOptions {
  /** Whether to include the Mermaid diagram. Default `true`. */
  readonly mermaid?: boolean;
}

/** The outcome of {@link buildSecurityReport}. */
export interface BuiltSecurityReport {
  /** The Markdown report, ending with one newline. */
  readonly markdown: string;
  /** The findings listed in the report (unsorted; the report sorts them). */
  readonly findings: readonly ReportFinding[];
  /** The exceptions listed in the report. */
  readonly exceptions: readonly ReportException[];
  /** Non-fatal problems with the input (e.g. an invalid Namespace label), deduplicated, in order of discovery. */
  readonly warnings: readonly string[];
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finding before it is matched against exceptions. */
interface RawFinding {
  readonly index: number;
  readonly rule: string;
  readonly message: string;
  readonly path: string;
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
 * Builds the security report of a set of synthesized (or any) Kubernetes objects.
 *
 * Findings:
 * - the Pod Security Standards rule pack of `check`, without overrides: each pod-bearing object
 *   is judged at the level and version its Namespace labels enforce (else restricted:latest);
 * - the `hardened` rule pack (HARDENED-1..12, `runRulePacks` of policy/rules), run once over
 *   all objects.
 * A finding's message ends with the path of the offending field.
 *
 * Exceptions: the entries of each object's `cdk8s-hardened.io/exceptions` annotation (which synth
 * writes for every `PolicyException` that covered a finding). A HARDENED-n finding an entry covers
 * (same rule; the entry's path, if any, at or above the finding's) is shown as `excepted`. Entries
 * naming a Pod Security check are listed, marked as applying to the namespace's `warn`/`audit`
 * levels, and never except an enforced-level finding (the API server rejects those whatever the
 * annotation says). Malformed entries and entries that cover no HARDENED-n finding are warnings.
 *
 * @param items the objects with the file and line they come from (file and line do not appear in
 *   the report, so objects read back from synthesized YAML give the same report as the objects
 *   synth wrote)
 */
export function buildSecurityReport(items: readonly ManifestObject[], options: BuildSecurityReportOptions = {}): BuiltSecurityReport {
  const warnings = new Set<string>();
  const context = createRuleContext(items, (message) => warnings.add(message));
  const objects = items.map((i) => i.object);

  const raw: RawFinding[] = [];
  const pss = createPssRulePack();
  items.forEach((item, index) => {
    for (const f of pss.check(item, context)) raw.push({ index, rule: f.rule, message: f.message, path: f.path });
  });
  for (const f of runRulePacks(objects)) raw.push({ index: f.objectIndex, rule: f.rule, message: f.message, path: f.path });

  const exceptionsOf = new Map<number, RuleException[]>();
  const exceptions: ReportException[] = [];
  objects.forEach((object, index) => {
    const parsed = parseExceptionsAnnotation(object.metadata?.annotations?.[EXCEPTIONS_ANNOTATION]);
    for (const problem of parsed.problems) warnings.add(`${describeObject(object)}: ${problem}; entry ignored`);
    if (parsed.exceptions.length === 0) return;
    const sorted = [...parsed.exceptions].sort(compareExceptions);
    exceptionsOf.set(index, sorted.filter((e) => e.id.startsWith(HARDENED_ID_PREFIX)));
    const namespace = nonEmptyString(object.metadata?.namespace);
    for (const e of sorted) {
      const pssOnly = !e.id.startsWith(HARDENED_ID_PREFIX);
      exceptions.push({
        ...(namespace !== undefined ? { namespace } : {}),
        kind: object.kind,
        name: nonEmptyString(object.metadata?.name) ?? '<unnamed>',
        rule: pssOnly ? `${exceptionRule(e)} (warn/audit)` : exceptionRule(e),
        reason: e.reason,
      });
    }
  });

  const used = new Set<RuleException>();
  const findings: ReportFinding[] = raw.map((f) => {
    const object = objects[f.index];
    const namespace = nonEmptyString(object.metadata?.namespace);
    const covering = f.rule.startsWith(HARDENED_ID_PREFIX) ? (exceptionsOf.get(f.index) ?? []).filter((e) => exceptionMatches(e, f)) : [];
    for (const e of covering) used.add(e);
    // a path-less exception covers every finding of its rule; else show the narrowest-sorted one
    const shownAs = covering.find((e) => e.path === undefined) ?? covering[0];
    return {
      ...(namespace !== undefined ? { namespace } : {}),
      kind: object.kind,
      name: nonEmptyString(object.metadata?.name) ?? '<unnamed>',
      rule: shownAs !== undefined ? exceptionRule(shownAs) : f.rule,
      message: f.path !== '' ? `${f.message} (${f.path})` : f.message,
    };
  });
  for (const [index, list] of exceptionsOf) {
    for (const e of list) {
      if (!used.has(e)) warnings.add(`${describeObject(objects[index])}: exception ${exceptionRule(e)} in ${EXCEPTIONS_ANNOTATION} covers no finding`);
    }
  }

  const markdown = renderSecurityReport(objects, { findings, exceptions, mermaid: options.mermaid });
  return { markdown, findings, exceptions, warnings: [...warnings] };
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
 * rendered by {@link buildSecurityReport} from the synthesized objects (so it equals what
 * `cdk8s-hardened report <outdir>` prints). Input warnings go to stderr.
 *
 * @example
 *   const app = new HardenedApp({ reporters: [securityReportReporter()] });
 */
export function securityReportReporter(options: BuildSecurityReportOptions = {}): Reporter {
  return (_objects, synthesis) => {
    const report = buildSecurityReport(synthesizedManifestObjects(synthesis), options);
    for (const warning of report.warnings) console.warn(`warning: security report: ${warning}`);
    return { [SECURITY_REPORT_FILE]: report.markdown };
  };
}
