import { IConstruct } from 'constructs';

/**
 * The error every construct in this library throws for bad input. Its message always names
 * the construct path, the field, the bad value and the fix, so a failing `cdk8s synth` tells the
 * author exactly what to change:
 *
 * `[blueprint/shop/web] resources.cpu.limit: "lots" is not a Kubernetes quantity. Fix: use e.g. "500m" or "2".`
 */
export class HardenedInputError extends Error {
  /** The path of the construct that rejected the input. */
  public readonly constructPath: string;
  /** The prop or field that was wrong, as a dotted path from the construct's props. */
  public readonly field: string;
  /** The offending value, rendered as JSON. */
  public readonly value: string;
  /** How to fix it. */
  public readonly fix: string;

  constructor(scope: IConstruct | string, field: string, value: unknown, problem: string, fix: string) {
    const constructPath = typeof scope === 'string' ? scope : scope.node.path;
    const rendered = renderValue(value);
    super(`[${constructPath}] ${field}: ${rendered} ${problem}. Fix: ${fix}`);
    this.name = 'HardenedInputError';
    this.constructPath = constructPath;
    this.field = field;
    this.value = rendered;
    this.fix = fix;
  }
}

function renderValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/** The error of a synthesis that failed; lists every error, `[construct path] message`, like cdk8s. */
export class SynthValidationError extends Error {
  /** Every error, `[construct path] message`. */
  public readonly errors: readonly string[];

  constructor(errors: readonly string[], heading = 'Validation failed with the following errors') {
    super(`${heading}:\n  ${errors.join('\n  ')}`);
    this.name = 'SynthValidationError';
    this.errors = errors;
  }
}
