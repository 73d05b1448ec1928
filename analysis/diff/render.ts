/** Markdown (for a pull-request comment) and JSON renderings of a {@link SecurityDiff}. */
import { code, table, tableCell } from '../report/markdown';
import { DiagramFlow, renderFlowDiagram, type FlowDiagram, type FlowDiagramOptions } from '../report/mermaid';
import { compareStrings } from '../report/read';
import { compareWorkloadRefs, workloadKey, type WorkloadRef } from '../report/workloads';
import type { ReachabilityMatrix } from '../report/reachability';
import { DIFF_CATEGORIES, DiffEffect, DiffItem, SecurityDiff } from './model';

/** Options of {@link renderDiffMarkdown}. */
export interface DiffRenderOptions {
  /** How the old side is named in the summary (a path or `REV:path`). */
  readonly oldLabel?: string;
  /** How the new side is named. */
  readonly newLabel?: string;
  /** Whether to draw the changed flows. Default `true`. */
  readonly mermaid?: boolean;
  /** Diagram limits (see `renderFlowDiagram`). */
  readonly diagram?: FlowDiagramOptions;
}

const SECTION: Record<DiffEffect, string> = { opens: 'Opens or relaxes', tightens: 'Tightens', neutral: 'Neutral' };

/** The summary line: counts and the verdict. */
export function diffSummary(diff: SecurityDiff, options: DiffRenderOptions = {}): string {
  const c = diff.counts;
  const sides = options.oldLabel !== undefined && options.newLabel !== undefined ? ` (${code(options.oldLabel)} → ${code(options.newLabel)})` : '';
  if (diff.items.length === 0) return `**Security review: no security-relevant change**${sides}.`;
  const verdict = c.opens > 0 ? 'needs a security approval' : 'nothing opens or relaxes';
  return `**Security review: ${c.opens} ${c.opens === 1 ? 'change opens or relaxes' : 'changes open or relax'}, ${c.tightens} ${c.tightens === 1 ? 'tightens' : 'tighten'}, ${c.neutral} neutral — ${verdict}**${sides}.`;
}

/** Items that say the same thing (same area, change and message) about three or more subjects share one row. */
const GROUP_AT = 3;

