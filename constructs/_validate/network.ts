import * as net from 'net';
import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Network addresses (apimachinery ValidateCIDR under strict validation, networking/v1 IPBlock).

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
    if (/^::ffff:(\d+\.\d+\.\d+\.\d+|[0-9a-f]{1,4}:[0-9a-f]{1,4})$/i.test(address)) {
      throw bad('is an IPv4-mapped IPv6 block, which strict CIDR validation refuses', 'write the IPv4 block itself, e.g. "10.0.0.0/8"');
    }
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

/** The address bits of an IPv4 or IPv6 CIDR that passed {@link cidr}, and its prefix length. */
function bitsOf(block: string): { v6: boolean; bits: bigint; prefix: number } {
  const [address, prefixText] = block.split('/');
  if (net.isIPv4(address)) {
    return { v6: false, bits: address.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n), prefix: Number(prefixText) };
  }
  return { v6: true, bits: expandIPv6(address).reduce((acc, w) => (acc << 16n) | BigInt(w), 0n), prefix: Number(prefixText) };
}

/**
 * An `except` block of an ipBlock: a valid CIDR inside `cidr`, of the same family, and smaller
 * (networking/v1 ValidateIPBlock: "must be a strict subset of cidr").
 */
export function exceptBlock(scope: IConstruct, field: string, value: string, within: string): string {
  cidr(scope, field, value);
  const inner = bitsOf(value);
  const outer = bitsOf(within);
  const width = outer.v6 ? 128 : 32;
  const inside = inner.v6 === outer.v6 && inner.prefix > outer.prefix
    && (inner.bits >> BigInt(width - outer.prefix)) === (outer.bits >> BigInt(width - outer.prefix));
  if (!inside) {
    throw new HardenedInputError(scope, field, value, `is not a strict subset of the block ${within}`, `list only blocks inside ${within} with a longer prefix, or drop the except`);
  }
  return value;
}
