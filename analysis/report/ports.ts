import { compareStrings } from './read';

/** A NetworkPolicy protocol. Kubernetes defaults an absent protocol to `TCP`. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** All protocols a NetworkPolicy port can name, in display order. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** The highest port number. */
export const MAX_PORT = 65535;

/**
 * One allowed port or port range on one protocol.
 *
 * - `port` numeric, no `endPort`: a single port;
 * - `port` numeric with `endPort`: the inclusive range `port..endPort`;
 * - `port` a string: a named port that could not be resolved to a number because the
 *   destination is outside the inputs (an IP block or an unknown pod).
 */
export interface PortSpec {
  readonly protocol: Protocol;
  readonly port: number | string;
  readonly endPort?: number;
}

/** The ports on which a flow is allowed: every port of every protocol, or a list (possibly empty). */
export type AllowedPorts = 'all' | readonly PortSpec[];

/** The empty set of ports. */
export const NO_PORTS: readonly PortSpec[] = [];

/** Whether no port at all is allowed. */
export function isEmptyPorts(ports: AllowedPorts): boolean {
  return ports !== 'all' && ports.length === 0;
}

interface Range {
  lo: number;
  hi: number;
}

function protocolRank(p: Protocol): number {
  return PROTOCOLS.indexOf(p);
}

function rangesOf(specs: readonly PortSpec[], protocol: Protocol): Range[] {
  const out: Range[] = [];
  for (const s of specs) {
    if (s.protocol !== protocol || typeof s.port !== 'number') continue;
    const hi = s.endPort !== undefined && s.endPort > s.port ? s.endPort : s.port;
    out.push({ lo: s.port, hi });
  }
  return out;
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) {
      last.hi = Math.max(last.hi, r.hi);
    } else {
      out.push({ lo: r.lo, hi: r.hi });
    }
  }
  return out;
}

function namedOf(specs: readonly PortSpec[], protocol: Protocol): string[] {
  const names = new Set<string>();
  for (const s of specs) if (s.protocol === protocol && typeof s.port === 'string') names.add(s.port);
  return [...names].sort(compareStrings);
}

/**
 * Canonical form of a port list: per protocol (TCP, UDP, SCTP) the numeric ranges merged
 * (overlapping and adjacent ranges joined) and sorted, followed by the named ports sorted.
 */
export function normalizePorts(ports: AllowedPorts): AllowedPorts {
  if (ports === 'all') return 'all';
  const out: PortSpec[] = [];
  for (const protocol of PROTOCOLS) {
    for (const r of mergeRanges(rangesOf(ports, protocol))) {
      out.push(r.hi > r.lo ? { protocol, port: r.lo, endPort: r.hi } : { protocol, port: r.lo });
    }
    for (const name of namedOf(ports, protocol)) out.push({ protocol, port: name });
  }
  return out;
}

/** The union of two port sets (normalized). */
export function unionPorts(a: AllowedPorts, b: AllowedPorts): AllowedPorts {
  if (a === 'all' || b === 'all') return 'all';
  return normalizePorts([...a, ...b]);
}

/**
 * The intersection of two port sets (normalized). Numeric ranges intersect numerically; a
 * named (unresolved) port only survives when the other side is `all` or has the same name.
 */
export function intersectPorts(a: AllowedPorts, b: AllowedPorts): AllowedPorts {
  if (a === 'all') return normalizePorts(b);
  if (b === 'all') return normalizePorts(a);
  const out: PortSpec[] = [];
  for (const protocol of PROTOCOLS) {
    const ra = mergeRanges(rangesOf(a, protocol));
    const rb = mergeRanges(rangesOf(b, protocol));
    for (const x of ra) {
      for (const y of rb) {
        const lo = Math.max(x.lo, y.lo);
        const hi = Math.min(x.hi, y.hi);
        if (lo <= hi) out.push(hi > lo ? { protocol, port: lo, endPort: hi } : { protocol, port: lo });
      }
    }
    const nb = new Set(namedOf(b, protocol));
    for (const name of namedOf(a, protocol)) if (nb.has(name)) out.push({ protocol, port: name });
  }
  return normalizePorts(out);
}

/** Formats one port spec: `8080/TCP`, `8000-8100/TCP`, `http/TCP`. */
export function formatPortSpec(p: PortSpec): string {
  const num = p.endPort !== undefined && typeof p.port === 'number' && p.endPort > p.port ? `${p.port}-${p.endPort}` : `${p.port}`;
  return `${num}/${p.protocol}`;
}

/** Formats a port set: `all`, `—` when empty, else the normalized specs joined by `, `. */
export function formatPorts(ports: AllowedPorts): string {
  const n = normalizePorts(ports);
  if (n === 'all') return 'all';
  if (n.length === 0) return '—';
  return n.map(formatPortSpec).join(', ');
}

/** Total order on port specs used for deterministic output. */
export function comparePortSpecs(a: PortSpec, b: PortSpec): number {
  const p = protocolRank(a.protocol) - protocolRank(b.protocol);
  if (p !== 0) return p;
  if (typeof a.port === 'number' && typeof b.port === 'number') return a.port - b.port || (a.endPort ?? a.port) - (b.endPort ?? b.port);
  if (typeof a.port === 'number') return -1;
  if (typeof b.port === 'number') return 1;
  return compareStrings(a.port, b.port);
}

/**
 * The ports of `a` that are not in `b` (normalized), for numeric ports. `'all'` is taken as every
 * port of every protocol. Named (unresolved) ports of `a` are kept unless `b` is `'all'` or names them.
 */
export function subtractPorts(a: AllowedPorts, b: AllowedPorts): AllowedPorts {
  if (b === 'all') return NO_PORTS;
  const full: PortSpec[] = PROTOCOLS.map((protocol) => ({ protocol, port: 1, endPort: MAX_PORT }));
  const left: readonly PortSpec[] = a === 'all' ? full : a;
  const out: PortSpec[] = [];
  for (const protocol of PROTOCOLS) {
    const cut = mergeRanges(rangesOf(b, protocol));
    for (const r of mergeRanges(rangesOf(left, protocol))) {
      let lo = r.lo;
      for (const c of cut) {
        if (c.hi < lo || c.lo > r.hi) continue;
        if (c.lo > lo) out.push({ protocol, port: lo, endPort: c.lo - 1 });
        lo = Math.max(lo, c.hi + 1);
      }
      if (lo <= r.hi) out.push({ protocol, port: lo, endPort: r.hi });
    }
    const nb = new Set(namedOf(b, protocol));
    for (const name of namedOf(left, protocol)) if (!nb.has(name)) out.push({ protocol, port: name });
  }
  return normalizePorts(out);
}

/** Whether two port sets are equal as sets (after normalization; `'all'` equals the full range of every protocol). */
export function samePorts(a: AllowedPorts, b: AllowedPorts): boolean {
  return isEmptyPorts(subtractPorts(a, b)) && isEmptyPorts(subtractPorts(b, a));
}
