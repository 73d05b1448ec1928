/**
 * A Markdown security report computed from synthesized objects: namespace Pod Security labels,
 * per-workload hardening, findings and exceptions, and the NetworkPolicy reachability matrix
 * (as a table and as a Mermaid diagram). Output is deterministic: same input, same bytes.
 */
import type { KubeObject } from '../../policy/kube-object';
import { renderAdmissionPosture } from './admission-posture';
import { renderApiAccess } from './api-permissions';
import { renderOutsideHosts } from './outside-hosts';
import { renderEntryPoints } from './entry-points';
import { renderExternal, renderMatrix, renderMermaid } from './reachability-tables';
import { renderTopRisks, type TopRiskInputs } from './top-risks';
import { renderGatewayEntryPoints } from './gateway-entry-points';
import { code, table, tableCell } from './markdown';
import {
  automountOf,
  DEFAULT_ISTIO_ROOT_NAMESPACE,
  formatMtls,
  imagesOf,
  podSecurityLabels,
  replicasOf,
  resolveMtls,
  rootCapableContainers,
  writableRootFsContainers,
} from './posture';
import {
  computeReachability,
  defaultLayers,
  ReachabilityMatrix,
} from './reachability';
import type { ReachabilityLayer } from './reachability-layer';
import { dataPlaneModel, DataPlaneModel } from './data-plane';
import { compareStrings } from './read';
import { extractNamespaces, extractWorkloads, flattenObjects, workloadKey } from './workloads';

/** A policy finding produced elsewhere (e.g. by the policy checker) and shown in the report. */
export interface ReportFinding {
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly kind: string;
  readonly name: string;
  readonly rule: string;
  readonly message: string;
}

/** An accepted exception to a rule for one object; `reason` is rendered verbatim. */
export interface ReportException {
  readonly namespace?: string;
  readonly kind: string;
  readonly name: string;
  readonly rule: string;
  readonly reason: string;
  /** The last day it applies (`YYYY-MM-DD`), when it expires. */
  readonly expires?: string;
}

/** Options of {@link renderSecurityReport}. */
export interface SecurityReportOptions {
  /** Top-level heading. Default `Security report`. */
  readonly title?: string;
  /** Findings to list. The findings section is rendered when `findings` or `exceptions` is given. */
  readonly findings?: readonly ReportFinding[];
  /** Exceptions to list; a finding with the same namespace/kind/name/rule is shown as `excepted`. */
  readonly exceptions?: readonly ReportException[];
  /** Istio root namespace for mesh-wide PeerAuthentication. Default `istio-system`. */
  readonly istioRootNamespace?: string;
  /**
   * Reachability layers applied after NetworkPolicies (see `ReachabilityLayer`).
   * @default - Istio AuthorizationPolicies when some are among the objects (`defaultLayers`)
   */
  readonly layers?: readonly ReachabilityLayer[];
  /** Whether to include the Mermaid diagram. Default `true`. */
  readonly mermaid?: boolean;
  /**
   * Above this many drawn edges the Mermaid diagram is replaced by a note, since renderers refuse
   * large graphs (Mermaid's default `maxEdges` is 500). Default 400. Above 30 workloads the diagram
   * shows namespaces, not workloads (see `renderFlowDiagram`).
   */
  readonly mermaidMaxEdges?: number;
}

function objectLabel(o: { namespace?: string; kind: string; name: string }): string {
  return o.namespace !== undefined ? `${o.namespace}/${o.kind}/${o.name}` : `${o.kind}/${o.name}`;
}

function exceptionKey(o: { namespace?: string; kind: string; name: string; rule: string }): string {
  return `${o.namespace ?? ''}\u0000${o.kind}\u0000${o.name}\u0000${o.rule}`;
}

function renderSummary(objects: readonly KubeObject[], matrix: ReachabilityMatrix, nsCount: number, options: SecurityReportOptions): string {
  const policies = flattenObjects(objects).filter((o) => o.kind === 'NetworkPolicy').length;
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const parts = [
    plural(nsCount, 'namespace', 'namespaces'),
    plural(matrix.workloads.length, 'workload', 'workloads'),
    plural(policies, 'NetworkPolicy', 'NetworkPolicies'),
    plural(matrix.edges.length, 'allowed workload-to-workload flow', 'allowed workload-to-workload flows'),
    plural(matrix.external.length, 'flow to or from outside the inputs', 'flows to or from outside the inputs'),
  ];
  if (options.findings !== undefined || options.exceptions !== undefined) {
    parts.push(plural(options.findings?.length ?? 0, 'finding', 'findings'));
    parts.push(plural(options.exceptions?.length ?? 0, 'exception', 'exceptions'));
  }
  return `**Summary:** ${parts.join(', ')}.`;
}

