import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { ApiObject, App, AppProps, Chart, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KubeObject } from '../policy/kube-object';
import { checkPolicy } from './_policy-check';

/**
 * The order of kinds inside every output file: what a cluster needs first comes first
 * (namespace guard rails before anything runs in the namespace, identities and config before
 * the workloads that use them, workloads before what scales or routes to them). Kinds not
 * listed follow, sorted by kind. Inside a kind, objects are sorted by name, then apiVersion.
 * Cluster-scoped and namespaced kinds share the list; each file holds the kinds it has.
 */
export const KIND_ORDER: readonly string[] = [
  // the namespace and its guard rails
  'Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy',
  // identities and configuration
  'ServiceAccount', 'Secret', 'ConfigMap',
  // APIs, storage and scheduling classes
  'CustomResourceDefinition', 'PriorityClass', 'RuntimeClass', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  // access control
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  // workloads and what fronts, protects and scales them
  'Service', 'PodDisruptionBudget', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob',
  'HorizontalPodAutoscaler', 'IngressClass', 'Ingress',
  // admission
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
];

/** Base name of the file that holds the cluster-scoped objects (objects without `metadata.namespace`). */
export const CLUSTER_FILE_BASENAME = 'cluster';

/** One synthesized object and where it came from and goes to. */
export interface SynthesizedObject {
  /** The object exactly as written (plain JSON; frozen when handed to reporters). */
  readonly object: KubeObject;
  /** Path of the `ApiObject` construct that rendered it. */
  readonly constructPath: string;
  /** The manifest file it is written to, relative to outdir (e.g. `backend.yaml`). */
  readonly file: string;
}

/** The result of a synthesis, in memory: nothing has been written yet. */
export interface Synthesis {
  /** Every object, in output order: by file (cluster file first, then namespaces by name), then kind order, then name. */
  readonly objects: readonly SynthesizedObject[];
  /** The manifests: file name relative to outdir, to its YAML. */
  readonly manifests: Readonly<Record<string, string>>;
}

/**
 * Renders extra files (e.g. a Markdown security report) from the synthesized objects. Returns
 * file names relative to outdir (segments of `[A-Za-z0-9._-]`, `/`-separated) to contents.
 * Must not mutate its input (the objects are frozen).
 */
export type Reporter = (objects: readonly KubeObject[], synthesis: Synthesis) => Readonly<Record<string, string>>;

/** Props of {@link HardenedApp}. `yamlOutputType` is not offered: the layout is one file per namespace. */
export interface HardenedAppProps extends Omit<AppProps, 'yamlOutputType'> {
  /**
   * Where `synth()` writes. `CDK8S_OUTDIR` (set by `cdk8s synth` from cdk8s.yaml `output` or
   * `--output`) takes precedence, so that the CLI finds the manifests where it looks for them.
   * @default - CDK8S_OUTDIR, else "dist"
   */
  readonly outdir?: string;
  /**
   * The manifest file extension.
   * @default ".yaml"
   */
  readonly outputFileExtension?: string;
  /**
   * Extra files rendered from the synthesized objects and written with the manifests, in the
   * same atomic swap. See also {@link HardenedApp.extraFiles}.
   * @default []
   */
  readonly reporters?: readonly Reporter[];
  /**
   * Keep a hard-linked copy of the last successful output next to outdir
   * (`.<outdir>.last-synth`), and, when the app starts and outdir is missing, restore outdir
   * from it. `cdk8s synth` deletes outdir before it runs the app; with this, a `cdk8s synth`
   * that fails still leaves the previous output in place.
   * @default - true when CDK8S_OUTDIR is set (the app runs under `cdk8s synth`), unless outdir
   * is directly in the OS temp directory (where `cdk8s synth --stdout` synthesizes)
   */
  readonly keepLastSynth?: boolean;
  /**
   * From this many objects on, YAML is serialized on a worker thread while the main thread
   * renders objects (cdk8s's `Yaml.stringify` is the slower half of a large synth). The output
   * is byte-identical either way: the worker runs the same `Yaml.stringify`. `Infinity` never
   * starts a worker; `0` always does.
   * @default 2000
   */
  readonly yamlWorkerThreshold?: number;
}

/** The error of a synthesis whose validations failed; lists every error, `[path] message`, like cdk8s. */
export class SynthValidationError extends Error {
  /** Every error, `[construct path] message`. */
  public readonly errors: readonly string[];

