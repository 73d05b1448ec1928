import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// File system paths in containers (mount paths, writable paths): absolute, below /, no `..`.

const ABSOLUTE_PATH = /^\/[A-Za-z0-9._\-/]*$/;

/** An absolute path below `/` without `..` segments; `fix` shows an example fitting the field. */
export function absolutePath(scope: IConstruct | string, field: string, value: unknown, fix: string): string {
  if (typeof value !== 'string' || !ABSOLUTE_PATH.test(value) || value.split('/').includes('..') || value === '/') {
    throw new HardenedInputError(scope, field, value, 'is not an absolute path below /', fix);
  }
  return value;
}

/** The path a mount lands on, for comparing two of them: `/data/` and `/data` are one directory. */
export function mountKey(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