/** The mTLS a workload's server side enforces: its PeerAuthentication's mode, or that it is outside the mesh. */
function mtlsCell(objects: readonly KubeObject[], w: Parameters<typeof resolveMtls>[1], rootNs: string, dataPlane: DataPlaneModel | undefined): string {
  if (dataPlane && dataPlane.modeOf(w) === 'none') return 'none (not in the mesh: plaintext)';
  return formatMtls(resolveMtls(objects, w, rootNs));
}

function renderNamespaces(objects: readonly KubeObject[], matrix: ReachabilityMatrix, rootNs: string, dataPlane: DataPlaneModel | undefined): string[] {
  const out: string[] = ['## Namespaces'];
  const workloads = extractWorkloads(objects);
  const isolation = new Map(matrix.isolation.map((i) => [workloadKey(i.workload), i]));
  for (const ns of extractNamespaces(objects)) {
    out.push('', `### Namespace ${code(ns.name)}`, '');
    if (!ns.declared) out.push('_No Namespace object among the inputs; labels unknown._', '');
    const pss = podSecurityLabels(ns);
    const pssText = (['enforce', 'audit', 'warn'] as const)
      .map((m) => {
        const s = pss[m];
        return s ? `${m} ${code(s.level)} (${code(s.version)})` : `${m} —`;
      })
      .join(' · ');
    out.push(`Pod Security Standards: ${pssText}`, '');
    const enforce = pss.enforce ? pss.enforce.level : 'none';
    const rows: string[][] = [];
    for (const w of workloads.filter((x) => x.namespace === ns.name)) {
      const images = imagesOf(w.podSpec)
        .map((i) => `${code(shortDigest(i.image))}${i.pinned ? '' : ' ⚠️ no digest'}`)
        .join('<br>');
      const automount = automountOf(objects, w);
      const root = rootCapableContainers(w.podSpec);
      const writable = writableRootFsContainers(w.podSpec);
      const iso = isolation.get(workloadKey(w));
      const isoText = [iso?.ingress ? 'ingress' : '', iso?.egress ? 'egress' : ''].filter((s) => s !== '').join(', ') || 'none';
      const runtime = typeof w.podSpec.runtimeClassName === 'string' ? w.podSpec.runtimeClassName : 'default';
      rows.push([
        tableCell(`${w.kind}/${w.name}`),
        tableCell(replicasOf(objects, w)),
        tableCell(enforce),
        ...(dataPlane ? [dataPlane.modeOf(w)] : []),
        tableCell(mtlsCell(objects, w, rootNs, dataPlane)),
        tableCell(runtime),
        images === '' ? '—' : images,
        code(w.serviceAccountName),
        automount.source === 'pod' ? String(automount.value) : `${automount.value} (${automount.source === 'default' ? 'default' : 'from ServiceAccount'})`,
        root.length === 0 ? 'yes' : tableCell(`no (${root.join(', ')})`),
        writable.length === 0 ? 'yes' : tableCell(`no (${writable.join(', ')})`),
        isoText,
      ]);
    }
    if (rows.length === 0) {
      out.push('_No workloads._');
    } else {
      out.push(
        table(
          ['Workload', 'Replicas', 'PSS enforce', ...(dataPlane ? ['Data plane'] : []), 'mTLS', 'Runtime class', 'Images', 'Service account', 'Automount SA token', 'Non-root', 'Read-only root FS', 'NetworkPolicy isolation'],
          rows,
        ),
      );
    }
    const mtlsNotes = workloads.filter((x) => x.namespace === ns.name).flatMap((w) => resolveMtls(objects, w, rootNs).notes.map((n) => `${w.kind}/${w.name}: ${n}`));
    if (mtlsNotes.length > 0) out.push('', ...[...new Set(mtlsNotes)].map((n) => `- ${n}`));
  }
  return out;
}

function indentContinuation(text: string): string {
  return text.replace(/\r?\n/g, '\n  ');
}

