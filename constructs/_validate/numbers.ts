import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Whole numbers within bounds: replica counts, ids, seconds (durations are whole seconds in the
// Kubernetes API), percentages.

/** A whole number within [min, max]. */
export function integer(scope: IConstruct | string, field: string, value: number, min: number, max: number, fix?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HardenedInputError(scope, field, value, `is not a whole number from ${min} to ${max}`,
      fix ?? `use a whole number from ${min} to ${max}`);
  }
  return value;
}
