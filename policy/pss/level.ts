import type { PssLevel } from './types';

/** All Pod Security Standards levels, from the least to the most restrictive. */
export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

const LEVEL_SET: ReadonlySet<string> = new Set(PSS_LEVELS);

/** Whether `value` is one of the PSS level names (exact, lowercase, as upstream). */
export function isPssLevel(value: unknown): value is PssLevel {
  return typeof value === 'string' && LEVEL_SET.has(value);
}

/**
 * Parses a Pod Security Standards level name.
 *
 * @param input `privileged`, `baseline` or `restricted` (exact, as in the upstream labels).
 * @returns the level.
 * @throws Error naming the bad value and the accepted values.
 */
export function parsePssLevel(input: string): PssLevel {
  if (isPssLevel(input)) {
    return input;
  }
  throw new Error(`invalid Pod Security level ${JSON.stringify(input)}: expected one of ${PSS_LEVELS.join(', ')}`);
}
