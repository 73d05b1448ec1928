import type { CliIo } from '../../src/cli/main';

/** A CliIo that records what the command prints, runs in `cwd` and reads `stdin` for `-`. */
export function fakeIo(cwd: string, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
    readStdin: () => stdin,
  };
  return io;
}