  constructor(errors: readonly string[], heading = 'Validation failed with the following errors') {
    super(`${heading}:\n  ${errors.join('\n  ')}`);
    this.name = 'SynthValidationError';
    this.errors = errors;
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const FILE_SEGMENT = /^[A-Za-z0-9._-]+$/;
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));
const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/**
 * A cdk8s `App` for reviewable output at scale.
 *
 * `synth()`:
 * - runs every construct validation (`node.addValidation`) exactly once for the whole app and
 *   reports all errors together (cdk8s's `App.synth` re-resolves dependencies and re-validates
 *   the whole app once per chart, through `Chart.toJson`, which is quadratic in the chart count);
 * - renders each `ApiObject` once and groups objects by `metadata.namespace`, whatever the chart
 *   layout: `<namespace>.yaml` per namespace and `cluster.yaml` for cluster-scoped objects,
 *   sorted by {@link KIND_ORDER}, then name, then apiVersion; YAML from cdk8s's `Yaml.stringify`;
 * - writes atomically: everything is rendered in memory, written into a temporary sibling of
 *   outdir and swapped in with renames; a failing synth leaves the previous outdir untouched.
 *
 * Objects are ordered by kind, not by cdk8s's dependency graph (`addDependency` does not change
 * the order; it is not consulted, and a dependency cycle is not an error here). Charts that
 * override `Chart.toJson` are refused, since their override would not be called. The whole
 * outdir belongs to synth: it is replaced, as `cdk8s synth` replaces it.
 */
export class HardenedApp extends App {
  private readonly reporters: readonly Reporter[];
  private readonly keepLastSynth: boolean;
  private readonly recordMetadata: boolean;
  private readonly yamlWorkerThreshold: number;

  constructor(props: HardenedAppProps = {}) {
    const { reporters, keepLastSynth, yamlWorkerThreshold, ...appProps } = props;
    super({
      ...appProps,
      outdir: process.env.CDK8S_OUTDIR || props.outdir,
      outputFileExtension: props.outputFileExtension ?? '.yaml',
    });
    this.reporters = [...(reporters ?? [])];
    this.yamlWorkerThreshold = yamlWorkerThreshold ?? 2000;
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
    // `cdk8s synth --stdout` synthesizes into a fresh mkdtemp directory directly in the OS temp dir
    this.keepLastSynth = keepLastSynth ?? (!!process.env.CDK8S_OUTDIR && realpathOr(path.dirname(path.resolve(this.outdir))) !== realpathOr(os.tmpdir()));
    if (this.keepLastSynth) restoreLastSynth(resolveOutdir(this.outdir));
  }

  /**
   * Validates the app once and renders every object, in memory. Writes nothing.
   * @throws SynthValidationError when a validation fails, or when the output cannot be laid out
   */
  public synthObjects(): Synthesis {
    const all = this.node.findAll();
    refuseChartToJsonOverrides(all);
    const errors: string[] = [];
    for (const child of all) {
      for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
    }
    if (errors.length > 0) throw new SynthValidationError(errors);

    const clusterFile = CLUSTER_FILE_BASENAME + this.outputFileExtension;
    const apiObjects = all.filter((c): c is ApiObject => ApiObject.isApiObject(c));
    const serializer = apiObjects.length >= this.yamlWorkerThreshold ? YamlWorker.tryStart() : undefined;
    try {
      return this.render(apiObjects, clusterFile, serializer ?? new InlineYaml());
    } finally {
      serializer?.close();
    }
  }

  /**
   * Every file synth writes, relative to outdir: the manifests and the extra files, in memory.
   * Validations run once.
   */
  public synthFiles(): Record<string, string> {
    const synthesis = this.synthObjects();
    const files: Record<string, string> = { ...synthesis.manifests };
    if (this.hasExtraFiles()) {
      synthesis.objects.forEach(o => deepFreeze(o.object));
      const extra = this.extraFiles(synthesis.objects.map(o => o.object), synthesis);
      for (const name of Object.keys(extra).sort()) {
        checkFileName(name);
        if (name in files) throw new Error(`extra file "${name}" would overwrite a synthesized file of the same name`);
        if (typeof extra[name] !== 'string') throw new Error(`extra file "${name}" has no string content`);
        files[name] = extra[name];
      }
    }
    return files;
  }

