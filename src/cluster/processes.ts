/** Starting and watching the test cluster's processes: free ports, readiness, early exits. Private to src/cluster. */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';

/** A TCP port of 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it holds; fails after `timeoutMs`, or at once when `failed` says the process died. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed();
    if (failure !== undefined) throw new Error(`${what}: ${failure}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** Whether a plain-HTTP GET of `url` answers 200. */
export function httpOk(url: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(url, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** Starts `binary` detached, its output appended to `logFile`. */
export function launch(binary: string, args: readonly string[], logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  return child;
}

/** For {@link waitFor}: the exit status and the log's last lines once `child` has exited, else undefined. */
export function exitedEarly(child: ChildProcess, logFile: string): () => string | undefined {
  return () => {
    if (child.exitCode === null && child.signalCode === null) return undefined;
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n') : '';
    return `exited (${child.exitCode ?? child.signalCode}); last lines of ${logFile}:\n${log}`;
  };
}

