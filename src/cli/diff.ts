/**
 * `cdk8s-hardened diff OLD NEW [--git] [--format markdown|json] [--out FILE] [--no-mermaid]`
 *
 * The security review of a change between two sets of manifests (see `docs/diff.md`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { KubeObject } from '../../policy/kube-object';
import { diffManifests, renderDiffJson, renderDiffMarkdown } from '../../analysis/diff';
import { loadManifests, ManifestInputError, parseManifestText } from '../yaml-input';
import { parseCommandArgs, UsageError } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes';
import type { CliIo, Subcommand } from './subcommand';

/** Usage text of `diff`. */
export const DIFF_USAGE = `Usage: cdk8s-hardened diff OLD NEW [--format markdown|json] [--out FILE] [--no-mermaid]
       cdk8s-hardened diff --git REV:PATH REV:PATH [options]

Compares two sets of Kubernetes manifests (e.g. the dist/ of the base branch and of a change)
and lists what the change opens or relaxes, tightens, or leaves neutral: reachability (from
NetworkPolicies and Istio AuthorizationPolicies together), Pod Security levels, pod privileges,
RBAC permissions, images, exceptions and admission policies.

  OLD, NEW        YAML file or directory (searched recursively for *.yaml/*.yml)
  --git           OLD and NEW are REV:PATH (read with git in the working directory),
                  e.g. --git origin/main:dist HEAD:dist; a PATH without REV: is
                  read from disk (--git origin/main:dist dist)
  --format F      markdown (default; for a pull-request comment) or json
  --out FILE      write the output to FILE instead of standard output
  --no-mermaid    leave out the diagram of the changed flows
  -h, --help      show this help

Exit status: 0 nothing opens or relaxes, 1 something does, 2 usage or input error.`;

/** Parsed `diff` arguments. */
export interface DiffArgs {
  readonly old: string;
  readonly new: string;
  readonly git: boolean;
  readonly format: 'markdown' | 'json';
  readonly out?: string;
  readonly mermaid: boolean;
  readonly help: boolean;
}

/** Parses the arguments after `diff` (see `parseCommandArgs`). @throws UsageError */
export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const parsed = parseCommandArgs(argv, {
    options: {
      'git': { type: 'boolean' },
      'format': { type: 'string', choices: ['markdown', 'json'], default: 'markdown' },
      'out': { type: 'string' },
      'no-mermaid': { type: 'boolean' },
    },
    positionals: 2,
    positionalName: 'OLD and NEW',
  });
  const v = parsed.values;
  const [oldPath = '', newPath = ''] = parsed.positionals;
  return {
    old: oldPath, new: newPath, git: v.git === true, format: v.format as 'markdown' | 'json',
    ...(v.out !== undefined ? { out: String(v.out) } : {}), mermaid: v['no-mermaid'] !== true, help: parsed.help,
  };
}

/** Input that cannot be read (exit 2). */
class InputError extends Error {}

/**
 * Reads the manifests of `REV:PATH` from the git repository of `cwd`: PATH a file, or a directory
 * whose `*.yaml`/`*.yml` files (recursively, skipping dot-directories and node_modules) are read in
 * sorted order, as for a directory on disk.
 */
export function loadGitManifests(spec: string, cwd: string): KubeObject[] {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new InputError(`${spec}: expected REV:PATH`);
  const rev = spec.slice(0, colon);
  const p = spec.slice(colon + 1).replace(/\/+$/, '') || '.';
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
      throw new InputError(`${spec}: git ${args.join(' ')} failed${stderr !== '' ? `: ${stderr.split('\n')[0]}` : ''}`);
    }
  };
  const prefix = git(['rev-parse', '--show-prefix']).trim();
  const full = path.posix.normalize(path.posix.join(prefix, p));
  const type = git(['cat-file', '-t', `${rev}:${full === '.' ? '' : full}`]).trim();
  let files: string[];
  if (type === 'blob') files = [full];
  else if (type === 'tree') {
    files = git(['ls-tree', '-r', '--name-only', '--full-tree', '-z', rev, ...(full === '.' ? [] : ['--', `${full}/`])])
      .split('\0')
      .filter((f) => f !== '' && /\.ya?ml$/i.test(f))
      .filter((f) => !path.posix.relative(full === '.' ? '' : full, f).split('/').some((part, i, all) => (i < all.length - 1 && part.startsWith('.')) || part === 'node_modules'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (files.length === 0) throw new InputError(`${spec}: directory contains no *.yaml or *.yml files`);
  } else throw new InputError(`${spec}: not a file or directory`);
  const objects: KubeObject[] = [];
  for (const f of files) {
    const text = git(['show', `${rev}:${f}`]);
    for (const m of parseManifestText(text, `${rev}:${f}`)) objects.push(m.object);
  }
  return objects;
}

/** The `diff` subcommand. */
export const diffCommand: Subcommand = {
  name: 'diff',
  summary: 'security review of a change: what it opens, relaxes or tightens (exit 1 when something opens)',
  usage: DIFF_USAGE,
  run(argv: readonly string[], io: CliIo): number {
    const fail = (message: string): number => {
      io.stderr(`cdk8s-hardened diff: ${message}\n`);
      return EXIT_USAGE;
    };
    let args: DiffArgs;
    try {
      args = parseDiffArgs(argv);
    } catch (e) {
      if (e instanceof UsageError) return fail(`${e.message}\n\n${DIFF_USAGE}`);
      throw e;
    }
    if (args.help) {
      io.stdout(`${DIFF_USAGE}\n`);
      return EXIT_OK;
    }
    let before: KubeObject[];
    let after: KubeObject[];
    try {
      const read = (p: string): KubeObject[] =>
        args.git && p.includes(':') ? loadGitManifests(p, io.cwd) : loadManifests([p], { cwd: io.cwd, readStdin: io.readStdin }).map((m) => m.object);
      before = read(args.old);
      after = read(args.new);
    } catch (e) {
      if (e instanceof ManifestInputError || e instanceof InputError) return fail(e.message);
      throw e;
    }
    const diff = diffManifests(before, after);
    const labels = { oldLabel: args.old, newLabel: args.new };
    const text = args.format === 'json' ? renderDiffJson(diff, labels) : renderDiffMarkdown(diff, { ...labels, mermaid: args.mermaid });
    if (args.out === undefined) io.stdout(text);
    else {
      try {
        fs.writeFileSync(path.resolve(io.cwd, args.out), text, 'utf8');
      } catch (e) {
        return fail(`${args.out}: cannot write: ${(e as Error).message}`);
      }
    }
    return diff.counts.opens > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
