import { IConstruct } from 'constructs';
import { reasonProblem } from '../../policy/rules/exceptions';
import { HardenedInputError } from '../errors';

// Reasons for exceptions to a default (a tag instead of a digest, a lowered Pod Security level):
// the same test as a PolicyException's reason, so "TODO" is never a reason.

/** A sentence explaining an exception to a default: 10 characters and three words or more, not boilerplate. */
export function reason(scope: IConstruct, field: string, value: string): string {
  const problem = reasonProblem(value);
  if (problem !== undefined) {
    throw new HardenedInputError(scope, field, value, `is not a meaningful reason: it ${problem}`,
      'write a sentence (10 characters and three words or more) that tells a reviewer why the exception is safe');
  }
  return value.trim();
}
