/**
 * A real CEL engine for the tests: @marcbachmann/cel-js (ESM), bundled once per process into
 * CommonJS with esbuild so that jest (CommonJS) can load it, plus the Kubernetes CEL functions
 * the engine lacks, implemented here (see KUBERNETES_EXTENSIONS).
 *
 * Kubernetes semantics mirrored:
 * - `object` is the object as the API server holds it: JSON numbers become CEL `int` (BigInt)
 *   when integral, `double` otherwise; keys with `null` values are dropped (the API server
 *   prunes them);
 * - `variables.<name>` are evaluated in declaration order (Kubernetes evaluates them lazily; a
 *   variable that fails is an error only where it is used, as here);
 * - a validation passes when it evaluates to `true`; `false` denies, and an evaluation error
 *   denies too (failurePolicy Fail).
 */
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require('esbuild') as typeof import('esbuild');

interface CelModule {
  Environment: new (options?: Record<string, unknown>) => CelEnvironment;
}
interface CelEnvironment {
  registerVariable(name: string, type: string): CelEnvironment;
  registerFunction(signature: string, handler: (...args: never[]) => unknown): CelEnvironment;
  parse(expression: string): ((context: Record<string, unknown>) => unknown) & { check(): { valid: boolean; error?: Error } };
  evaluate(expression: string, context: Record<string, unknown>): unknown;
}

let cel: CelModule | undefined;

function load(): CelModule {
  if (cel) return cel;
  const entry = require.resolve('@marcbachmann/cel-js').replace(/index\.js$/, 'index.js');
  const out = path.join(os.tmpdir(), `cel-js-bundle-${process.pid}.cjs`);
  const pkg = path.join(path.dirname(path.dirname(entry)), 'lib', 'index.js');
  esbuild.buildSync({ entryPoints: [fs.existsSync(pkg) ? pkg : entry], bundle: true, format: 'cjs', platform: 'node', outfile: out, logLevel: 'silent' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cel = require(out) as CelModule;
  return cel;
}

/**
 * Functions of the Kubernetes CEL library that cel-js 8 does not have, implemented here. Only
 * those our expressions could use; each is the Kubernetes definition.
 */
export const KUBERNETES_EXTENSIONS: readonly string[] = [];

/** Converts parsed YAML/JSON into the values the API server hands to CEL. */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = toCelValue(v);
    return out;
  }
  return value;
}

/** One compiled policy: variables, then validations; evaluates to the verdict. */
export interface CompiledPolicy {
  /**
   * The messages of the validations that deny `object` (empty: admitted). Errors deny with
   * `error: ...`. `seed` holds variables the controller provides (Gatekeeper's `params`).
   */
  denials(object: unknown, seed?: Record<string, unknown>, oldObject?: unknown): string[];
}

let env: CelEnvironment | undefined;

/** The environment: `object`, `oldObject`, `request`, `variables`, `params` as dyn, optional syntax on. */
export function celEnvironment(): CelEnvironment {
  if (env) return env;
  const { Environment } = load();
  env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true });
  return env;
}

const parsed = new Map<string, (context: Record<string, unknown>) => unknown>();

/** Parses (once) and evaluates one expression. */
export function evaluateCel(expression: string, context: Record<string, unknown>): unknown {
  let fn = parsed.get(expression);
  if (!fn) {
    fn = celEnvironment().parse(expression);
    parsed.set(expression, fn);
  }
  return fn(context);
}

/** Compiles a policy's variables and validations (each parsed once). */
export function compilePolicy(
  variables: readonly { readonly name: string; readonly expression: string }[],
  validations: readonly { readonly expression: string; readonly message?: string }[],
): CompiledPolicy {
  for (const v of variables) evaluateCelParse(v.expression);
  for (const v of validations) evaluateCelParse(v.expression);
  return {
    denials(object: unknown, seed: Record<string, unknown> = {}, oldObject: unknown = null): string[] {
      const obj = toCelValue(object);
      const old = toCelValue(oldObject);
      const vars = toCelValue(seed) as Record<string, unknown>;
      const errors: Record<string, string> = {};
      for (const v of variables) {
        try {
          vars[v.name] = evaluateCel(v.expression, { object: obj, oldObject: old, variables: vars });
        } catch (e) {
          errors[v.name] = (e as Error).message;
        }
      }
      const out: string[] = [];
      for (const v of validations) {
        const used = Object.keys(errors).find(n => v.expression.includes(`variables.${n}`));
        if (used) {
          out.push(`error: variable ${used}: ${errors[used]}`);
          continue;
        }
        try {
          const result = evaluateCel(v.expression, { object: obj, oldObject: old, variables: vars });
          if (result !== true) out.push(result === false ? (v.message ?? v.expression) : `error: not a bool: ${String(result)}`);
        } catch (e) {
          out.push(`error: ${(e as Error).message}`);
        }
      }
      return out;
    },
  };
}

function evaluateCelParse(expression: string): void {
  if (!parsed.has(expression)) parsed.set(expression, celEnvironment().parse(expression));
}
