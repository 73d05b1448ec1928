/**
 * Mermaid flowcharts of flows between workloads and peers outside the inputs, for the security
 * report (every allowed flow) and for `diff` (the changed flows only). They stay legible as the
 * blueprint grows:
 *
 * - up to {@link FlowDiagramOptions.namespaceViewAbove} workloads (default 30), one node per
 *   workload inside its namespace's subgraph; a flow that every workload of a namespace of at least
 *   three has (same peer, direction, ports and style: cluster DNS, the mesh control plane) is drawn
 *   once, from or to the namespace's subgraph; above 10 workloads, peers outside the inputs get
 *   short labels (`kube-system: k8s-app=kube-dns`);
 * - above it, one node per namespace (`backend · 12 workloads`) and one edge per pair of nodes and
 *   style, labelled with the number of flows and their ports (the first three, then `+n`); the
 *   tables carry the detail;
 * - a diagram that would still exceed `maxEdges` edges or `maxChars` characters (Mermaid's defaults
 *   are 500 and 50,000) is replaced by a note.
 *
 * Ids are injective encodings of what they name ({@link mermaidIdFragment}), so they never collide.
 */
import { describeExternalPeer, externalPeerKey } from './reachability';
import type { ExternalPeer } from './reachability-layer';
import { AllowedPorts, formatPortSpec, formatPorts, normalizePorts, unionPorts } from './ports';
import { mermaidIdFragment, mermaidLabel, stableHash } from './markdown';
import { compareStrings } from './read';
import { workloadKey, WorkloadRef } from './workloads';

/** One end of a drawn flow. */
export type DiagramEnd = { readonly type: 'workload'; readonly workload: WorkloadRef } | { readonly type: 'external'; readonly peer: ExternalPeer };

/** One drawn flow: solid (allowed, or added in a diff) or dashed (removed in a diff). */
export interface DiagramFlow {
  readonly from: DiagramEnd;
  readonly to: DiagramEnd;
  readonly ports: AllowedPorts;
  readonly style: 'solid' | 'dashed';
  /** Prefix of the port label (`+`, `−`), default none. */
  readonly labelPrefix?: string;
}

/** Options of {@link renderFlowDiagram}. */
export interface FlowDiagramOptions {
  /** Above this many workloads, one node per namespace. Default 30. */
  readonly namespaceViewAbove?: number;
  /** Above this many drawn edges, a note instead of the diagram. Default 400. */
  readonly maxEdges?: number;
  /** Above this many characters of Mermaid text, a note instead of the diagram. Default 50,000. */
  readonly maxChars?: number;
  /**
   * How many workloads each namespace has in all, when `workloads` is a part of them (the diff
   * draws only the workloads of changed flows): a flow is drawn once per namespace only when all
   * of them have it.
   * @default - the workloads given
   */
  readonly namespaceSizes?: ReadonlyMap<string, number>;
}

/** What {@link renderFlowDiagram} drew. */
export interface FlowDiagram {
  /** Markdown lines: a fenced `mermaid` block, or a one-line note when the diagram is omitted. */
  readonly lines: readonly string[];
  readonly view: 'workloads' | 'namespaces' | 'omitted';
  /** Edges drawn (0 when omitted). */
  readonly edges: number;
  /** Characters of the Mermaid text (inside the fence; 0 when omitted). */
  readonly chars: number;
}

/** Default workload count above which diagrams show namespaces. */
export const NAMESPACE_VIEW_ABOVE = 30;
/** Workload count up to which peers outside the inputs keep their full description. */
const FULL_LABELS_UP_TO = 10;
/** Smallest namespace whose shared flows are drawn once. */
const SHARED_FLOW_MIN_WORKLOADS = 3;

/** A short label for a peer outside the inputs: `any`, the CIDR, or `<namespace>: <pod selector>`. */
export function shortPeerLabel(peer: ExternalPeer): string {
  switch (peer.type) {
    case 'any':
      return 'any';
    case 'ipBlock':
      return peer.except.length > 0 ? `${peer.cidr} (except ${peer.except.length})` : peer.cidr;
    case 'selector': {
      const m = /^(all pods|pods matching \{(.*)\}) in (namespace (\S+)|any namespace|namespaces matching \{(.*)\}) \(not among the inputs\)$/.exec(peer.description);
      if (!m) return peer.description;
      const pods = m[2] ?? '*';
      const ns = m[4] ?? (m[5] !== undefined ? `{${m[5]}}` : '*');
      return `${ns}: ${pods}`;
    }
  }
}

