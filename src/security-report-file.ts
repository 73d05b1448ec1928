/**
 * The project's security report: the one function behind both `cdk8s-hardened report` and the
 * `SECURITY-REPORT.md` that synth writes into dist/. It collects the findings (Pod Security
 * Standards per object, at the level its Namespace labels enforce, exactly as `check` resolves it)
 * and renders {@link renderSecurityReport}. Deterministic: same objects, same bytes, whatever
 * their order.
 */
import { createPssRulePack } from './cli/pss-rule-pack';
import type { RuleContext, RulePack } from './cli/rule-pack';
import type { KubeObject } from './kube-object';
import { renderSecurityReport, type ReportException, type ReportFinding } from './report';
import type { ManifestObject } from './yaml-input';

/** The file name of the report in the synth output directory. */
export const SECURITY_REPORT_FILE = 'SECURITY-REPORT.md';

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

/**
 * The context rule packs see, built as `check` builds it: the Namespace of a name is the first
 * `v1` `Namespace` object of that name among the inputs.
 */
function ruleContext(items: readonly ManifestObject[], warn: (message: string) => void): RuleContext {
  const namespaces = new Map<string, KubeObject>();
  for (const { object } of items) {
    const name = object.metadata?.name;
    if (object.kind === 'Namespace' && object.apiVersion === 'v1' && typeof name === 'string' && !namespaces.has(name)) {
      namespaces.set(name, object);
    }
  }
  return { objects: items, namespace: (name) => namespaces.get(name), warn };
}

/**
 * Builds the security report of a set of synthesized (or any) Kubernetes objects.
 *
 * Findings: the Pod Security Standards rule pack of `check`, without overrides, so each object is
 * judged at the level and version its Namespace labels enforce (else restricted:latest). A
 * finding's message ends with the path of the offending field.
 *
 * @param items the objects with the file and line they come from (file and line do not appear in
 *   the report, so objects read back from synthesized YAML give the same report as the objects
 *   synth wrote)
 */
export function buildSecurityReport(items: readonly ManifestObject[], options: BuildSecurityReportOptions = {}): BuiltSecurityReport {
  const warnings = new Set<string>();
  const context = ruleContext(items, (message) => warnings.add(message));
  const packs: readonly RulePack[] = [createPssRulePack()];
  const findings: ReportFinding[] = [];
  for (const item of items) {
    const { object } = item;
    const namespace = nonEmptyString(object.metadata?.namespace);
    const name = nonEmptyString(object.metadata?.name) ?? '<unnamed>';
    for (const pack of packs) {
      for (const f of pack.check(item, context)) {
        findings.push({
          ...(namespace !== undefined ? { namespace } : {}),
          kind: object.kind,
          name,
          rule: f.rule,
          message: f.path !== '' ? `${f.message} (${f.path})` : f.message,
        });
      }
    }
  }
  const exceptions: ReportException[] = [];
  const objects = items.map((i) => i.object);
  const markdown = renderSecurityReport(objects, { findings, exceptions, mermaid: options.mermaid });
  return { markdown, findings, exceptions, warnings: [...warnings] };
}
