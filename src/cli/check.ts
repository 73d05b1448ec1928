/**
 * `cdk8s-hardened check PATH... [--level L] [--version V] [--hardened] [--format text|json]`
 *
 * The core is the pure function {@link runCheck}; {@link checkCommand} wires it to argv and streams.
 */
import {
  EXCEPTIONS_ANNOTATION, FindingSource, HARDENED_PACK, parsePssLevel, parsePssVersion, PSS_CHECKS,
  type PolicyFinding, type PolicyResult, type PssLevel, type PssTarget, type RulePack,
} from '../../policy';
import { loadManifests, ManifestInputError, type ManifestObject } from '../yaml-input';
import { evaluateManifests } from './manifest-policy';
import type { CliIo, Subcommand } from './subcommand';

/** Output formats of `check`. */
export type CheckFormat = 'text' | 'json';

/** Inputs of {@link runCheck}. */
export interface CheckOptions {
  /** Files, directories or `-` (standard input). */
  readonly paths: readonly string[];
  /** PSS level override (else from Namespace labels, else restricted). */
  readonly level?: PssLevel;
  /** PSS version override: `latest`, `v1.N` or `1.N` (else from Namespace labels, else latest). */
  readonly version?: string;
  /** Directory relative paths are resolved against (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Reads standard input for the `-` path. */
  readonly readStdin?: () => string;
  /** Also run the `hardened` best-practice rules (HARDENED-n, docs/rules.md) after Pod Security. Ignored when {@link rulePacks} is given. */
  readonly hardened?: boolean;
  /**
   * The rule packs (policy/rules `RulePack`) to run after Pod Security, which always runs.
   * Default: none, or `HARDENED_PACK` when {@link hardened} is set.
   */
  readonly rulePacks?: readonly RulePack[];
}

/** One open finding as `check` reports it: the engine's finding and the level it prints. */
export interface CheckFinding extends PolicyFinding {
  /**
   * For a Pod Security finding, the level of the check (`baseline` or `restricted`); for a rule,
   * the name of its pack (`hardened`).
   */
  readonly level: string;
}

/** The findings for one input object. */
export interface ObjectResult {
  /** The file the object came from (as given on the command line, joined with the path inside a directory). */
  readonly file: string;
  /** 1-based line of the object in {@link file}. */
  readonly line: number;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string | null;
  /**
   * The findings no exception covers: Pod Security at the enforced level (or the override), then
   * at the namespace's warn/audit levels, then the rules in pack order. Empty when the object complies.
   * Only those of severity `error` fail the check.
   */
  readonly findings: readonly CheckFinding[];
}

/** Exit codes of `check`. */
export const EXIT_OK = 0;
/** Some object has an error finding that no exception covers. */
export const EXIT_FINDINGS = 1;
/** Usage error, or unreadable or unparsable input. */
export const EXIT_USAGE = 2;

