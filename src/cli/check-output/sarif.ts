/**
 * `check --format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it (one run, the rules that
 * have results in `tool.driver.rules`, one result per finding with its file and line; a finding
 * an exception covers is a result with an accepted in-source suppression and the reason as its
 * justification). Microsoft's SARIF Multitool validates the output in test/cli.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { fails, objectLabel, type CheckFinding, type FailOn, type ObjectResult } from '../check-result';
import { isAbsoluteUrl } from './help-link';
import type { RuleDescription } from './rule-descriptions';
import type { ToolInfo } from '../tool-version';

/** The SARIF document (only the properties written here). */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly Record<string, unknown>[];
}

/** Options of {@link formatSarif}. */
export interface SarifOptions {
  /** The tool's version and home page (see `toolInfo`). */
  readonly tool: ToolInfo;
  /** Rule descriptions by id (see `ruleDescriptions`). */
  readonly rules: ReadonlyMap<string, RuleDescription>;
  /** Which findings are SARIF `error`s; the others are `warning`s. @default 'error' */
  readonly failOn?: FailOn;
  /** The directory file names are relative to. @default - process.cwd() */
  readonly cwd?: string;
}

/**
 * A file name as a SARIF artifact URI: relative to `cwd` (where code scanning resolves it against
 * the checkout), `/`-separated and percent-encoded, when the file is inside `cwd`; else an
 * absolute `file://` URL; standard input as `stdin`.
 */
function artifactUri(file: string, cwd: string): string {
  if (file === '<stdin>') return 'stdin';
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return pathToFileURL(absolute).href;
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/** `image-digest` and `runAsNonRoot` as SARIF's friendly names want them: `ImageDigest`, `RunAsNonRoot`. */
function pascalCase(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}

/** Renders results as a SARIF 2.1.0 log (JSON text with a trailing newline). */
export function formatSarif(results: readonly ObjectResult[], options: SarifOptions): string {
  const failOn = options.failOn ?? 'error';
  const used = new Set<string>();
  for (const r of results) for (const f of [...r.findings, ...r.suppressed]) used.add(f.rule);
  const ids = [...used].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const helpOf = new Map<string, string | undefined>();
  for (const r of results) for (const f of [...r.findings, ...r.suppressed]) if (!helpOf.has(f.rule)) helpOf.set(f.rule, f.help);
  const rules = ids.map(id => {
    const d = options.rules.get(id);
    const help = helpOf.get(id);
    return {
      id,
      ...(d?.name !== undefined ? { name: pascalCase(d.name) } : {}),
      shortDescription: { text: d?.summary ?? id },
      ...(d !== undefined && d.explanation !== '' ? { fullDescription: { text: d.explanation } } : {}),
      ...(help !== undefined && isAbsoluteUrl(help) ? { helpUri: help } : {}),
      ...(help !== undefined ? { help: { text: `See ${help}` } } : {}),
      properties: { tags: ['security', 'kubernetes'] },
    };
  });
  const result = (r: ObjectResult, f: CheckFinding, suppressed: boolean) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule),
    level: fails(f, failOn) ? 'error' : 'warning',
    message: { text: `${objectLabel(r)}: ${f.message} (${f.path}). Fix: ${f.fix.replace(/\.+$/, '')}.` },
    locations: [{
      physicalLocation: { artifactLocation: { uri: artifactUri(r.file, options.cwd ?? process.cwd()) }, region: { startLine: r.line } },
      logicalLocations: [{ fullyQualifiedName: `${objectLabel(r)}/${f.path}`, kind: 'object' }],
    }],
    ...(suppressed ? { suppressions: f.exceptedBy.map(e => ({ kind: 'inSource', status: 'accepted', justification: e.reason })) } : {}),
  });
  const log: SarifLog = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'cdk8s-hardened', version: options.tool.version, semanticVersion: options.tool.version, ...(options.tool.homepage !== undefined ? { informationUri: options.tool.homepage } : {}), rules } },
      columnKind: 'utf16CodeUnits',
      results: results.flatMap(r => [...r.findings.map(f => result(r, f, false)), ...r.suppressed.map(f => result(r, f, true))]),
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