function externalNodeId(peer: ExternalPeer): string {
  switch (peer.type) {
    case 'any':
      return 'ext_any';
    case 'ipBlock':
      return `ext_cidr_${mermaidIdFragment(`${peer.cidr}${peer.except.length > 0 ? ` except ${peer.except.join(',')}` : ''}`)}`;
    case 'selector':
      // Descriptions are long; a hash keeps the id short and still derived from the peer only.
      return `ext_sel_${stableHash(peer.description)}`;
  }
}

const nsId = (ns: string): string => `ns_${mermaidIdFragment(ns)}`;

function arrow(style: 'solid' | 'dashed'): string {
  return style === 'solid' ? '-->' : '-.->';
}

/** Ports for an aggregated label: the first three specs, then `+n`. */
function shortPorts(ports: AllowedPorts): string {
  const n = normalizePorts(ports);
  if (n === 'all') return 'all';
  const shown = n.slice(0, 3).map(formatPortSpec).join(', ');
  return n.length > 3 ? `${shown} +${n.length - 3}` : shown;
}

function finish(body: string[], edges: number, view: 'workloads' | 'namespaces', options: FlowDiagramOptions): FlowDiagram {
  const maxEdges = options.maxEdges ?? 400;
  const maxChars = options.maxChars ?? 50_000;
  if (edges > maxEdges) {
    return { lines: [`_Diagram omitted: ${edges} edges exceed the limit of ${maxEdges}._`], view: 'omitted', edges: 0, chars: 0 };
  }
  const text = body.join('\n');
  if (text.length > maxChars) {
    return { lines: [`_Diagram omitted: ${text.length} characters exceed the limit of ${maxChars}._`], view: 'omitted', edges: 0, chars: 0 };
  }
  return { lines: ['```mermaid', ...body, '```'], view, edges, chars: text.length };
}

/**
 * Draws `flows` between `workloads` (every workload gets a node, with or without flows) and the
 * peers outside the inputs that the flows name. Flows are drawn in the order given.
 */
export function renderFlowDiagram(workloads: readonly WorkloadRef[], flows: readonly DiagramFlow[], options: FlowDiagramOptions = {}): FlowDiagram {
  const above = options.namespaceViewAbove ?? NAMESPACE_VIEW_ABOVE;
  return workloads.length > above ? namespaceView(workloads, flows, options) : workloadView(workloads, flows, options);
}

function peerNodes(flows: readonly DiagramFlow[], label: (p: ExternalPeer) => string): string[] {
  const peers = new Map<string, ExternalPeer>();
  for (const f of flows) for (const end of [f.from, f.to]) if (end.type === 'external') peers.set(externalPeerKey(end.peer), end.peer);
  return [...peers.keys()].sort(compareStrings).map((key) => {
    const peer = peers.get(key)!;
    return `  ${externalNodeId(peer)}(["${mermaidLabel(label(peer))}"])`;
  });
}

