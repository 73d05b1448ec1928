import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HardenedInputError } from './errors';

// Private module: writing the synthesized files so that a failed synth never leaves a half-written
// or missing output directory behind.

const FILE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Throws unless `name` is a relative path of `[A-Za-z0-9._-]` segments (no `.` or `..`). */
export function checkFileName(name: string): void {
  const segments = name.split('/');
  if (segments.some(s => !FILE_SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new HardenedInputError('HardenedApp', 'reporters', name, 'is not a relative path of [A-Za-z0-9._-] segments (no "..", "." or absolute path), so it could be written outside outdir',
      'return file names relative to outdir, e.g. "SECURITY-REPORT.md" or "reports/scan.md"');
  }
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The absolute outdir, through a symlink if outdir is one (the link stays; its target is
 * replaced). Refuses directories whose replacement would take more than generated output with
 * it: the file system root, the home directory, the working directory and its ancestors.
 */
export function resolveOutdir(outdir: string): string {
  let resolved = path.resolve(outdir);
  try {
    if (fs.lstatSync(resolved).isSymbolicLink()) resolved = fs.realpathSync(resolved);
  } catch {
    // does not exist yet
  }
  const cwd = realpathOr(process.cwd());
  const relToCwd = path.relative(resolved, cwd);
  if (path.dirname(resolved) === resolved || resolved === realpathOr(os.homedir())
    || relToCwd === '' || (!relToCwd.startsWith('..') && !path.isAbsolute(relToCwd))) {
    throw new Error(`outdir "${outdir}" is the root, the home or the working directory or one of its ancestors; synth replaces outdir as a whole, so give it a directory of its own (e.g. "dist")`);
  }
  return resolved;
}

/** True when `a` and `b` name the same directory (after resolving symlinks of existing parts). */
export function sameDirectory(a: string, b: string): boolean {
  return realpathOr(a) === realpathOr(b);
}

/**
 * Writes `files` into a fresh temporary sibling of `dir` and swaps it in for `dir` with renames:
 * an existing `dir` is renamed aside first and removed after. On any error before the swap, `dir`
 * is untouched. Not fsynced: it protects against failed synths, not against power loss.
 */
export function writeDirAtomically(dir: string, files: Readonly<Record<string, string>>): void {
  const tmp = makeSibling(dir, 'tmp');
  try {
    writeFiles(tmp, files);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  swapIn(tmp, dir);
}

/** Writes `files` below `dir` (created if missing), leaving other files there alone. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  const made = new Set<string>();
  for (const name of Object.keys(files)) {
    const file = path.join(dir, name);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(file, files[name], { encoding: 'utf8' });
  }
}

function swapIn(fresh: string, dir: string): void {
  let old: string | undefined;
  try {
    if (fs.existsSync(dir)) {
      old = makeSiblingName(dir, 'old');
      fs.renameSync(dir, old);
    }
    fs.renameSync(fresh, dir);
  } catch (e) {
    if (old !== undefined && !fs.existsSync(dir)) fs.renameSync(old, dir);
    fs.rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
  if (old !== undefined) fs.rmSync(old, { recursive: true, force: true });
}

function makeSibling(dir: string, tag: string): string {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  return fs.mkdtempSync(path.join(path.dirname(dir), `.${path.basename(dir)}.${tag}-`));
}

function makeSiblingName(dir: string, tag: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.${tag}-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
}
