/** `check --format json`: one entry per object, every field a finding has. */
import type { CheckFinding, ObjectResult } from '../check-result';

/** One finding in the `--format json` document. */
export interface CheckJsonFinding {
  readonly rule: string;
  readonly level: string;
  readonly message: string;
  readonly path: string;
  /** `error` fails the check; `warning` (a namespace's warn/audit level, a warning rule) only with `--fail-on warning`. */
  readonly severity: 'error' | 'warning';
  /** Why it matters. */
  readonly explanation: string;
  /** What to change. */
  readonly fix: string;
  /** Where the rule is documented, when known. */
  readonly help?: string;
  /** For a suppressed finding: the exceptions that cover it. */
  readonly exceptions?: readonly { readonly id: string; readonly reason: string; readonly expires?: string }[];
}

/** The JSON document printed by `--format json`: one entry per object. */
export interface CheckJsonEntry {
  readonly file: string;
  /** 1-based line of the object in its file. */
  readonly line: number;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly findings: readonly CheckJsonFinding[];
  /** Findings an exception covers, with the exception. */
  readonly suppressed: readonly CheckJsonFinding[];
}

function entry(f: CheckFinding, withExceptions: boolean): CheckJsonFinding {
  return {
    rule: f.rule, level: f.level, message: f.message, path: f.path, severity: f.severity, explanation: f.explanation, fix: f.fix,
    ...(f.help !== undefined ? { help: f.help } : {}),
    ...(withExceptions ? { exceptions: f.exceptedBy.map(e => ({ id: e.id, reason: e.reason, ...(e.expires !== undefined ? { expires: e.expires } : {}) })) } : {}),
  };
}

/** Converts results to the `--format json` shape. */
export function toJsonEntries(results: readonly ObjectResult[]): CheckJsonEntry[] {
  return results.map(r => ({
    file: r.file, line: r.line, kind: r.kind, namespace: r.namespace, name: r.name,
    findings: r.findings.map(f => entry(f, false)),
    suppressed: r.suppressed.map(f => entry(f, true)),
  }));
}

/** Renders results as one JSON array (with a trailing newline). */
export function formatJson(results: readonly ObjectResult[]): string {
  return `${JSON.stringify(toJsonEntries(results), null, 2)}\n`;
}
