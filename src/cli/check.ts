/**
 * `cdk8s-hardened check PATH... [--level L] [--pod-security-version V] [--hardened] [--format F] [--fail-on T]`
 *
 * The core is the pure function {@link runCheck}; {@link checkCommand} wires it to argv and
 * streams; check-output/ renders the results as text, JSON, SARIF or JUnit.
 */
import {
  EXCEPTIONS_ANNOTATION, FindingSource, HARDENED_PACK, parsePssLevel, parsePssVersion, PSS_CHECKS,
  type PolicyFinding, type PssLevel, type PssTarget, type RulePack,
} from '../../policy';
import { loadManifests, ManifestInputError, type ManifestObject } from '../yaml-input';
import { parseCommandArgs, UsageError } from './args';
import { formatJson } from './check-output/json';
import { formatJunit } from './check-output/junit';
import { helpLink } from './check-output/help-link';
import { ruleDescriptions } from './check-output/rule-descriptions';
import { formatSarif } from './check-output/sarif';
import { formatText } from './check-output/text';
import { fails, type CheckFinding, type CheckRun, type FailOn, type ObjectResult } from './check-result';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { evaluateManifests } from './manifest-policy';
import type { CliIo, Subcommand } from './subcommand';
import { toolInfo } from './tool-version';

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
  /**
   * Which open findings fail the check (exit 1): `error` findings, or with `warning` every open finding.
   * @default 'error'
   */
  readonly failOn?: FailOn;
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
  const suppressed: CheckFinding[][] = objects.map(() => []);
  for (const f of evaluated.result.findings) {
    const help = helpLink(f.rule, f.source);
    (f.exceptedBy.length === 0 ? open : suppressed)[f.objectIndex].push({ ...f, level: levelOf(f), ...(help !== undefined ? { help } : {}) });
  }
  const results: ObjectResult[] = objects.map((item, i) => ({
    file: item.file,
    line: item.line,
    kind: item.object.kind,
    namespace: stringOrNull(item.object.metadata?.namespace),
    name: stringOrNull(item.object.metadata?.name),
    findings: open[i],
    suppressed: suppressed[i],
  }));
  const failOn = options.failOn ?? 'error';
  const anyError = open.some((list) => list.some((f) => fails(f, failOn)));
  return { results, exitCode: anyError ? EXIT_FINDINGS : EXIT_OK, errors: [], warnings: [...warnings], policy: evaluated.result };
}

/** Output formats of `check`. */
export type CheckFormat = 'text' | 'json' | 'sarif' | 'junit';

/** Usage text of `check`. */
export const CHECK_USAGE = `Usage: cdk8s-hardened check PATH... [--level LEVEL] [--pod-security-version VERSION] [--hardened]
                            [--format text|json|sarif|junit] [--fail-on error|warning]

Checks Kubernetes manifests against the Pod Security Standards (and, with --hardened,
the best-practice rules HARDENED-n).

  PATH                      YAML file, directory (searched recursively for *.yaml/*.yml,
                            skipping dot-directories and node_modules), or - for stdin
  --level LEVEL             PSS level for every object: restricted, baseline or privileged
                            (default: the object's Namespace label
                            pod-security.kubernetes.io/enforce if that Namespace is in the
                            input, else restricted)
  --pod-security-version V  PSS version: v1.N, 1.N or latest (default: the Namespace label
                            pod-security.kubernetes.io/enforce-version, else latest);
                            formerly --version
  --hardened                also run the best-practice rules HARDENED-n (docs/rules.md)
  --format FORMAT           text (default), json, sarif (SARIF 2.1.0, for GitHub code
                            scanning) or junit (JUnit XML, for CI test reports)
  --fail-on THRESHOLD       error (default): exit 1 on an open error finding; warning:
                            also on an open warning
  -h, --help                show this help

Every format gives each finding's file, line, rule id, message, fix and help link.
Exceptions in each object's cdk8s-hardened.io/exceptions annotation (written by synth)
apply; the findings they cover are listed as suppressed, with the reason. Without
--level/--pod-security-version, the Namespace's pod-security.kubernetes.io/warn and
audit levels are checked too; their findings are warnings.

Exit status: 0 nothing fails at the threshold, 1 findings, 2 usage or input error.`;

/** Parsed `check` arguments. */
export interface CheckArgs {
  readonly paths: readonly string[];
  readonly level?: PssLevel;
  readonly version?: string;
  readonly format: CheckFormat;
  readonly failOn: FailOn;
  readonly help: boolean;
  /** `--hardened`: also run the best-practice rules (set only when given). */
  readonly hardened?: true;
  /** Deprecated flags that were used, as warnings to print. */
  readonly warnings: readonly string[];
}

/**
 * Parses the arguments after `check` (see `parseCommandArgs`).
 * @throws UsageError on an unknown flag, a missing or invalid value, or no PATH
 */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const parsed = parseCommandArgs(argv, {
    options: {
      'level': { type: 'string' },
      'pod-security-version': { type: 'string', deprecatedAlias: 'version' },
      'hardened': { type: 'boolean' },
      'format': { type: 'string', choices: ['text', 'json', 'sarif', 'junit'], default: 'text' },
      'fail-on': { type: 'string', choices: ['error', 'warning'], default: 'error' },
    },
    positionals: { min: 1 },
    positionalName: 'PATH',
  });
  const v = parsed.values;
  let level: PssLevel | undefined;
  let version: string | undefined;
  try {
    if (v.level !== undefined) level = parsePssLevel(String(v.level));
    if (v['pod-security-version'] !== undefined) {
      version = String(v['pod-security-version']);
      parsePssVersion(version);
    }
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    paths: parsed.positionals, level, version,
    format: v.format as CheckFormat, failOn: v['fail-on'] as FailOn, help: parsed.help,
    ...(v.hardened === true ? { hardened: true as const } : {}), warnings: parsed.warnings,
  };
}

/** The `check` subcommand. */
export const checkCommand: Subcommand = {
  name: 'check',
  summary: 'check manifests against the Pod Security Standards (text, JSON, SARIF, JUnit)',
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
    for (const warning of args.warnings) io.stderr(`cdk8s-hardened check: warning: ${warning}\n`);
    const packs = args.hardened ? [HARDENED_PACK] : [];
    const run = runCheck({ paths: args.paths, level: args.level, version: args.version, rulePacks: packs, failOn: args.failOn, cwd: io.cwd, readStdin: io.readStdin });
    for (const warning of run.warnings) {
      io.stderr(`cdk8s-hardened check: warning: ${warning}\n`);
    }
    if (run.exitCode === EXIT_USAGE) {
      for (const error of run.errors) {
        io.stderr(`cdk8s-hardened check: ${error}\n`);
      }
      return EXIT_USAGE;
    }
    io.stdout(render(run.results, args.format, args.failOn, packs, io.cwd));
    return run.exitCode;
  },
};

function render(results: readonly ObjectResult[], format: CheckFormat, failOn: FailOn, packs: readonly RulePack[], cwd: string): string {
  switch (format) {
    case 'json': return formatJson(results);
    case 'sarif': return formatSarif(results, { tool: toolInfo(), rules: ruleDescriptions(packs), failOn, cwd });
    case 'junit': return formatJunit(results, failOn);
    default: return formatText(results, failOn);
  }
}
