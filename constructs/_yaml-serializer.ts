import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Yaml } from 'cdk8s';

// Private module: YAML serialization of the rendered objects, on this thread or shared with a
// worker thread for large outputs. Either way each document is cdk8s's own `Yaml.stringify`, so
// the bytes do not depend on who serialized what.

/**
 * One YAML document (without separator) per object, in order. From `workerThreshold` objects on,
 * a worker thread serializes batches while this thread serializes others.
 */
export function serializeDocuments(objects: readonly unknown[], workerThreshold: number): string[] {
  const serializer: YamlSerializer = (objects.length >= workerThreshold ? YamlWorker.tryStart() : undefined) ?? new InlineYaml();
  try {
    for (const o of objects) serializer.add(o);
    return serializer.finish();
  } finally {
    serializer.close();
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
 * Serializes on a worker thread and on the main thread at once: batches wait in a queue; at most
 * two are in flight at the worker (so it never idles); at `finish` the main thread serializes
 * queued batches itself (the newest first) while the worker
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
