/**
 * The one argument parser of every subcommand: `node:util` `parseArgs` (strict: unknown options
 * and missing values are usage errors; `--flag value`, `--flag=value` and `--` as POSIX tools
 * take them), plus what it lacks: choices, renamed flags kept as deprecated aliases, and the
 * number of positionals.
 */
import { parseArgs } from 'util';

/** A usage error, reported with exit status 2 and the subcommand's usage text. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a subcommand. */
export interface OptionSpec {
  /** `boolean` for a flag, `string` for an option with a value. */
  readonly type: 'boolean' | 'string';
  /** A one-letter alias (`-h`). @default - none */
  readonly short?: string;
  /** The values a `string` option accepts. @default - any non-empty value */
  readonly choices?: readonly string[];
  /** The value when the option is not given. @default - undefined (false for a flag) */
  readonly default?: string;
  /**
   * A former name of this option, still accepted with a warning that names the new one (e.g.
   * `check --version` for `--pod-security-version`).
   * @default - none
   */
  readonly deprecatedAlias?: string;
}

/** The options and positionals of a subcommand. */
export interface CommandSpec {
  /** Long option names (without `--`) to their specs. `help` (`-h`) is always added. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** How many positionals are required: an exact count, or a minimum (`{ min: 1 }`). */
  readonly positionals: number | { readonly min: number };
  /** What the positionals are called in errors (`PATH`, `OLD and NEW`). */
  readonly positionalName: string;
}

/** Parsed arguments: option values by long name, and the positionals. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  /** `-h` / `--help` was given: the caller prints the usage (the positional count is not checked). */
  readonly help: boolean;
  /** Deprecated aliases that were used, as warnings to print. */
  readonly warnings: readonly string[];
}

/**
 * Parses the arguments after a subcommand's name.
 * @throws UsageError on an unknown option, a missing, empty or invalid value, or a wrong number of positionals
 */
export function parseCommandArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.short !== undefined ? { short: o.short } : {}) };
    if (o.deprecatedAlias !== undefined) {
      options[o.deprecatedAlias] = { type: o.type };
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(plainMessage((e as Error).message));
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, string | boolean | undefined> = {};
  const warnings: string[] = [];
  for (const [name, o] of Object.entries(spec.options)) {
    let value = raw[name];
    if (o.deprecatedAlias !== undefined && raw[o.deprecatedAlias] !== undefined) {
      if (value !== undefined) throw new UsageError(`--${o.deprecatedAlias} is the former name of --${name}; give one of them`);
      value = raw[o.deprecatedAlias];
      warnings.push(`--${o.deprecatedAlias} is renamed --${name}; the old name will be removed in a later version`);
    }
    if (o.type === 'string' && value !== undefined) {
      const text = String(value);
      if (text === '') throw new UsageError(`option --${name} needs a value`);
      if (o.choices !== undefined && !o.choices.includes(text)) {
        throw new UsageError(`--${name} must be ${o.choices.slice(0, -1).join(', ')}${o.choices.length > 1 ? ' or ' : ''}${o.choices[o.choices.length - 1]}, not ${JSON.stringify(text)}`);
      }
    }
    values[name] = value ?? (o.type === 'boolean' ? false : o.default);
  }
  const help = raw.help === true;
  const positionals = parsed.positionals;
  if (!help) {
    const want = spec.positionals;
    if (typeof want === 'number' ? positionals.length !== want : positionals.length < want.min) {
      throw new UsageError(positionals.length === 0 ? `no ${spec.positionalName} given` : `expected ${spec.positionalName}, got ${positionals.length} path${positionals.length === 1 ? '' : 's'}`);
    }
  }
  return { values, positionals, help, warnings };
}

/** node's messages end with a hint about `--` for positionals that look like options; keep the first sentence. */
function plainMessage(message: string): string {
  const first = message.replace(/\. To specify a positional argument[\s\S]*$/, '');
  const unknown = /^Unknown option '([^']*)'$/.exec(first);
  if (unknown) return `unknown option ${JSON.stringify(unknown[1])}`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing$/.exec(first);
  if (missing) return `option ${missing[1]} needs a value`;
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument is ambiguous/.exec(first);
  if (ambiguous) return `option ${ambiguous[1]} needs a value (the next argument starts with "-"; write ${ambiguous[1]}=VALUE)`;
  return first;
}
