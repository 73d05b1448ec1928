import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Hostnames of Gateway listeners and routes (gateway.networking.k8s.io/v1 `Hostname`).

/** The CRDs' own pattern for `listeners[].hostname` and `HTTPRoute.spec.hostnames[]`. */
const CRD_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Gateway API hostname: a lowercase DNS name of at least two labels, with an optional `*.` as
 * its whole leftmost label, no IP address, scheme, port or path. Returns it. The CRDs' pattern
 * refuses uppercase, a wildcard elsewhere and a port; it accepts `10.0.0.1` and `localhost`, which
 * the Gateway API says a hostname must not be (an IP is not matched by SNI or Host), so we refuse them.
 */
export function gatewayHostname(scope: IConstruct, field: string, value: unknown): string {
  const bad = (problem: string, fix: string) => new HardenedInputError(scope, field, value, problem, fix);
  if (typeof value !== 'string' || value === '') throw bad('is not a hostname', 'write a DNS name such as "shop.example.com"');
  if (/[A-Z]/.test(value)) throw bad('has uppercase letters, which the Gateway API refuses', `write it in lowercase, "${value.toLowerCase()}"`);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value) || value.includes('/')) throw bad('has a scheme or a path', 'give the hostname alone, e.g. "shop.example.com"');
  if (/:\d*$/.test(value) || value.includes(':')) throw bad('has a port (or is an IPv6 address); a hostname carries none', 'drop the port: the listener decides it');
  if (/^\d+(\.\d+){3}$/.test(value)) throw bad('is an IP address; SNI and the Host header match DNS names only', 'give the DNS name clients use');
  if (value.includes('*') && !/^\*\.[^*]+$/.test(value)) throw bad('has a wildcard that is not the whole leftmost label', 'write a wildcard as "*.example.com"');
  if (value.length > 253) throw bad(`is ${value.length} characters long, above 253`, 'use a shorter hostname');
  if (!CRD_HOSTNAME.test(value)) throw bad('is not a DNS name (lowercase letters, digits, "-" and "." only; labels start and end with a letter or digit)', 'write e.g. "shop.example.com" or "*.example.com"');
  const labels = value.split('.');
  if (labels.some(l => l.length > 63)) throw bad('has a label longer than 63 characters', 'shorten the label');
  if (labels.length < 2 || (labels[0] === '*' && labels.length < 3)) throw bad('is a single label; a public hostname has a domain', 'give the full name, e.g. "shop.example.com"');
  return value;
}

/**
 * Whether a listener hostname admits a route hostname (Gateway API hostname intersection): equal
 * names, or a wildcard listener `*.example.com` for any name below `example.com`. A listener
 * without a hostname admits every route hostname.
 */
export function listenerAdmits(listener: string | undefined, route: string): boolean {
  if (listener === undefined || listener === route) return true;
  if (listener.startsWith('*.')) return route.endsWith(listener.slice(1)) && route.length > listener.length - 1;
  return false;
}
