import * as net from 'net';
import { IConstruct } from 'constructs';
import { HardenedInputError } from './errors';

// Private module: input validators shared by every construct. Each throws a HardenedInputError
// naming the construct, the field, the value and the fix; each returns the value it accepted.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** The Kubernetes resource.Quantity grammar (apimachinery), without exponent forms beyond e/E. */
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const DIGEST_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const TAG_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}$/;

/** A DNS-1123 label (Namespace, Service, container names): at most 63 characters. */
export function dnsLabel(scope: IConstruct, field: string, value: string): string {
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

/** Label keys and values, as the API server validates them. */
export function labels(scope: IConstruct, field: string, value: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) {
      throw new HardenedInputError(scope, `${field}[${JSON.stringify(key)}]`, key, 'is not a valid label key',
        'use an optional DNS subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."');
    }
    const v = value[key];
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      throw new HardenedInputError(scope, `${field}[${JSON.stringify(key)}]`, v, 'is not a valid label value',
        'use at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric');
    }
    out[key] = v;
  }
  return out;
}

/** A whole number within [min, max]. */
export function integer(scope: IConstruct, field: string, value: number, min: number, max: number, fix?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HardenedInputError(scope, field, value, `is not a whole number from ${min} to ${max}`,
      fix ?? `use a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A TCP/UDP/SCTP port number. */
export function port(scope: IConstruct, field: string, value: number): number {
  return integer(scope, field, value, 1, 65535, 'use a port number from 1 to 65535');
}

/** A Kubernetes resource quantity such as `250m`, `1`, `512Mi`. Returns its value in base units. */
export function quantity(scope: IConstruct, field: string, value: string): number {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a Kubernetes quantity',
      'use a number with an optional suffix, e.g. "250m" or "1" for cpu, "256Mi" or "1Gi" for memory');
  }
  return parseQuantity(value);
}

const SUFFIX: Record<string, number> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity that already matched the grammar. */
export function parseQuantity(value: string): number {
  const m = /^[+]?((?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(value)!;
  const base = Number(m[1]);
  const suffix = m[2];
  if (suffix === '') return base;
  if (suffix[0] === 'e' || suffix[0] === 'E') return base * 10 ** Number(suffix.slice(1));
  return base * SUFFIX[suffix];
}

/** A container image reference pinned by digest: `registry/name@sha256:<64 hex>`. */
export function digestImage(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !DIGEST_IMAGE.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not an image reference pinned by digest',
      'pin the image as "registry/name@sha256:<64 lowercase hex digits>" (e.g. from `crane digest`), or use ContainerImage.fromTag(ref, { reason }) to accept a mutable tag explicitly');
  }
  return value;
}

/** A container image reference with an explicit tag (no digest). */
export function taggedImage(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !TAG_IMAGE.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not an image reference with an explicit tag',
      'write "registry/name:tag"; an untagged reference silently means ":latest"');
  }
  if (value.endsWith(':latest')) {
    throw new HardenedInputError(scope, field, value, 'uses the tag "latest", which changes under you',
      'pin a digest with ContainerImage.fromDigest, or at least a versioned tag');
  }
  return value;
}

/** A non-empty sentence explaining an exception to a default. */
export function reason(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.trim().length < 10) {
    throw new HardenedInputError(scope, field, value, 'is not a meaningful reason',
      'write a sentence (10 characters or more) that tells a reviewer why the exception is safe');
  }
  return value.trim();
}

/**
 * An IPv4 or IPv6 CIDR block in canonical form (no host bits set). Returns the block.
 * `10.0.0.0/33`, `300.1.1.1/32`, `0.0.0.0/0/32` and `10.0.0.1/8` are rejected.
 */
export function cidr(scope: IConstruct, field: string, value: string): string {
  const bad = (problem: string, fix: string) => new HardenedInputError(scope, field, value, problem, fix);
  const example = 'write an address and a prefix length, e.g. "10.0.0.0/8" or "2001:db8::/32"';
  if (typeof value !== 'string') throw bad('is not a CIDR block', example);
  const parts = value.split('/');
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) throw bad('is not a CIDR block', example);
  const [address, prefixText] = parts;
  const prefix = Number(prefixText);
  if (net.isIPv4(address)) {
    if (prefix > 32) throw bad('has a prefix length above 32', 'use a prefix length from 0 to 32 for IPv4');
    const octets = address.split('.').map(Number);
    const bits = octets.reduce((acc, o) => acc * 256 + o, 0);
    const hostBits = 32 - prefix;
    const network = hostBits === 32 ? 0 : Math.floor(bits / 2 ** hostBits) * 2 ** hostBits;
    if (network !== bits) {
      const canonical = [24, 16, 8, 0].map(s => Math.floor(network / 2 ** s) % 256).join('.');
      throw bad('has host bits set', `write the network address, "${canonical}/${prefix}"`);
    }
    return value;
  }
  if (net.isIPv6(address)) {
    if (prefix > 128) throw bad('has a prefix length above 128', 'use a prefix length from 0 to 128 for IPv6');
    const words = expandIPv6(address);
    for (let bit = prefix; bit < 128; bit++) {
      if ((words[Math.floor(bit / 16)] >> (15 - (bit % 16))) & 1) {
        throw bad('has host bits set', `clear the address bits after the first ${prefix}`);
      }
    }
    return value;
  }
  throw bad('does not start with a valid IPv4 or IPv6 address', example);
}

function expandIPv6(address: string): number[] {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map(w => parseInt(w, 16));
}
