/**
 * `cdk8s-hardened check PATH... [--level L] [--version V] [--hardened] [--format text|json]`
 *
 * The core is the pure function {@link runCheck}; {@link checkCommand} wires it to argv and streams.
 */
import { parsePssLevel, parsePssVersion, type PssLevel } from '../../policy/pss';
import { loadManifests, ManifestInputError, type ManifestObject } from '../yaml-input';
import { createHardenedRulePack } from './hardened-rule-pack';
import { createPssRulePack } from './pss-rule-pack';
import { createRuleContext, type RuleFinding, type RulePack } from './rule-pack';
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
  /** Also run the `hardened` best-practice rules (HARDENED-1..12, docs/rules.md) after the PSS pack. Ignored when {@link rulePacks} is given. */
  readonly hardened?: boolean;
  /**
   * The rule packs to run. Default: the PSS pack built from {@link level} and {@link version},
   * then the `hardened` pack when {@link hardened} is set.
   * Pass extra packs here to add rules beyond PSS.
   */
  readonly rulePacks?: readonly RulePack[];
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
  /** Findings of all rule packs, in pack order. Empty when the object complies. */
  readonly findings: readonly RuleFinding[];
}

/** Exit codes of `check`. */
export const EXIT_OK = 0;
/** Some object has findings. */
export const EXIT_FINDINGS = 1;
/** Usage error, or unreadable or unparsable input. */
export const EXIT_USAGE = 2;

/** The outcome of {@link runCheck}. */
export interface CheckRun {
  /** One entry per object of the input (pod-bearing or not), in input order. */
  readonly results: readonly ObjectResult[];
  /** 0: no findings; 1: findings; 2: input error. */
  readonly exitCode: 0 | 1 | 2;
  /** Fatal input errors (`file:line:col: reason`); non-empty exactly when exitCode is 2. */
  readonly errors: readonly string[];
  /** Non-fatal problems (e.g. an invalid Namespace label), deduplicated. */
  readonly warnings: readonly string[];
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Checks every object in the given manifests. Pure apart from reading the input files: prints
 * nothing and never exits the process.
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
  const warnings = new Set<string>();
  const context = createRuleContext(objects, (message) => warnings.add(message));
  const packs = options.rulePacks ?? [
    createPssRulePack({ level: options.level, version: options.version }),
    ...(options.hardened ? [createHardenedRulePack()] : []),
  ];
  let anyFinding = false;
  const results: ObjectResult[] = objects.map((item) => {
    const findings: RuleFinding[] = [];
    for (const pack of packs) {
      for (const f of pack.check(item, context)) {
        findings.push(f);
      }
    }
    anyFinding ||= findings.length > 0;
    return {
      file: item.file,
      line: item.line,
      kind: item.object.kind,
      namespace: stringOrNull(item.object.metadata?.namespace),
      name: stringOrNull(item.object.metadata?.name),
      findings,
    };
  });
  return { results, exitCode: anyFinding ? EXIT_FINDINGS : EXIT_OK, errors: [], warnings: [...warnings] };
}

/** The JSON document printed by `--format json`: one entry per object. */
export interface CheckJsonEntry {
  readonly file: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly findings: readonly { readonly rule: string; readonly level: string; readonly message: string; readonly path: string }[];
}

/** Converts results to the `--format json` shape. */
export function toJsonEntries(results: readonly ObjectResult[]): CheckJsonEntry[] {
  return results.map((r) => ({
    file: r.file,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    findings: r.findings.map((f) => ({ rule: f.rule, level: f.level, message: f.message, path: f.path })),
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

/**
 * Renders results as text: one line per finding, `file: Kind namespace/name: [rule] message (path)`,
 * then a summary line.
 */
export function formatText(results: readonly ObjectResult[]): string {
  const lines: string[] = [];
  let findings = 0;
  let failing = 0;
  const files = new Set<string>();
  for (const r of results) {
    files.add(r.file);
    if (r.findings.length > 0) {
      failing++;
    }
    for (const f of r.findings) {
      findings++;
      lines.push(`${r.file}: ${objectLabel(r)}: [${f.rule}] ${f.message} (${f.path})`);
    }
  }
  const checked = `${results.length} object${results.length === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}`;
  lines.push(
    findings === 0
      ? `No findings: ${checked} checked.`
      : `${findings} finding${findings === 1 ? '' : 's'} in ${failing} object${failing === 1 ? '' : 's'} (${checked} checked).`,
  );
  return `${lines.join('\n')}\n`;
}

/** Usage text of `check`. */
export const CHECK_USAGE = `Usage: cdk8s-hardened check PATH... [--level restricted|baseline|privileged] [--version v1.N|latest] [--hardened] [--format text|json]

Checks Kubernetes manifests against the Pod Security Standards (and, with --hardened,
the best-practice rules HARDENED-1..12).

  PATH               YAML file, directory (searched recursively for *.yaml/*.yml,
                     skipping dot-directories and node_modules), or - for stdin
  --level LEVEL      PSS level for every object (default: the object's Namespace
                     label pod-security.kubernetes.io/enforce if that Namespace is
                     in the input, else restricted)
  --version VERSION  PSS version: v1.N, 1.N or latest (default: the Namespace label
                     pod-security.kubernetes.io/enforce-version, else latest)
  --hardened         also run the best-practice rules HARDENED-1..12 (docs/rules.md);
                     exceptions in the cdk8s-hardened.io/exceptions annotation apply
  --format FORMAT    text (default) or json
  -h, --help         show this help

Exit status: 0 no findings, 1 findings, 2 usage or input error.`;

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
