/**
 * `check --format junit`: JUnit XML as CI systems show test results (GitLab, Jenkins, Azure).
 * One test suite per input file; per object a passing test case when it has no finding, else
 * one test case per finding: a `failure` when it fails at the threshold, `skipped` when it does
 * not (a warning) or an exception covers it (with the reason). Names carry the rule id, the
 * object and the field; the failure text carries the message, the fix and the help link.
 */
import { fails, objectLabel, type CheckFinding, type FailOn, type ObjectResult } from '../check-result';

/** Escapes text for an XML attribute or element; drops the characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

interface Case { readonly xml: string; readonly failed: boolean; readonly skipped: boolean }

function findingCase(r: ObjectResult, f: CheckFinding, failOn: FailOn, suppressed: boolean): Case {
  const attrs = `name="${xmlEscape(`[${f.rule}] ${objectLabel(r)} ${f.path}`)}" classname="${xmlEscape(r.file)}" file="${xmlEscape(r.file)}" line="${r.line}"`;
  const details = xmlEscape([`${r.file}:${r.line}: ${f.message} (${f.path})`, `fix: ${f.fix}`, ...(f.help !== undefined ? [`help: ${f.help}`] : [])].join('\n'));
  if (suppressed) {
    const reason = f.exceptedBy.map(e => e.reason).join('; ');
    return { xml: `    <testcase ${attrs}>\n      <skipped message="${xmlEscape(`suppressed: ${reason}`)}"/>\n    </testcase>`, failed: false, skipped: true };
  }
  if (!fails(f, failOn)) {
    return { xml: `    <testcase ${attrs}>\n      <skipped message="${xmlEscape(`warning: ${f.message}`)}"/>\n      <system-out>${details}</system-out>\n    </testcase>`, failed: false, skipped: true };
  }
  return { xml: `    <testcase ${attrs}>\n      <failure type="${xmlEscape(f.rule)}" message="${xmlEscape(f.message)}">${details}</failure>\n    </testcase>`, failed: true, skipped: false };
}

/** Renders results as a JUnit XML document (with a trailing newline). */
export function formatJunit(results: readonly ObjectResult[], failOn: FailOn = 'error'): string {
  const byFile = new Map<string, Case[]>();
  for (const r of results) {
    const cases = byFile.get(r.file) ?? [];
    byFile.set(r.file, cases);
    if (r.findings.length === 0 && r.suppressed.length === 0) {
      cases.push({ xml: `    <testcase name="${xmlEscape(objectLabel(r))}" classname="${xmlEscape(r.file)}" file="${xmlEscape(r.file)}" line="${r.line}"/>`, failed: false, skipped: false });
    }
    for (const f of r.findings) cases.push(findingCase(r, f, failOn, false));
    for (const f of r.suppressed) cases.push(findingCase(r, f, failOn, true));
  }
  const count = (cases: readonly Case[]) => ({ tests: cases.length, failures: cases.filter(c => c.failed).length, skipped: cases.filter(c => c.skipped).length });
  const all = [...byFile.values()].flat();
  const total = count(all);
  const suites = [...byFile].map(([file, cases]) => {
    const c = count(cases);
    return `  <testsuite name="${xmlEscape(file)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}">\n${cases.map(x => x.xml).join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cdk8s-hardened check" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}">\n${suites.join('\n')}${suites.length > 0 ? '\n' : ''}</testsuites>\n`;
}