  private render(apiObjects: readonly ApiObject[], clusterFile: string, serializer: YamlSerializer): Synthesis {
    const errors: string[] = [];
    const entries: SortEntry[] = [];
    for (const child of apiObjects) {
      const object = child.toJson() as KubeObject;
      const namespace = object.metadata?.namespace;
      let file = clusterFile;
      if (namespace !== undefined && namespace !== null && namespace !== '') {
        if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace)) {
          errors.push(`[${child.node.path}] metadata.namespace ${JSON.stringify(namespace)} is not a namespace name (a DNS-1123 label)`);
          continue;
        }
        file = namespace + this.outputFileExtension;
        if (file === clusterFile) {
          errors.push(`[${child.node.path}] metadata.namespace "${namespace}" would share ${clusterFile} with the cluster-scoped objects; rename the namespace`);
          continue;
        }
      }
      entries.push({
        object, file, constructPath: child.node.path, name: child.name, yaml: serializer.add(object),
        fileKey: file === clusterFile ? '' : file,
        rank: KIND_RANK.get(object.kind) ?? KIND_ORDER.length,
        kind: String(object.kind), objectName: String(object.metadata?.name ?? ''), apiVersion: String(object.apiVersion),
      });
    }
    if (errors.length > 0) throw new SynthValidationError(errors, 'Synthesis failed with the following errors');
    entries.sort(compareEntries);
    checkDuplicates(entries);
    const policy = checkPolicy(this, entries); // rule packs and exceptions, once over the final objects
    if (policy.errors.length > 0) throw new SynthValidationError(policy.errors, 'Policy check failed with the following errors');
    for (const i of policy.annotated) entries[i] = { ...entries[i], yaml: serializer.add(entries[i].object) };

    // Yaml.stringify(...docs) is docs.map(stringify).join('---\n'): per document, then joined
    const yaml = serializer.finish();
    const manifests: Record<string, string> = {};
    let start = 0;
    while (start < entries.length) {
      let end = start + 1;
      while (end < entries.length && entries[end].file === entries[start].file) end++;
      manifests[entries[start].file] = entries.slice(start, end).map(e => yaml[e.yaml]).join('---\n');
      start = end;
    }
    if (this.recordMetadata) {
      // the format `cdk8s synth --validate` reads back (cdk8s App.writeConstructMetadata)
      const resources: Record<string, { path: string }> = {};
      for (const e of entries) resources[e.name] = { path: e.constructPath };
      manifests[CONSTRUCT_METADATA_FILE] = JSON.stringify({ version: '1.0.0', resources });
    }
    return {
      objects: entries.map(e => ({ object: e.object, constructPath: e.constructPath, file: e.file })),
      manifests,
    };
  }

  /**
   * Synthesizes into memory, then replaces outdir atomically: the files are written into a
   * temporary sibling directory, the old outdir is renamed aside, the new one renamed into
   * place and the old one removed. On any error before the swap, outdir is untouched.
   */
  public override synth(): void {
    const files = this.synthFiles();
    const outdir = resolveOutdir(this.outdir);
    writeDirAtomically(outdir, files);
    if (this.keepLastSynth) refreshLastSynth(outdir);
  }

  /** All objects as one YAML stream, in output order (validations run once). */
  public override synthYaml(): string {
    return Yaml.stringify(...this.synthObjects().objects.map(o => o.object));
  }

  /**
   * The extra files to write with the manifests, relative to outdir. The default renders
   * the `reporters` and merges their files (two reporters writing one file is an error).
   * Override to add files; the objects are frozen.
   */
  protected extraFiles(objects: readonly KubeObject[], synthesis: Synthesis): Record<string, string> {
    const files: Record<string, string> = {};
    for (const reporter of this.reporters) {
      const out = reporter(objects, synthesis);
      for (const name of Object.keys(out)) {
        if (name in files) throw new Error(`two reporters write the extra file "${name}"`);
        files[name] = out[name];
      }
    }
    return files;
  }

  private hasExtraFiles(): boolean {
    return this.reporters.length > 0 || this.extraFiles !== HardenedApp.prototype.extraFiles;
  }
}

function refuseChartToJsonOverrides(all: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) {
    if (Chart.isChart(c) && (c as Chart).toJson !== Chart.prototype.toJson) {
      errors.push(`[${c.node.path}] overrides Chart.toJson, which HardenedApp does not call (it renders each ApiObject once); move the override into the ApiObjects`);
    }
  }
  if (errors.length > 0) throw new SynthValidationError(errors, 'Synthesis failed with the following errors');
}

