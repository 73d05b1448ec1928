import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Object and DNS names, as apimachinery validates them (IsDNS1123Label, IsDNS1123Subdomain,
// IsDNS1035Label, IsQualifiedName).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A DNS-1123 label (Namespace, Service, container names): at most 63 characters. */
export function dnsLabel(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a valid DNS-1123 label',
      'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. "web-api"');
  }
  return value;
}

/** A DNS-1123 subdomain (most object names): at most 253 characters. */
export function dnsSubdomain(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a valid DNS-1123 subdomain',
      'use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, e.g. "web-api"');
  }
  return value;
}

/** A DNS-1035 label (Service names): like a DNS-1123 label, but starting with a letter. */
export function dns1035Label(scope: IConstruct, field: string, value: string, fix = 'start the name with a lowercase letter, e.g. "web-api"'): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1035_LABEL.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a valid Service name (a DNS-1035 label must start with a letter)', fix);
  }
  return value;
}

/** Whether `key` is a qualified name: an optional DNS-1123 subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or ".". */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return !((prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !QUALIFIED_NAME.test(name));
}

/**
 * `id` if `scope` has no child of that id yet: the constructs library would otherwise throw
 * "There is already a Construct with name ..." without the field or the fix.
 */
export function freeId(scope: IConstruct, id: string): string {
  if (scope.node.tryFindChild(id) !== undefined) {
    throw new HardenedInputError(scope, 'id', id, `is already the id of another construct in ${scope.node.path || 'the app'}`, 'give each construct in a scope its own id (it also names the objects)');
  }
  return id;
}

/** The name of `names` with the smallest edit distance to `name`, if it is close (at most a third of its length). */
export function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
