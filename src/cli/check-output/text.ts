/** `check --format text`: one block per finding, for a terminal or a CI log. */
import { fails, objectLabel, type CheckFinding, type FailOn, type ObjectResult } from '../check-result';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function block(r: ObjectResult, f: CheckFinding, tag: string): string[] {
  return [
    `${r.file}:${r.line}: ${objectLabel(r)}: ${tag}[${f.rule}] ${f.message} (${f.path})`,
    `  fix: ${f.fix}`,
    ...(f.help !== undefined ? [`  help: ${f.help}`] : []),
  ];
}

/**
 * Renders results as text: per open finding `file:line: Kind namespace/name: [rule] message (path)`
 * (`warning: [rule] ...` for a finding that does not fail at `failOn`), then its fix and help link,
 * indented; per suppressed finding `suppressed: [rule] ...` with the exception's reason; then a
 * summary line counting the failing findings, the others and the suppressed ones.
 */
export function formatText(results: readonly ObjectResult[], failOn: FailOn = 'error'): string {
  const lines: string[] = [];
  let failing = 0;
  let other = 0;
  let suppressed = 0;
  let failingObjects = 0;
  const files = new Set<string>();
  for (const r of results) {
    files.add(r.file);
    if (r.findings.some(f => fails(f, failOn))) failingObjects++;
    for (const f of r.findings) {
      if (fails(f, failOn)) failing++; else other++;
      lines.push(...block(r, f, fails(f, failOn) ? '' : 'warning: '));
    }
    for (const f of r.suppressed) {
      suppressed++;
      lines.push(`${r.file}:${r.line}: ${objectLabel(r)}: suppressed: [${f.rule}] ${f.message} (${f.path})`,
        ...f.exceptedBy.map(e => `  excepted: ${e.reason}${e.expires !== undefined ? ` (until ${e.expires})` : ''}`));
    }
  }
  const checked = `${plural(results.length, 'object')} in ${plural(files.size, 'file')}`;
  const extras = [other > 0 ? plural(other, 'warning') : '', suppressed > 0 ? `${suppressed} suppressed` : ''].filter(Boolean).map(s => `, ${s}`).join('');
  lines.push(failing === 0
    ? `No findings${extras}: ${checked} checked.`
    : `${plural(failing, 'finding')} in ${plural(failingObjects, 'object')}${extras} (${checked} checked).`);
  return `${lines.join('\n')}\n`;
}