function itemRows(items: readonly DiffItem[]): string {
  const groups = new Map<string, DiffItem[]>();
  items.forEach((i, n) => {
    const key = i.flow === undefined ? `${i.category}\u0000${i.change}\u0000${i.message}` : `#${n}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const rows: string[][] = [];
  for (const group of groups.values()) {
    const i = group[0]!;
    const area = i.category + (i.flow?.external ? ' (external)' : '') + (i.layer !== undefined ? `: ${i.layer}` : '');
    if (group.length < GROUP_AT) {
      for (const g of group) rows.push([area, code(g.subject), tableCell(g.policies ? `${g.message} — ${g.policies.join(', ')}` : g.message)]);
    } else {
      const names = group.map((g) => code(g.subject));
      const where = `${group.length} objects: ${names.slice(0, 2).join(', ')} and ${group.length - 2} more`;
      rows.push([area, where, tableCell(i.message)]);
    }
  }
  return table(['Area', 'Where', 'Change'], rows);
}

/** The changed flows as diagram flows: newly allowed solid, no longer allowed dashed. */
export function changedFlows(diff: SecurityDiff): { workloads: WorkloadRef[]; flows: DiagramFlow[] } {
  const flows: DiagramFlow[] = [];
  const workloads = new Map<string, WorkloadRef>();
  const ordered = [...diff.items].filter((i) => i.flow !== undefined && i.layer === undefined); // one layer's items are not end-to-end flows
  for (const i of ordered) {
    const f = i.flow!;
    for (const end of [f.from, f.to]) if (end.type === 'workload') workloads.set(workloadKey(end.workload), end.workload);
    const prefix = i.change === 'flow-widened' ? '+' : i.change === 'flow-narrowed' ? '−' : '';
    flows.push({ from: f.from, to: f.to, ports: f.ports, style: i.effect === 'opens' ? 'solid' : 'dashed', ...(prefix !== '' ? { labelPrefix: prefix } : {}) });
  }
  return { workloads: [...workloads.values()].sort(compareWorkloadRefs), flows };
}

/** The diagram of the changed flows; `namespaceSizes` from both sides so shared flows are judged on whole namespaces. */
export function changedFlowsDiagram(diff: SecurityDiff & { before?: ReachabilityMatrix; after?: ReachabilityMatrix }, options: FlowDiagramOptions = {}): FlowDiagram {
  const { workloads, flows } = changedFlows(diff);
  const sizes = new Map<string, number>();
  for (const m of [diff.before, diff.after]) {
    const count = new Map<string, number>();
    for (const w of m?.workloads ?? []) count.set(w.namespace, (count.get(w.namespace) ?? 0) + 1);
    for (const [ns, n] of count) sizes.set(ns, Math.max(sizes.get(ns) ?? 0, n));
  }
  return renderFlowDiagram(workloads, flows, { namespaceSizes: sizes, ...options });
}

/** GitHub refuses comments over 65,536 characters; the Markdown stays below this by default. */
export const DEFAULT_MAX_MARKDOWN_CHARS = 60_000;

/**
 * Markdown for a pull-request comment: the summary line first, then the items that open or relax,
 * then those that tighten, the neutral ones, the diagram of the changed flows, and notes. Beyond
 * `maxChars` (default 60,000: a GitHub comment holds 65,536), rows are left out from the end,
 * neutral first, then tightening, then the diagram, with a line saying how many (the JSON output
 * has them all).
 */
export function renderDiffMarkdown(diff: SecurityDiff & { before?: ReachabilityMatrix; after?: ReachabilityMatrix }, options: DiffRenderOptions & { readonly maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_MARKDOWN_CHARS;
  const byEffect = (effect: DiffEffect): DiffItem[] => diff.items.filter((i) => i.effect === effect);
  const limits: Record<DiffEffect, number> = { opens: byEffect('opens').length, tightens: byEffect('tightens').length, neutral: byEffect('neutral').length };
  let diagram = options.mermaid !== false && diff.items.some((i) => i.flow !== undefined);
  const diagramLines = diagram ? changedFlowsDiagram(diff, options.diagram).lines : [];
  const render = (): string => {
    const out: string[] = [diffSummary(diff, options), ''];
    for (const effect of ['opens', 'tightens', 'neutral'] as const) {
      const items = byEffect(effect);
      if (items.length === 0) continue;
      const byCat = DIFF_CATEGORIES.map((c) => [c, items.filter((i) => i.category === c).length] as const).filter(([, n]) => n > 0);
      out.push(`### ${SECTION[effect]} (${items.length})`, '', `_${byCat.map(([c, n]) => `${c} ${n}`).join(' · ')}_`, '');
      const shown = items.slice(0, limits[effect]);
      if (shown.length > 0) out.push(itemRows(shown), '');
      if (shown.length < items.length) out.push(`_${items.length - shown.length} more not shown here (the comment would be too long): see \`--format json\`._`, '');
    }
    if (diagram) {
      out.push('### Changed flows', '', 'Solid: newly allowed; dashed: no longer allowed (`+`/`−`: ports added to or removed from a flow).', '', ...diagramLines, '');
    }
    const notes = [...new Set(diff.notes)].sort(compareStrings);
    if (notes.length > 0) out.push('### Notes', '', ...notes.map((n) => `- ${tableCell(n)}`), '');
    return `${out.join('\n').replace(/\n+$/, '')}\n`;
  };
  let text = render();
  for (const step of ['neutral', 'tightens', 'diagram', 'opens'] as const) {
    while (text.length > maxChars) {
      if (step === 'diagram') {
        if (!diagram) break;
        diagram = false;
      } else {
        if (limits[step] === 0) break;
        limits[step] = Math.floor(limits[step] / 2);
      }
      text = render();
    }
  }
  return text;
}

/** JSON: `{ summary, verdict, items, notes }`, items as {@link DiffItem} (ports as in the matrix). */
export function renderDiffJson(diff: SecurityDiff, options: DiffRenderOptions = {}): string {
  const doc = {
    ...(options.oldLabel !== undefined ? { old: options.oldLabel } : {}),
    ...(options.newLabel !== undefined ? { new: options.newLabel } : {}),
    summary: diff.counts,
    verdict: diff.counts.opens > 0 ? 'opens' : 'ok',
    items: diff.items,
    notes: diff.notes,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