function workloadView(workloads: readonly WorkloadRef[], flows: readonly DiagramFlow[], options: FlowDiagramOptions): FlowDiagram {
  // Node ids: `wl_<ns>__<name>` (plus `__<Kind>` when two workloads share namespace and name).
  const shortCount = new Map<string, number>();
  for (const w of workloads) shortCount.set(`${w.namespace}/${w.name}`, (shortCount.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
  const ids = new Map<string, string>();
  for (const w of workloads) {
    const base = `wl_${mermaidIdFragment(w.namespace)}__${mermaidIdFragment(w.name)}`;
    ids.set(workloadKey(w), (shortCount.get(`${w.namespace}/${w.name}`) ?? 0) > 1 ? `${base}__${mermaidIdFragment(w.kind)}` : base);
  }
  const label = workloads.length > FULL_LABELS_UP_TO ? shortPeerLabel : describeExternalPeer;
  const lines: string[] = ['flowchart LR'];
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const members = new Map<string, Set<string>>();
  for (const w of workloads) {
    const set = members.get(w.namespace) ?? new Set<string>();
    set.add(workloadKey(w));
    members.set(w.namespace, set);
  }
  for (const ns of namespaces) {
    lines.push(`  subgraph ${nsId(ns)}["${mermaidLabel(ns)}"]`);
    for (const w of workloads.filter((x) => x.namespace === ns)) {
      lines.push(`    ${ids.get(workloadKey(w))}["${mermaidLabel(`${w.name} (${w.kind})`)}"]`);
    }
    lines.push('  end');
  }
  lines.push(...peerNodes(flows, label));

  const endId = (e: DiagramEnd): string => (e.type === 'workload' ? ids.get(workloadKey(e.workload)) ?? '' : externalNodeId(e.peer));
  const text = (f: DiagramFlow): string => `${f.labelPrefix ?? ''}${formatPorts(f.ports)}`;
  // shared flows: every workload of a namespace (of at least three) has the same flow to or from one end
  const collapsed = new Map<DiagramFlow, { side: 'from' | 'to'; id: string } | 'hidden'>();
  for (const side of ['from', 'to'] as const) {
    const other = side === 'from' ? 'to' : 'from';
    const groups = new Map<string, DiagramFlow[]>();
    for (const f of flows) {
      const end = f[side];
      if (end.type !== 'workload' || collapsed.has(f)) continue;
      const key = `${end.workload.namespace}\u0000${endId(f[other])}\u0000${f.style}\u0000${text(f)}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const group of groups.values()) {
      const first = group[0]![side];
      if (first.type !== 'workload') continue;
      const all = members.get(first.workload.namespace) ?? new Set<string>();
      const covered = new Set(group.map((f) => endId(f[side])));
      const size = options.namespaceSizes?.get(first.workload.namespace) ?? all.size;
      if (size < SHARED_FLOW_MIN_WORKLOADS || covered.size !== size) continue;
      group.forEach((f, i) => collapsed.set(f, i === 0 ? { side, id: nsId(first.workload.namespace) } : 'hidden'));
    }
  }
  let edges = 0;
  for (const f of flows) {
    const c = collapsed.get(f);
    if (c === 'hidden') continue;
    const from = c?.side === 'from' ? c.id : endId(f.from);
    const to = c?.side === 'to' ? c.id : endId(f.to);
    lines.push(`  ${from} ${arrow(f.style)}|"${mermaidLabel(text(f))}"| ${to}`);
    edges++;
  }
  return finish(lines, edges, 'workloads', options);
}

function namespaceView(workloads: readonly WorkloadRef[], flows: readonly DiagramFlow[], options: FlowDiagramOptions): FlowDiagram {
  const lines: string[] = ['flowchart LR'];
  const count = new Map<string, number>();
  for (const w of workloads) count.set(w.namespace, (count.get(w.namespace) ?? 0) + 1);
  for (const ns of [...count.keys()].sort(compareStrings)) {
    const n = count.get(ns)!;
    lines.push(`  ${nsId(ns)}["${mermaidLabel(`${ns} · ${n} ${n === 1 ? 'workload' : 'workloads'}`)}"]`);
  }
  lines.push(...peerNodes(flows, shortPeerLabel));
  const endId = (e: DiagramEnd): string => (e.type === 'workload' ? nsId(e.workload.namespace) : externalNodeId(e.peer));
  const agg = new Map<string, { from: string; to: string; style: 'solid' | 'dashed'; prefix: string; n: number; ports: AllowedPorts }>();
  for (const f of flows) {
    const from = endId(f.from);
    const to = endId(f.to);
    const key = `${from}\u0000${to}\u0000${f.style}\u0000${f.labelPrefix ?? ''}`;
    const prev = agg.get(key);
    agg.set(key, prev ? { ...prev, n: prev.n + 1, ports: unionPorts(prev.ports, f.ports) } : { from, to, style: f.style, prefix: f.labelPrefix ?? '', n: 1, ports: f.ports });
  }
  for (const key of [...agg.keys()].sort(compareStrings)) {
    const a = agg.get(key)!;
    const label = `${a.prefix}${a.n} ${a.n === 1 ? 'flow' : 'flows'}: ${shortPorts(a.ports)}`;
    lines.push(`  ${a.from} ${arrow(a.style)}|"${mermaidLabel(label)}"| ${a.to}`);
  }
  return finish(lines, agg.size, 'namespaces', options);
}
