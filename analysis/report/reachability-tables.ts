/**
 * The report's reachability sections: the matrix (a list of allowed flows above a dozen
 * workloads), the flows to and from outside the inputs, and the Mermaid diagram. Pure.
 */
import { table, tableCell } from './markdown';
import { DiagramFlow, renderFlowDiagram } from './mermaid';
import { formatPorts } from './ports';
import { describeExternalPeer, type ReachabilityMatrix } from './reachability';
import { workloadKey, type WorkloadRef } from './workloads';

/** Short workload labels for matrix headers: `ns/name`, or `ns/Kind/name` where `ns/name` is ambiguous. */
function workloadLabels(workloads: readonly WorkloadRef[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const w of workloads) count.set(`${w.namespace}/${w.name}`, (count.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const w of workloads) {
    const short = `${w.namespace}/${w.name}`;
    out.set(workloadKey(w), (count.get(short) ?? 0) > 1 ? `${w.namespace}/${w.kind}/${w.name}` : short);
  }
  return out;
}


/** Above this many workloads the report lists the allowed flows instead of drawing the N×N matrix. */
export const MATRIX_MAX_WORKLOADS = 12;

/** `8080/TCP`, or `8080/TCP, 15020/TCP (without mTLS: 15020/TCP)` when some ports bypass the proxy. */
function withBypass(ports: Parameters<typeof formatPorts>[0], bypass: Parameters<typeof formatPorts>[0] | undefined): string {
  return bypass === undefined ? formatPorts(ports) : `${formatPorts(ports)} (without mTLS: ${formatPorts(bypass)})`;
}

/**
 * The rows of the flow list, grouped so that its size grows with what is declared, not with the
 * pairs: a source's flows to every workload of a namespace on the same ports are one row
 * ("every workload of `ns` (N)"), and the sources of a namespace whose rows are all the same are
 * one row too. A namespace without NetworkPolicies is then one line, not N² (every pair allowed).
 */
function flowRows(matrix: ReachabilityMatrix, labels: ReadonlyMap<string, string>): string[][] {
  const perNamespace = new Map<string, number>();
  for (const w of matrix.workloads) perNamespace.set(w.namespace, (perNamespace.get(w.namespace) ?? 0) + 1);
  const every = (ns: string) => `every workload of \`${ns}\` (${perNamespace.get(ns)})`;
  // per source: its destinations, grouped by namespace and ports
  const bySource = new Map<string, { from: WorkloadRef; groups: Map<string, { ns: string; ports: string; to: WorkloadRef[] }> }>();
  for (const e of matrix.edges) {
    const key = workloadKey(e.from);
    const source = bySource.get(key) ?? { from: e.from, groups: new Map() };
    bySource.set(key, source);
    const ports = withBypass(e.ports, e.bypass);
    const g = source.groups.get(`${e.to.namespace}\0${ports}`) ?? { ns: e.to.namespace, ports, to: [] };
    source.groups.set(`${e.to.namespace}\0${ports}`, g);
    g.to.push(e.to);
  }
  const rowsOf = (groups: Iterable<{ ns: string; ports: string; to: WorkloadRef[] }>): [string, string][] => [...groups].flatMap(g =>
    g.to.length === perNamespace.get(g.ns) && g.to.length > 1 ? [[every(g.ns), g.ports] as [string, string]] : g.to.map(t => [labels.get(workloadKey(t)) ?? '', g.ports] as [string, string]));
  const summaries = [...bySource.values()].map(s => ({ from: s.from, rows: rowsOf(s.groups.values()) }));
  // sources of one namespace with the same rows, all of them: one row
  const byNamespaceAndRows = new Map<string, typeof summaries>();
  for (const s of summaries) {
    const key = `${s.from.namespace}\0${JSON.stringify(s.rows)}`;
    byNamespaceAndRows.set(key, [...(byNamespaceAndRows.get(key) ?? []), s]);
  }
  const out: string[][] = [];
  const done = new Set<string>();
  for (const s of summaries) {
    const key = `${s.from.namespace}\0${JSON.stringify(s.rows)}`;
    const group = byNamespaceAndRows.get(key)!;
    const whole = group.length === perNamespace.get(s.from.namespace) && group.length > 1;
    if (whole && done.has(key)) continue;
    done.add(key);
    const from = whole ? every(s.from.namespace) : labels.get(workloadKey(s.from)) ?? '';
    for (const [to, ports] of s.rows) out.push([tableCell(from), tableCell(to), tableCell(ports)]);
  }
  return out;
}

export function renderMatrix(matrix: ReachabilityMatrix): string[] {
  const out: string[] = ['### Workload to workload', ''];
  if (matrix.workloads.length === 0) {
    out.push('_No workloads._');
    return out;
  }
  const labels = workloadLabels(matrix.workloads);
  if (matrix.workloads.length > MATRIX_MAX_WORKLOADS) {
    // a matrix of this size is unreadable and grows with the square: list the allowed flows
    out.push(`${matrix.edges.length} allowed flow${matrix.edges.length === 1 ? '' : 's'} between ${matrix.workloads.length} workloads (a list instead of the matrix above ${MATRIX_MAX_WORKLOADS} workloads); every pair not listed is denied.`, '');
    if (matrix.edges.length > 0) out.push(table(['From', 'To', 'Ports'], flowRows(matrix, labels)));
    return out;
  }
  const cell = new Map(matrix.edges.map((e) => [`${workloadKey(e.from)} -> ${workloadKey(e.to)}`, withBypass(e.ports, e.bypass)]));
  out.push('Rows are sources, columns destinations; `—` means no connection is allowed.', '');
  const header = ['from \\ to', ...matrix.workloads.map((w) => tableCell(labels.get(workloadKey(w)) ?? ''))];
  const rows = matrix.workloads.map((src) => [
    `**${tableCell(labels.get(workloadKey(src)) ?? '')}**`,
    ...matrix.workloads.map((dst) => tableCell(cell.get(`${workloadKey(src)} -> ${workloadKey(dst)}`) ?? '—')),
  ]);
  out.push(table(header, rows));
  return out;
}

export function renderExternal(matrix: ReachabilityMatrix): string[] {
  const out: string[] = ['### To and from outside the inputs', ''];
  if (matrix.external.length === 0) {
    out.push('None.');
    return out;
  }
  const labels = workloadLabels(matrix.workloads);
  out.push(
    table(
      ['Workload', 'Direction', 'Peer', 'Ports'],
      matrix.external.map((f) => [
        tableCell(labels.get(workloadKey(f.workload)) ?? ''),
        f.direction,
        tableCell(describeExternalPeer(f.peer)),
        tableCell(withBypass(f.ports, f.bypass)),
      ]),
    ),
  );
  return out;
}

export function renderMermaid(matrix: ReachabilityMatrix, maxEdges: number): string[] {
  const flows: DiagramFlow[] = [
    ...matrix.edges.map((e): DiagramFlow => ({ from: { type: 'workload', workload: e.from }, to: { type: 'workload', workload: e.to }, ports: e.ports, style: 'solid' })),
    ...matrix.external.map((f): DiagramFlow => {
      const wl = { type: 'workload', workload: f.workload } as const;
      const ext = { type: 'external', peer: f.peer } as const;
      return f.direction === 'egress' ? { from: wl, to: ext, ports: f.ports, style: 'solid' } : { from: ext, to: wl, ports: f.ports, style: 'solid' };
    }),
  ];
  return [...renderFlowDiagram(matrix.workloads, flows, { maxEdges }).lines];
}

/**
 * Renders the Markdown security report for `objects` (synthesized Kubernetes objects).
 * Deterministic: the same objects and options always give byte-identical output.
 */