interface SortEntry {
  readonly object: KubeObject;
  readonly file: string;
  /** '' for the cluster file, so that it sorts first. */
  readonly fileKey: string;
  readonly constructPath: string;
  /** The ApiObject's name (for construct metadata). */
  readonly name: string;
  readonly rank: number;
  /** Index of its YAML in the serializer's output. */
  readonly yaml: number;
  readonly kind: string;
  readonly objectName: string;
  readonly apiVersion: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: SortEntry, b: SortEntry): number {
  return cmp(a.fileKey, b.fileKey) || a.rank - b.rank || cmp(a.kind, b.kind) || cmp(a.objectName, b.objectName)
    || cmp(a.apiVersion, b.apiVersion) || cmp(a.constructPath, b.constructPath);
}

/** Two objects with one identity (API group, kind, namespace, name) would overwrite each other on apply. */
function checkDuplicates(sorted: readonly SortEntry[]): void {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const e of sorted) {
    const group = e.apiVersion.includes('/') ? e.apiVersion.slice(0, e.apiVersion.indexOf('/')) : '';
    const key = `${e.file}\0${group}\0${e.kind}\0${e.objectName}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(`[${e.constructPath}] ${e.kind} "${e.objectName}" (${e.file}) is also written by ${first}`);
    } else {
      seen.set(key, e.constructPath);
    }
  }
  if (errors.length > 0) throw new SynthValidationError(errors, 'Synthesis failed with the following errors');
}

function checkFileName(name: string): void {
  const segments = name.split('/');
  if (segments.some(s => !FILE_SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new Error(`extra file name "${name}" is not a relative path of [A-Za-z0-9._-] segments`);
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
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
function resolveOutdir(outdir: string): string {
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

/** Writes `files` into a fresh temporary sibling of `dir` and swaps it in for `dir` with renames. */
function writeDirAtomically(dir: string, files: Readonly<Record<string, string>>): void {
  const tmp = makeSibling(dir, 'tmp');
  try {
    const made = new Set<string>([tmp]);
    for (const name of Object.keys(files)) {
      const file = path.join(tmp, name);
      const parent = path.dirname(file);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      fs.writeFileSync(file, files[name], { encoding: 'utf8' });
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  swapIn(tmp, dir);
}

/** Renames `fresh` to `dir`: an existing `dir` is renamed aside first and removed after. */
function swapIn(fresh: string, dir: string): void {
  let old: string | undefined;
  try {
    if (fs.existsSync(dir)) {
      old = `${makeSiblingName(dir, 'old')}`;
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

function lastSynthDir(outdir: string): string {
  return path.join(path.dirname(outdir), `.${path.basename(outdir)}.last-synth`);
}

/** After a successful synth: makes `.<outdir>.last-synth` a hard-linked copy of outdir. */
function refreshLastSynth(outdir: string): void {
  const backup = lastSynthDir(outdir);
  try {
    const tmp = makeSibling(backup, 'tmp');
    try {
      linkTree(outdir, tmp);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    swapIn(tmp, backup);
  } catch (e) {
    // never keep a copy older than the output: a later restore would bring back stale manifests
    fs.rmSync(backup, { recursive: true, force: true });
    process.stderr.write(`warning: could not keep a copy of the output in ${backup}: ${(e as Error).message}\n`);
  }
}

/** At start-up: when outdir is missing (`cdk8s synth` deletes it) and a last synth is kept, puts it back. */
function restoreLastSynth(outdir: string): void {
  const backup = lastSynthDir(outdir);
  if (fs.existsSync(outdir) || !fs.existsSync(backup)) return;
  const tmp = makeSibling(outdir, 'tmp');
  try {
    linkTree(backup, tmp);
    fs.renameSync(tmp, outdir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`warning: could not restore ${outdir} from ${backup}: ${(e as Error).message}\n`);
  }
}

/** Hard-links (else copies, keeping mtimes) every file below `from` into `to`. */
function linkTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(dst);
      linkTree(src, dst);
    } else {
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
        const st = fs.statSync(src);
        fs.utimesSync(dst, st.atime, st.mtime);
      }
    }
  }
}

/** Turns objects into YAML documents (without separators), in the order they were added. */
interface YamlSerializer {
  /** Queues one object; returns the index of its document. */
  add(object: unknown): number;
  /** Every document, by index. */
  finish(): string[];
  close(): void;
}

class InlineYaml implements YamlSerializer {
  private readonly objects: unknown[] = [];
  public add(object: unknown): number {
    return this.objects.push(object) - 1;
  }
  public finish(): string[] {
    return this.objects.map(o => Yaml.stringify(o));
  }
  public close(): void {}
}

interface YamlReply { readonly batch: number; readonly yaml?: string[]; readonly error?: string }

const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const state = new Int32Array(workerData.state);
let Yaml;
try { Yaml = require(workerData.yamlModule).Yaml; } catch (e) { Atomics.store(state, 1, 1); Atomics.add(state, 0, 1); Atomics.notify(state, 0); throw e; }
workerData.requests.on('message', ({ batch, docs }) => {
  let reply;
  try { reply = { batch, yaml: docs.map(d => Yaml.stringify(d)) }; } catch (e) { reply = { batch, error: String(e && e.stack || e) }; }
  workerData.replies.postMessage(reply);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

/**
 * Serializes on a worker thread while the main thread renders, and shares the rest when the
 * main thread is done: batches wait in a queue; at most two are in flight at the worker (so it
 * never idles); at `finish` the main thread serializes queued batches itself while the worker
 * works on its own, then blocks (Atomics.wait) for the last replies. The worker runs cdk8s's
 * own `Yaml.stringify` (cdk8s/lib/yaml.js with its bundled yaml package and options), so the
 * output does not depend on who serialized what. A batch the worker fails, or does not
 * return within the stall timeout, is serialized on the main thread.
 */
class YamlWorker implements YamlSerializer {
  /** A started worker, or undefined when worker threads are unavailable. */
  public static tryStart(): YamlWorker | undefined {
    try {
      return new YamlWorker();
    } catch {
      return undefined;
    }
  }

  private static readonly BATCH = 128;
  private static readonly MAX_IN_FLIGHT = 2;
  private static readonly STALL_MS = 60_000;
  private readonly worker: Worker;
  private readonly requests: MessagePort;
  private readonly replies: MessagePort;
  /** [0]: replies posted (the futex finish waits on); [1]: 1 when the worker could not start. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly batches: unknown[][] = [];
  private readonly results: (string[] | undefined)[] = [];
  /** Indexes of batches not yet sent, oldest first. */
  private readonly queue: number[] = [];
  /** Batches sent and not answered. */
  private readonly inFlight = new Set<number>();
  private pending: unknown[] = [];
  private count = 0;

  private constructor() {
    const yamlModule = path.join(path.dirname(require.resolve('cdk8s/package.json')), 'lib', 'yaml.js');
    const requests = new MessageChannel();
    const replies = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { yamlModule, state: this.state.buffer, requests: requests.port2, replies: replies.port1 },
      transferList: [requests.port2, replies.port1],
    });
    this.worker.unref();
    this.requests = requests.port1;
    this.replies = replies.port2;
  }

  public add(object: unknown): number {
    this.pending.push(object);
    if (this.pending.length >= YamlWorker.BATCH) {
      this.queue.push(this.batches.push(this.pending) - 1);
      this.pending = [];
      this.pump();
    }
    return this.count++;
  }

  public finish(): string[] {
    if (this.pending.length > 0) this.queue.push(this.batches.push(this.pending) - 1);
    this.pending = [];
    let lastProgress = Date.now();
    for (;;) {
      const seen = Atomics.load(this.state, 0);
      if (this.pump() > 0) lastProgress = Date.now();
      const failed = Atomics.load(this.state, 1) === 1 || Date.now() - lastProgress > YamlWorker.STALL_MS;
      if (this.queue.length > 0) {
        const batch = this.queue.pop()!; // the newest: the worker keeps the older ones
        this.results[batch] = this.batches[batch].map(d => Yaml.stringify(d));
      } else if (this.inFlight.size > 0 && !failed) {
        Atomics.wait(this.state, 0, seen, 1000);
      } else {
        break;
      }
    }
    const yaml: string[] = [];
    this.batches.forEach((docs, i) => yaml.push(...(this.results[i] ?? docs.map(d => Yaml.stringify(d)))));
    return yaml;
  }

  public close(): void {
    this.requests.close();
    this.replies.close();
    void this.worker.terminate();
  }

  /** Takes the replies that arrived and keeps the worker fed; returns the number of replies. */
  private pump(): number {
    let replies = 0;
    for (let m = receiveMessageOnPort(this.replies); m; m = receiveMessageOnPort(this.replies)) {
      const reply = m.message as YamlReply;
      this.results[reply.batch] = reply.yaml;
      this.inFlight.delete(reply.batch);
      replies++;
    }
    if (Atomics.load(this.state, 1) === 1) return replies;
    while (this.inFlight.size < YamlWorker.MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.inFlight.add(batch);
      this.requests.postMessage({ batch, docs: this.batches[batch] });
    }
    return replies;
  }
}
