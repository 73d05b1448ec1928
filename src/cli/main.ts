/**
 * `cdk8s-hardened` command line: a small subcommand dispatcher.
 *
 * Add a subcommand by implementing {@link Subcommand} and appending it to {@link SUBCOMMANDS}.
 */
import * as fs from 'fs';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { reportCommand } from './report';
import type { CliIo, Subcommand } from './subcommand';
import { toolInfo } from './tool-version';

export type { CliIo, Subcommand } from './subcommand';

/** All subcommands, in help order. */
export const SUBCOMMANDS: readonly Subcommand[] = [checkCommand, reportCommand, diffCommand];

/** Top-level usage text. */
export function mainUsage(commands: readonly Subcommand[] = SUBCOMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: cdk8s-hardened <command> [options]',
    '       cdk8s-hardened --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'cdk8s-hardened <command> --help' for a command's options.",
  ].join('\n');
}

/** The real process streams and working directory. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    readStdin: () => fs.readFileSync(0, 'utf8'),
  };
}

/**
 * Runs the command line.
 *
 * @param argv the arguments after the program name
 * @param io streams and working directory (default: the real process)
 * @param commands the subcommands to dispatch to (default: {@link SUBCOMMANDS})
 * @returns the exit status: 0 success, 1 findings, 2 usage or input error
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), commands: readonly Subcommand[] = SUBCOMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout)(`${topic?.usage ?? mainUsage(commands)}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`cdk8s-hardened ${toolInfo().version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`cdk8s-hardened: unknown command ${JSON.stringify(name)}\n\n${mainUsage(commands)}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    io.stderr(`cdk8s-hardened ${name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

/** Entry point for bin/cdk8s-hardened.js: runs {@link main} on `process.argv` and sets `process.exitCode`. */
export function runCli(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`cdk8s-hardened: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