function renderFindings(options: SecurityReportOptions): string[] {
  const findings = [...(options.findings ?? [])].sort(
    (a, b) => compareStrings(objectLabel(a), objectLabel(b)) || compareStrings(a.rule, b.rule) || compareStrings(a.message, b.message),
  );
  const exceptions = [...(options.exceptions ?? [])].sort(
    (a, b) => compareStrings(objectLabel(a), objectLabel(b)) || compareStrings(a.rule, b.rule) || compareStrings(a.reason, b.reason),
  );
  const excepted = new Set(exceptions.map(exceptionKey));
  const out: string[] = ['## Findings', ''];
  if (findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push(
      table(
        ['Status', 'Object', 'Rule', 'Message'],
        findings.map((f) => [excepted.has(exceptionKey(f)) ? 'excepted' : 'open', code(objectLabel(f)), code(f.rule), tableCell(f.message)]),
      ),
    );
  }
  out.push('', '### Exceptions', '');
  if (exceptions.length === 0) {
    out.push('No exceptions.');
  } else {
    for (const e of exceptions) out.push(`- ${code(objectLabel(e))} — ${code(e.rule)}: ${indentContinuation(e.reason)}`);
  }
  return out;
}

/** `name@sha256:` and the first 12 hex digits of the digest (the manifests carry it whole): the table stays readable. */
export function shortDigest(image: string): string {
  return image.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1…');
}

/** The reachability the report shows: NetworkPolicies, the Istio data plane and AuthorizationPolicies (when present). */
export function reportReachability(objects: readonly KubeObject[], options: SecurityReportOptions = {}): { matrix: ReachabilityMatrix; dataPlane?: DataPlaneModel } {
  const rootNs = options.istioRootNamespace ?? DEFAULT_ISTIO_ROOT_NAMESPACE;
  const dataPlane = dataPlaneModel(objects, { rootNamespace: rootNs });
  const matrix = computeReachability(objects, { layers: options.layers ?? defaultLayers(objects, { rootNamespace: rootNs }), ...(dataPlane ? { dataPlane } : {}) });
  return { matrix, ...(dataPlane ? { dataPlane } : {}) };
}

/** The findings no exception covers, and the exceptions, as the verdict reads them. */
export function verdictInputs(options: SecurityReportOptions): TopRiskInputs {
  const excepted = new Set((options.exceptions ?? []).map(exceptionKey));
  return {
    openFindings: (options.findings ?? []).filter(f => !excepted.has(exceptionKey(f))).map(f => `${code(objectLabel(f))}: [${f.rule}] ${f.message}`),
    exceptions: (options.exceptions ?? []).map(e => ({ text: `[${e.rule}] ${code(objectLabel(e))}: ${e.reason}`, ...(e.expires !== undefined ? { expires: e.expires } : {}) })),
  };
}

export function renderSecurityReport(objects: readonly KubeObject[], options: SecurityReportOptions = {}): string {
  const rootNs = options.istioRootNamespace ?? DEFAULT_ISTIO_ROOT_NAMESPACE;
  const { matrix, dataPlane } = reportReachability(objects, options);
  const namespaces = extractNamespaces(objects);
  const out: string[] = [`# ${options.title ?? 'Security report'}`, ''];
  out.push(renderSummary(objects, matrix, namespaces.length, options), '');
  out.push(...renderTopRisks(objects, matrix, verdictInputs(options)), '');
  const entryPoints = renderEntryPoints(objects);
  if (entryPoints.length > 0) out.push(...entryPoints, '');
  const gatewayEntryPoints = renderGatewayEntryPoints(objects);
  if (gatewayEntryPoints.length > 0) out.push(...gatewayEntryPoints, '');
  out.push(...renderNamespaces(objects, matrix, rootNs, dataPlane), '');
  const apiAccess = renderApiAccess(objects);
  if (apiAccess.length > 0) out.push(...apiAccess, '');
  const outside = renderOutsideHosts(objects);
  if (outside.length > 0) out.push(...outside, '');
  const admission = renderAdmissionPosture(objects);
  if (admission.length > 0) out.push(...admission, '');
  if (options.findings !== undefined || options.exceptions !== undefined) out.push(...renderFindings(options), '');
  out.push('## Reachability', '');
  out.push(
    `Computed from ${['NetworkPolicies', ...matrix.layers].map((l, i, all) => (i === 0 ? l : i === all.length - 1 ? ` and ${l}` : `, ${l}`)).join('')}. ` +
      'ipBlock peers are assumed to match only addresses outside the cluster, never pods.',
    '',
  );
  out.push(...renderMatrix(matrix), '');
  out.push(...renderExternal(matrix), '');
  if (options.mermaid !== false) {
    out.push('### Diagram', '', ...renderMermaid(matrix, options.mermaidMaxEdges ?? 400), '');
  }
  if (matrix.notes.length > 0) {
    out.push('### Notes', '', ...matrix.notes.map((n) => `- ${indentContinuation(n)}`), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
