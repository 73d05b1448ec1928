/**
 * `npm run cluster -- start|stop|status|build|apply`: the local test cluster from the command line.
 *
 *   start [--kubernetes 1.N]             start the cluster (or reuse a running one)
 *   stop [--kubernetes 1.N]              stop it; nothing keeps running
 *   status [--kubernetes 1.N]            print whether it runs, and where
 *   build [--kubernetes 1.N]             build the binary (cached)
 *   apply [--kubernetes 1.N] DIR...      start (or reuse), then apply every manifest of each DIR
 *   --instance NAME                      a second cluster of the same minor, with its own state
 *
 * Exit codes: 0 success (apply: nothing rejected), 1 something rejected or failed, 2 bad usage.
 */
import * as fs from 'fs';
import { applyDirectories, type ApplyVerdict } from './apply';
import { KubeClient } from './kube-client';
import { buildableMinors, buildCluster, isRunning, startCluster, stateDir, stopCluster, endpointOf } from './test-cluster';

/** The default minor of the test cluster: the project's default Kubernetes target. */
export const DEFAULT_CLUSTER_MINOR = '1.36';

const USAGE = `usage: npm run cluster -- <command> [--kubernetes 1.N] [DIR...]
commands:
  start             start the test cluster (or reuse a running one)
  stop              stop it; nothing keeps running
  status            print whether it runs
  build             build its binary from the Go modules (cached)
  apply DIR...      start or reuse it, then apply every manifest of each DIR (server-side apply,
                    strict field validation): one ACCEPTED/REJECTED line per object
--kubernetes 1.N    the Kubernetes minor (default ${DEFAULT_CLUSTER_MINOR}; built: ${buildableMinors().join(', ')})
--instance NAME     another cluster of that minor beside the default one (its own state directory)`;

/** Where the CLI writes. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the CLI; resolves to the exit code. */
export async function runClusterCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  let minor = DEFAULT_CLUSTER_MINOR;
  let instance: string | undefined;
  const dirs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--kubernetes') {
      minor = rest[++i] ?? '';
    } else if (rest[i].startsWith('--kubernetes=')) {
      minor = rest[i].slice('--kubernetes='.length);
    } else if (rest[i] === '--instance') {
      instance = rest[++i] ?? '';
      if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(instance)) {
        io.err(`--instance ${JSON.stringify(instance)}: use lowercase letters, digits and "-"\n${USAGE}`);
        return 2;
      }
    } else if (rest[i].startsWith('-')) {
      io.err(`unknown option ${rest[i]}\n${USAGE}`);
      return 2;
    } else {
      dirs.push(rest[i]);
    }
  }
  if (!buildableMinors().includes(minor)) {
    io.err(`--kubernetes ${JSON.stringify(minor)}: the test cluster is built for ${buildableMinors().join(', ')}\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => io.err(line);
  switch (command) {
    case 'start':
      if (dirs.length > 0) break;
      io.out(`cluster ${minor}: ready at ${(await startCluster(minor, { log, instance })).server} (state in ${stateDir(minor, instance)})`);
      return 0;
    case 'stop':
      if (dirs.length > 0) break;
      io.out(`cluster ${minor}: ${await stopCluster(minor, instance) ? 'stopped' : 'was not running'}`);
      return 0;
    case 'status':
      if (dirs.length > 0) break;
      io.out(await isRunning(minor, instance) ? `cluster ${minor}: running at ${endpointOf(minor, instance)!.server}` : `cluster ${minor}: not running`);
      return 0;
    case 'build':
      if (dirs.length > 0) break;
      buildCluster(minor, line => io.out(line));
      io.out(`cluster ${minor}: binary up to date`);
      return 0;
    case 'apply': {
      if (dirs.length === 0) break;
      for (const dir of dirs) {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
          io.err(`apply: ${dir} is not a directory\n${USAGE}`);
          return 2;
        }
      }
      const client = new KubeClient(await startCluster(minor, { log, instance }));
      let verdicts: ApplyVerdict[];
      try {
        verdicts = await applyDirectories(client, dirs, { log: line => (line.startsWith('ACCEPTED') || line.startsWith('REJECTED') ? io.out(line) : io.err(line)) });
      } finally {
        client.close();
      }
      const rejected = verdicts.filter(v => !v.accepted).length;
      io.out(`applied: ${verdicts.length - rejected} accepted, ${rejected} rejected`);
      return rejected === 0 ? 0 : 1;
    }
    default:
      break;
  }
  io.err(USAGE);
  return 2;
}

if (require.main === module) {
  runClusterCli(process.argv.slice(2), { out: l => console.log(l), err: l => console.error(l) })
    .then(code => process.exit(code))
    .catch((e: unknown) => {
      console.error(`cluster: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
