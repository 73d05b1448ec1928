import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';
import { isQualifiedName } from './names';

// Annotations (apimachinery ValidateAnnotations: qualified-name keys, keys and values together
// at most 256 KiB per object).

/** The most bytes the keys and values of an object's annotations may take together. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** What is wrong with an object's annotations, or `undefined` when the API server accepts them. */
export function annotationsProblem(annotations: Readonly<Record<string, unknown>> | undefined): { field: string; value: unknown; problem: string; fix: string } | undefined {
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!isQualifiedName(key)) {
      return { field: `metadata.annotations[${JSON.stringify(key)}]`, value: key, problem: 'is not a valid annotation key (a qualified name)', fix: 'use an optional DNS subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."' };
    }
    total += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    return { field: 'metadata.annotations', value: `${total} bytes`, problem: `is more than the ${TOTAL_ANNOTATION_SIZE_LIMIT_BYTES} bytes the API server accepts`, fix: 'shorten the reasons of exceptions and tag-accepted images, or split the workload' };
  }
  return undefined;
}

/** Validates an object's annotations. */
export function annotations(scope: IConstruct, field: string, value: Readonly<Record<string, unknown>> | undefined): void {
  const problem = annotationsProblem(value);
  if (problem) throw new HardenedInputError(scope, `${field}.${problem.field}`, problem.value, problem.problem, problem.fix);
}
