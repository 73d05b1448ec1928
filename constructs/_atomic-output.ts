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
 * it: the file system root, the home directory, the working directory and its ancestors; and an
 * outdir that is not a directory (a file, or a symlink to one): synth never deletes what is not
 * its own output.
 */
export function resolveOutdir(outdir: string): string {
  let resolved = path.resolve(outdir);
  let link = false;
  try {
    if (fs.lstatSync(resolved).isSymbolicLink()) {
      link = true;
      resolved = fs.realpathSync(resolved);
    }
  } catch {
    // does not exist yet (or a dangling link: realpath fails, and the link is replaced like a missing outdir)
  }
  const cwd = realpathOr(process.cwd());
  const relToCwd = path.relative(resolved, cwd);
  if (path.dirname(resolved) === resolved || resolved === realpathOr(os.homedir())
    || relToCwd === '' || (!relToCwd.startsWith('..') && !path.isAbsolute(relToCwd))) {
    throw new Error(`outdir "${outdir}" is the root, the home or the working directory or one of its ancestors; synth replaces outdir as a whole, so give it a directory of its own (e.g. "dist")`);
  }
  const stat = statOrUndefined(resolved);
  if (stat !== undefined && !stat.isDirectory()) {
    throw new HardenedInputError('HardenedApp', 'outdir', outdir, `is ${link ? `a symlink to ${resolved}, ` : ''}a ${stat.isFile() ? 'file' : 'non-directory'}, not an output directory; synth replaces outdir as a whole and does not delete what is not its own output`,
      `move ${resolved} away, or set outdir to a directory of its own (e.g. "dist")`);
  }
  return resolved;
}

/** True when `a` and `b` name the same directory (after resolving symlinks of existing parts). */
export function sameDirectory(a: string, b: string): boolean {
  return realpathOr(a) === realpathOr(b);
}

/**
 * Repairs what an interrupted synth left beside outdir (`dir`, through a symlink; killed between the two renames of the
 * swap, or while writing): when `dir` is missing, the newest `.<dir>.old-*` is the previous
 * output and is renamed back; then every leftover `.<dir>.old-*` and every `.<dir>.tmp-*` whose
 * process is gone is removed. Only directories with exactly these names are touched.
 * @returns what it did, one line each (for a warning)
 */
export function recoverInterruptedSwap(outdir: string): string[] {
  const dir = realpathOr(path.resolve(outdir));
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const ours = (tag: string) => names.filter(n => n.startsWith(`.${base}.${tag}-`) && statOrUndefined(path.join(parent, n))?.isDirectory() === true);
  const done: string[] = [];
  const olds = ours('old').filter(n => !alive(pidOf(n, 'old', base)));
  if (statOrUndefined(dir) === undefined && olds.length > 0) {
    const newest = olds.map(n => ({ n, t: fs.statSync(path.join(parent, n)).mtimeMs })).sort((a, b) => b.t - a.t)[0].n;
    fs.renameSync(path.join(parent, newest), dir);
    done.push(`${dir} was missing (a synth was interrupted between the renames of its swap): restored the previous output from ${newest}`);
  }
  for (const n of [...ours('old'), ...ours('tmp')]) {
    const tag = n.startsWith(`.${base}.old-`) ? 'old' : 'tmp';
    if (!fs.existsSync(path.join(parent, n)) || alive(pidOf(n, tag, base))) continue;
    fs.rmSync(path.join(parent, n), { recursive: true, force: true });
    done.push(`removed ${path.join(parent, n)}, left by an interrupted synth`);
  }
  return done;
}

/**
 * Writes `files` into a fresh temporary sibling of `dir` and swaps it in for `dir` with renames:
 * an existing `dir` is renamed aside first and removed after. On any error before the swap, `dir`
 * is untouched; a read-only `dir` (or a read-only directory in it) is refused before anything is
 * written, since the old output could not be removed after the swap. The new `dir` keeps the
 * mode of the old one (else the mode a plain mkdir gives). A write error (a full disk, a
 * read-only file system) names the directory, the cause and the fix. Not fsynced: it protects
 * against failed and interrupted synths, not against power loss.
 */
export function writeDirAtomically(dir: string, files: Readonly<Record<string, string>>): void {
  const existing = statOrUndefined(dir);
  if (existing !== undefined) {
    const readOnly = readOnlyDirectory(dir);
    if (readOnly !== undefined) {
      throw new HardenedInputError('HardenedApp', 'outdir', dir, `holds the read-only directory ${readOnly} (mode ${(fs.statSync(readOnly).mode & 0o777).toString(8)}), which synth could not replace cleanly`,
        `make it writable (chmod -R u+w ${dir}) if it is generated output, or set outdir to another directory`);
    }
  }
  let tmp: string | undefined;
  try {
    tmp = makeSibling(dir, 'tmp');
    writeFiles(tmp, files);
    fs.chmodSync(tmp, existing !== undefined ? existing.mode & 0o7777 : defaultDirectoryMode(path.dirname(dir)));
  } catch (e) {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
    throw writeError(dir, e);
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

const WRITE_ERRORS: Record<string, [string, string]> = {
  ENOSPC: ['no space is left on the device', 'free space on the file system that holds it, then run synth again'],
  EDQUOT: ['the disk quota is exhausted', 'free space within your quota, then run synth again'],
  EROFS: ['is on a read-only file system', 'set outdir to a directory on a writable file system'],
  EACCES: ['may not be written by this user', 'give the user write permission on its parent directory, or set outdir elsewhere'],
  EPERM: ['may not be written by this user', 'give the user write permission on its parent directory, or set outdir elsewhere'],
};

/** The error of a failed write of `dir`: what happened, that the previous output is unchanged, and the fix. */
function writeError(dir: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  const known = code !== undefined ? WRITE_ERRORS[code] : undefined;
  if (known === undefined) return e as Error;
  return new HardenedInputError('HardenedApp', 'outdir', dir, `could not be written: ${known[0]} (${code} at ${(e as NodeJS.ErrnoException).path ?? dir}); the previous output is unchanged`, known[1]);
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
    throw writeError(dir, e);
  }
  if (old !== undefined) fs.rmSync(old, { recursive: true, force: true });
}

/** The first directory at or below `dir` whose owner may not write it (root included: the mode says what the owner meant). */
function readOnlyDirectory(dir: string): string | undefined {
  if ((fs.statSync(dir).mode & 0o200) === 0) return dir;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    if (e.isDirectory() && (fs.statSync(p).mode & 0o200) === 0) return p;
  }
  return undefined;
}

/** The mode `mkdir` gives a new directory in `parent` (0777 less the umask), read off a probe. */
function defaultDirectoryMode(parent: string): number {
  const probe = makeSiblingName(path.join(parent, 'mode'), 'probe');
  fs.mkdirSync(probe);
  try {
    return fs.statSync(probe).mode & 0o777;
  } finally {
    fs.rmdirSync(probe);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** The pid in a sibling's name (`.dist.old-<pid>-...`, `.dist.tmp-<pid>-...`); undefined for older names. */
function pidOf(name: string, tag: string, base: string): number | undefined {
  const m = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.${tag}-(\\d+)-`).exec(name);
  return m ? Number(m[1]) : undefined;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function makeSibling(dir: string, tag: string): string {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const sibling = makeSiblingName(dir, tag);
  fs.mkdirSync(sibling, { mode: 0o700 });
  return sibling;
}

function makeSiblingName(dir: string, tag: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.${tag}-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
}
