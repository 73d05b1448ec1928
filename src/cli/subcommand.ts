/** The contract between the `cdk8s-hardened` dispatcher and its subcommands. */

/** The process surroundings a subcommand may use; replaceable in tests. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /** Reads all of standard input (for the `-` path). */
  readonly readStdin?: () => string;
}

/** One subcommand, e.g. `check`. To add one (e.g. `report`), implement this and list it in `main.ts`. */
export interface Subcommand {
  /** The word after `cdk8s-hardened`. */
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Full usage text. */
  readonly usage: string;
  /**
   * Runs the subcommand with the arguments after its name.
   * @returns the process exit status (0 success, 1 findings, 2 usage or input error)
   */
  run(argv: readonly string[], io: CliIo): number | Promise<number>;
}