/** The outcome of {@link runCheck}. */
export interface CheckRun {
  /** One entry per object of the input (pod-bearing or not), in input order. */
  readonly results: readonly ObjectResult[];
  /** 0: no open error; 1: open errors; 2: input error. Warnings never change it. */
  readonly exitCode: 0 | 1 | 2;
  /** Fatal input errors (`file:line:col: reason`); non-empty exactly when exitCode is 2. */
  readonly errors: readonly string[];
  /** Non-fatal problems (e.g. an invalid Namespace label, a bad exception entry), deduplicated. */
  readonly warnings: readonly string[];
  /** The one policy pass over the input objects (same indexes as {@link results}); absent on an input error. */
  readonly policy?: PolicyResult;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

const PSS_CHECK_LEVEL = new Map<string, string>(PSS_CHECKS.map((c) => [c.id, c.level]));

/** `file:line: Kind namespace/name`, as the warnings about an object's annotation name it. */
function describeItem(item: ManifestObject): string {
  const ns = item.object.metadata?.namespace;
  const name = item.object.metadata?.name ?? '<unnamed>';
  return `${item.file}:${item.line}: ${item.object.kind} ${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${name}`;
}

/**
 * Checks every object in the given manifests: one policy pass (`evaluatePolicy`) over all
 * of them, with the exceptions of each object's `cdk8s-hardened.io/exceptions` annotation. Pure
 * apart from reading the input files: prints nothing and never exits the process.
 *
 * @throws Error only for invalid `level`/`version` options (validate them first with the PSS parsers)
 */
export function runCheck(options: CheckOptions): CheckRun {
  if (options.level !== undefined) {
    parsePssLevel(options.level);
  }
  if (options.version !== undefined) {
    parsePssVersion(options.version);
  }
  let objects: ManifestObject[];
  try {
    objects = loadManifests(options.paths, { cwd: options.cwd, readStdin: options.readStdin });
  } catch (e) {
    if (e instanceof ManifestInputError) {
      return { results: [], exitCode: EXIT_USAGE, errors: [e.message], warnings: [] };
    }
    throw e;
  }
  const packs = options.rulePacks ?? (options.hardened ? [HARDENED_PACK] : []);
  const override: Partial<PssTarget> | undefined =
    options.level === undefined && options.version === undefined
      ? undefined
      : { ...(options.level !== undefined ? { level: options.level } : {}), ...(options.version !== undefined ? { version: options.version } : {}) };
  const evaluated = evaluateManifests(
    objects.map((o) => o.object),
    { packs, ...(override !== undefined ? { podSecurityOverride: override } : {}) },
  );

  const warnings = new Set<string>(evaluated.result.problems);
  for (const note of evaluated.notes) {
    const where = describeItem(objects[note.objectIndex]);
    if (note.kind === 'malformed') {
      warnings.add(`${where}: ${note.problem}; entry ignored`);
    } else {
      const e = note.exception;
      warnings.add(`${where}: exception ${e.id}${e.path !== undefined ? ` at ${e.path}` : ''} in ${EXCEPTIONS_ANNOTATION} covers no finding; remove it`);
    }
  }

  const packOf = new Map<string, string>();
  for (const pack of packs) for (const rule of pack.rules) if (!packOf.has(rule.id)) packOf.set(rule.id, pack.name);
  const levelOf = (f: PolicyFinding): string =>
    f.source === FindingSource.RULE ? (packOf.get(f.rule) ?? 'rule') : (PSS_CHECK_LEVEL.get(f.rule) ?? f.podSecurity?.level ?? 'restricted');

  const open: CheckFinding[][] = objects.map(() => []);
  for (const f of evaluated.result.findings) {
    if (f.exceptedBy.length === 0) open[f.objectIndex].push({ ...f, level: levelOf(f) });
  }
  const results: ObjectResult[] = objects.map((item, i) => ({
    file: item.file,
    line: item.line,
    kind: item.object.kind,
    namespace: stringOrNull(item.object.metadata?.namespace),
    name: stringOrNull(item.object.metadata?.name),
    findings: open[i],
  }));
  const anyError = open.some((list) => list.some((f) => f.severity === 'error'));
  return { results, exitCode: anyError ? EXIT_FINDINGS : EXIT_OK, errors: [], warnings: [...warnings], policy: evaluated.result };
}

/** One finding in the `--format json` document. */
export interface CheckJsonFinding {
  readonly rule: string;
  readonly level: string;
  readonly message: string;
  readonly path: string;
  /** `error` fails the check; `warning` (a namespace's warn/audit level, a warning rule) does not. */
  readonly severity: 'error' | 'warning';
}

/** The JSON document printed by `--format json`: one entry per object. */
export interface CheckJsonEntry {
  readonly file: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly findings: readonly CheckJsonFinding[];
}

/** Converts results to the `--format json` shape. */
export function toJsonEntries(results: readonly ObjectResult[]): CheckJsonEntry[] {
  return results.map((r) => ({
    file: r.file,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    findings: r.findings.map((f) => ({ rule: f.rule, level: f.level, message: f.message, path: f.path, severity: f.severity })),
  }));
}

/** Renders results as one JSON array (with a trailing newline). */
export function formatJson(results: readonly ObjectResult[]): string {
  return `${JSON.stringify(toJsonEntries(results), null, 2)}\n`;
}

function objectLabel(r: ObjectResult): string {
  const name = r.name ?? '<unnamed>';
  return `${r.kind} ${r.namespace === null ? name : `${r.namespace}/${name}`}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Renders results as text: one line per finding, `file: Kind namespace/name: [rule] message (path)`
 * (`... name: warning: [rule] ...` for a finding of severity warning), then a summary line that
 * counts the error findings, and the warnings when there are any.
 */
export function formatText(results: readonly ObjectResult[]): string {
  const lines: string[] = [];
  let findings = 0;
  let warnings = 0;
  let failing = 0;
  const files = new Set<string>();
  for (const r of results) {
    files.add(r.file);
    if (r.findings.some((f) => f.severity === 'error')) {
      failing++;
    }
    for (const f of r.findings) {
      if (f.severity === 'error') {
        findings++;
      } else {
        warnings++;
      }
      lines.push(`${r.file}: ${objectLabel(r)}: ${f.severity === 'error' ? '' : 'warning: '}[${f.rule}] ${f.message} (${f.path})`);
    }
  }
  const checked = `${plural(results.length, 'object')} in ${plural(files.size, 'file')}`;
  const warned = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  lines.push(
    findings === 0
      ? `No findings${warned}: ${checked} checked.`
      : `${plural(findings, 'finding')} in ${plural(failing, 'object')}${warned} (${checked} checked).`,
  );
  return `${lines.join('\n')}\n`;
}

/** Usage text of `check`. */
export const CHECK_USAGE = `Usage: cdk8s-hardened check PATH... [--level restricted|baseline|privileged] [--version v1.N|latest] [--hardened] [--format text|json]

Checks Kubernetes manifests against the Pod Security Standards (and, with --hardened,
the best-practice rules HARDENED-n).

  PATH               YAML file, directory (searched recursively for *.yaml/*.yml,
                     skipping dot-directories and node_modules), or - for stdin
  --level LEVEL      PSS level for every object (default: the object's Namespace
                     label pod-security.kubernetes.io/enforce if that Namespace is
                     in the input, else restricted)
  --version VERSION  PSS version: v1.N, 1.N or latest (default: the Namespace label
                     pod-security.kubernetes.io/enforce-version, else latest)
  --hardened         also run the best-practice rules HARDENED-n (docs/rules.md)
  --format FORMAT    text (default) or json
  -h, --help         show this help

Exceptions in each object's cdk8s-hardened.io/exceptions annotation (written by synth)
apply. Without --level/--version, the Namespace's pod-security.kubernetes.io/warn and
audit levels are checked too; their findings are printed as warnings.

Exit status: 0 no findings (warnings allowed), 1 findings, 2 usage or input error.`;

/** Parsed `check` arguments. */
export interface CheckArgs {
  readonly paths: readonly string[];
  readonly level?: PssLevel;
  readonly version?: string;
  readonly format: CheckFormat;
  readonly help: boolean;
  /** `--hardened`: also run the best-practice rules (set only when given). */
  readonly hardened?: true;
}

/** A usage error, reported with exit status 2. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses the arguments after `check`. Accepts `--flag value` and `--flag=value`; `--` ends options.
 * @throws UsageError on an unknown flag, a missing or invalid value, or no PATH
 */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const paths: string[] = [];
  let level: PssLevel | undefined;
  let version: string | undefined;
  let format: CheckFormat = 'text';
  let help = false;
  let hardened = false;
  let optionsDone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsDone || !arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsDone = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--hardened') {
      hardened = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (flag !== '--level' && flag !== '--version' && flag !== '--format') {
      throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
    let value: string;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) {
        throw new UsageError(`option ${flag} needs a value`);
      }
      value = argv[++i];
    }
    try {
      if (flag === '--level') {
        level = parsePssLevel(value);
      } else if (flag === '--version') {
        parsePssVersion(value);
        version = value;
      } else if (value === 'text' || value === 'json') {
        format = value;
      } else {
        throw new Error(`invalid format ${JSON.stringify(value)}: expected text or json`);
      }
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (!help && paths.length === 0) {
    throw new UsageError('no PATH given');
  }
  return { paths, level, version, format, help, ...(hardened ? { hardened } : {}) };
}

/** The `check` subcommand. */
export const checkCommand: Subcommand = {
  name: 'check',
  summary: 'check manifests against the Pod Security Standards',
  usage: CHECK_USAGE,
  run(argv: readonly string[], io: CliIo): number {
    let args: CheckArgs;
    try {
      args = parseCheckArgs(argv);
    } catch (e) {
      if (e instanceof UsageError) {
        io.stderr(`cdk8s-hardened check: ${e.message}\n\n${CHECK_USAGE}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
    if (args.help) {
      io.stdout(`${CHECK_USAGE}\n`);
      return EXIT_OK;
    }
    const run = runCheck({ paths: args.paths, level: args.level, version: args.version, hardened: args.hardened, cwd: io.cwd, readStdin: io.readStdin });
    for (const warning of run.warnings) {
      io.stderr(`cdk8s-hardened check: warning: ${warning}\n`);
    }
    if (run.exitCode === EXIT_USAGE) {
      for (const error of run.errors) {
        io.stderr(`cdk8s-hardened check: ${error}\n`);
      }
      return EXIT_USAGE;
    }
    io.stdout(args.format === 'json' ? formatJson(run.results) : formatText(run.results));
    return run.exitCode;
  },
};
