/**
 * `cdk8s-hardened report PATH... [--format markdown|json] [--out FILE] [--no-mermaid]`
 *
 * Reads manifests as `check` does and prints the Markdown security report that synth writes to
 * `dist/SECURITY-REPORT.md` (the same function, {@link buildSecurityReport}, renders both).
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSecurityReport } from '../security-report-file';
import { expandManifestPaths, loadManifests, ManifestInputError, type ManifestObject, STDIN_PATH } from '../yaml-input';
import { parseCommandArgs, UsageError } from './args';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import type { CliIo, Subcommand } from './subcommand';

/** Usage text of `report`. */
export const REPORT_USAGE = `Usage: cdk8s-hardened report PATH... [--format markdown|json] [--out FILE] [--no-mermaid]

Prints a Markdown security report of Kubernetes manifests: Pod Security labels and
per-workload hardening per namespace, Pod Security Standards findings (at the level each
object's Namespace enforces, else restricted, and at a stricter warn/audit level), the
HARDENED rule findings with the exceptions of the cdk8s-hardened.io/exceptions
annotation, the public entry points (Ingress hosts), and the reachability matrix (NetworkPolicies and Istio
AuthorizationPolicies together) with a Mermaid diagram. For a synth
output directory it is the dist/SECURITY-REPORT.md that synth writes.

  PATH          YAML file, directory (searched recursively for *.yaml/*.yml,
                skipping dot-directories and node_modules), or - for stdin
  --out FILE    write the report to FILE instead of standard output
  --format F    markdown (default) or json (the same facts as data: verdict and
                risks, entry points, API access, outside hosts, admission,
                reachability, findings, exceptions)
  --no-mermaid  leave out the Mermaid diagram
  -h, --help    show this help

Exit status: 0 report produced (findings or not), 2 usage or input error.`;

/** Parsed `report` arguments. */
export interface ReportArgs {
  readonly paths: readonly string[];
  /** `--out FILE`, as given. */
  readonly out?: string;
  readonly mermaid: boolean;
  /** `--format`: the Markdown report or its JSON document. */
  readonly format: 'markdown' | 'json';
  readonly help: boolean;
}

/**
 * Parses the arguments after `report` (see `parseCommandArgs`).
 * @throws UsageError on an unknown flag, a missing value, or no PATH
 */
export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const parsed = parseCommandArgs(argv, {
    options: { 'out': { type: 'string' }, 'no-mermaid': { type: 'boolean' }, 'format': { type: 'string', choices: ['markdown', 'json'], default: 'markdown' } },
    positionals: { min: 1 },
    positionalName: 'PATH',
  });
  const out = parsed.values.out;
  return { paths: parsed.positionals, ...(out !== undefined ? { out: String(out) } : {}), mermaid: parsed.values['no-mermaid'] !== true, format: parsed.values.format as 'markdown' | 'json', help: parsed.help };
}

/** The `report` subcommand. */
export const reportCommand: Subcommand = {
  name: 'report',
  summary: 'print the Markdown security report of manifests (as synth writes to dist/)',
  usage: REPORT_USAGE,
  run(argv: readonly string[], io: CliIo): number {
    const fail = (message: string): number => {
      io.stderr(`cdk8s-hardened report: ${message}\n`);
      return EXIT_USAGE;
    };
    let args: ReportArgs;
    try {
      args = parseReportArgs(argv);
    } catch (e) {
      if (e instanceof UsageError) {
        return fail(`${e.message}\n\n${REPORT_USAGE}`);
      }
      throw e;
    }
    if (args.help) {
      io.stdout(`${REPORT_USAGE}\n`);
      return EXIT_OK;
    }
    if (args.out !== undefined) {
      // the report would replace a manifest it was made from
      const out = realpathOrResolved(path.resolve(io.cwd, args.out));
      let inputs: { file: string; display: string }[] = [];
      try {
        inputs = expandManifestPaths(args.paths, io.cwd);
      } catch {
        // loadManifests below reports it
      }
      const clash = inputs.find(i => i.file !== STDIN_PATH && realpathOrResolved(i.file) === out);
      if (clash !== undefined) return fail(`--out ${args.out}: is the input ${clash.display}; writing the report there would destroy it. Fix: write the report to another file, e.g. --out SECURITY-REPORT.md`);
    }
    let items: ManifestObject[];
    try {
      items = loadManifests(args.paths, { cwd: io.cwd, readStdin: io.readStdin });
    } catch (e) {
      if (e instanceof ManifestInputError) {
        return fail(e.message);
      }
      throw e;
    }
    const report = buildSecurityReport(items, { mermaid: args.mermaid, json: args.format === 'json' });
    const text = args.format === 'json' ? report.json! : report.markdown;
    for (const warning of report.warnings) {
      io.stderr(`cdk8s-hardened report: warning: ${warning}\n`);
    }
    if (args.out === undefined) {
      io.stdout(text);
      return EXIT_OK;
    }
    try {
      fs.writeFileSync(path.resolve(io.cwd, args.out), text, 'utf8');
    } catch (e) {
      return fail(`${args.out}: cannot write: ${(e as Error).message}`);
    }
    return EXIT_OK;
  },
};

function realpathOrResolved(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
