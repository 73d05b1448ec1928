/**
 * Reading Kubernetes manifests from YAML files and directories, for the command line and the
 * cdk8s validation plugin. Deterministic: directories are walked in sorted order. The text of
 * each file is read by manifest-text.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ManifestInputError, parseManifestText, type ManifestObject } from './manifest-text';

export { ManifestInputError, MAX_MANIFEST_DEPTH, parseManifestText, type ManifestObject } from './manifest-text';

/** The argument that stands for standard input. */
export const STDIN_PATH = '-';

const YAML_EXT_RE = /\.ya?ml$/i;

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function walk(dir: string, display: string, out: { file: string; display: string }[], seen: Set<string>): void {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (e) {
    throw new ManifestInputError(display, undefined, undefined, `cannot read directory: ${(e as Error).message}`);
  }
  if (seen.has(real)) {
    return;
  }
  seen.add(real);
  const names = fs.readdirSync(dir).sort(compareNames);
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') {
      continue;
    }
    const full = path.join(dir, name);
    const shown = path.join(display, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      continue; // dangling symlink
    }
    if (stat.isDirectory()) {
      walk(full, shown, out, seen);
    } else if (stat.isFile() && YAML_EXT_RE.test(name)) {
      out.push({ file: full, display: shown });
    }
  }
}

/**
 * Expands the PATH arguments into the list of files to read.
 *
 * Files are taken as given (any extension); directories are searched recursively for `*.yaml`
 * and `*.yml`, in sorted order, skipping dot-directories and `node_modules`. `-` is standard input.
 *
 * @param paths the PATH arguments
 * @param cwd directory relative paths are resolved against
 * @returns `{ file, display }` pairs: the path to read and the path to show
 * @throws ManifestInputError for a missing path or a directory without YAML files
 */
export function expandManifestPaths(paths: readonly string[], cwd: string): { file: string; display: string }[] {
  const out: { file: string; display: string }[] = [];
  for (const given of paths) {
    if (given === STDIN_PATH) {
      out.push({ file: STDIN_PATH, display: '<stdin>' });
      continue;
    }
    const full = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new ManifestInputError(given, undefined, undefined, 'no such file or directory');
    }
    if (stat.isDirectory()) {
      const before = out.length;
      walk(full, given, out, new Set());
      if (out.length === before) {
        throw new ManifestInputError(given, undefined, undefined, 'directory contains no *.yaml or *.yml files');
      }
    } else {
      out.push({ file: full, display: given });
    }
  }
  return out;
}

/** Options of {@link loadManifests}. */
export interface LoadManifestsOptions {
  /** Directory relative paths are resolved against (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Reads standard input, for the `-` path (default: reads file descriptor 0). */
  readonly readStdin?: () => string;
}

/**
 * Reads every Kubernetes object from the given files and directories, in a deterministic order.
 *
 * @param paths files, directories (searched recursively for `*.yaml`/`*.yml`) or `-` for standard input
 * @throws ManifestInputError naming the file (and line and column) on any unreadable or unparsable input
 */
export function loadManifests(paths: readonly string[], options: LoadManifestsOptions = {}): ManifestObject[] {
  const cwd = options.cwd ?? process.cwd();
  const out: ManifestObject[] = [];
  for (const { file, display } of expandManifestPaths(paths, cwd)) {
    let text: string;
    try {
      text = file === STDIN_PATH ? (options.readStdin ?? (() => fs.readFileSync(0, 'utf8')))() : fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ManifestInputError(display, undefined, undefined, `cannot read: ${(e as Error).message}`);
    }
    if (file === STDIN_PATH && !/^\s*[^#\s]/m.test(text)) {
      // like a directory without YAML files: nothing was given, which is not "0 objects, all compliant"
      throw new ManifestInputError(display, undefined, undefined, 'standard input is empty; pipe manifests into it (e.g. `kubectl get deploy -o yaml | cdk8s-hardened check -`) or name files');
    }
    for (const m of parseManifestText(text, display)) {
      out.push(m);
    }
  }
  return out;
}
