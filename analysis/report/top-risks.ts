/**
 * The report's first section: a verdict and the risks a reviewer reads before anything else, most
 * severe first: open findings, namespaces below Pod Security restricted, listeners and Ingress
 * hosts without TLS, the public entry points, exceptions (soonest expiry first), API access,
 * ports reachable past the proxy (without mTLS), flows to and from addresses outside the cluster. Each row says where and why it matters; the
 * sections below give the details. Pure and deterministic.
 */
import type { KubeObject } from '../../policy/kube-object';
import { permissionsBySubject, permText } from './api-permissions';
import { hostsReachableFrom, outsideHosts } from './outside-hosts';
import { extractEntryPoints } from './entry-points';
import { extractGatewayEntryPoints } from './gateway-entry-points';
import { code, table, tableCell } from './markdown';
import { formatPorts } from './ports';
import { podSecurityLabels } from './posture';
import type { ReachabilityMatrix } from './reachability';
import { compareStrings } from './read';
import { extractNamespaces } from './workloads';

/** One risk of the verdict table. */
export interface TopRisk {
  /** What kind of risk, e.g. `Public entry point`. */
  readonly risk: string;
  /** Where, in Markdown. */
  readonly where: string;
  /** Why a reviewer should look, in a few words. */
  readonly why: string;
}

/** What the verdict needs beyond the objects and the matrix. */
export interface TopRiskInputs {
  /** Open findings (not excepted), as `ns/Kind/name: [rule] message`. */
  readonly openFindings: readonly string[];
  /** Exceptions, as `[rule] ns/Kind/name: reason`, with their expiry when they have one. */
  readonly exceptions: readonly { readonly text: string; readonly expires?: string }[];
}

const LEVEL_RANK: Readonly<Record<string, number>> = { privileged: 0, baseline: 1, restricted: 2 };
// the addresses Istio's CNI SNATs ambient pods' kubelet probes to (istio cni/pkg/nodeagent/options.go)
const PROBE_SOURCES = new Set(['169.254.7.127/32', 'fd16:9254:7127:1337:ffff:ffff:ffff:ffff/128']);

function describePeer(peer: ReachabilityMatrix['external'][number]['peer']): string {
  return peer.type === 'any' ? 'any address' : peer.type === 'ipBlock' ? peer.cidr : peer.description;
}

/** The risks, most severe first. */
export function topRisks(objects: readonly KubeObject[], matrix: ReachabilityMatrix, inputs: TopRiskInputs): TopRisk[] {
  const risks: TopRisk[] = [];
  for (const f of [...inputs.openFindings].sort(compareStrings)) risks.push({ risk: 'Open finding', where: f, why: 'a rule the blueprint promises does not hold' });
  for (const ns of extractNamespaces(objects)) {
    const enforce = podSecurityLabels(ns).enforce;
    const level = enforce?.level ?? 'privileged';
    if ((LEVEL_RANK[level] ?? 0) < LEVEL_RANK.restricted) {
      risks.push({ risk: 'Pod Security below restricted', where: `namespace ${code(ns.name)} enforces ${level}${enforce === undefined ? ' (no enforce label)' : ''}`, why: 'its pods may run with more privileges' });
    }
  }
  const gateways = extractGatewayEntryPoints(objects);
  const ingresses = extractEntryPoints(objects);
  for (const l of gateways.listeners.filter(x => x.tls === undefined)) {
    const redirectOnly = gateways.routes.filter(r => r.parents.includes(`${l.namespace}/${l.gateway}#${l.listener}`) || r.parents.includes(`${l.namespace}/${l.gateway}`))
      .every(r => r.backends.every(b => b.startsWith('redirect ')));
    if (!redirectOnly) risks.push({ risk: 'Listener without TLS', where: `${code(`${l.namespace}/${l.gateway}`)} ${l.listener} ${l.port}/${l.protocol}`, why: 'serves plain text to the outside' });
  }
  for (const e of ingresses.filter(x => x.tlsSecret === undefined)) {
    risks.push({ risk: 'Ingress host without TLS', where: `${code(e.host)}${e.path} → ${code(`${e.namespace}/${e.backend}`)}`, why: 'serves plain text to the outside' });
  }
  for (const r of gateways.routes.filter(x => x.backends.some(b => !b.startsWith('redirect ')))) {
    risks.push({ risk: 'Public entry point', where: `${r.hostnames.map(code).join(', ')} ${r.matches.join(', ')} → ${r.backends.map(code).join(', ')}`, why: 'what the internet reaches' });
  }
  for (const e of ingresses.filter(x => x.tlsSecret !== undefined)) {
    risks.push({ risk: 'Public entry point', where: `${code(e.host)}${e.path} → ${code(`${e.namespace}/${e.backend}`)} (Ingress)`, why: 'what the internet reaches' });
  }
  const exceptions = [...inputs.exceptions].sort((a, b) => compareStrings(a.expires ?? '9999', b.expires ?? '9999') || compareStrings(a.text, b.text));
  for (const e of exceptions) risks.push({ risk: 'Exception', where: e.text, why: e.expires !== undefined ? `a rule waived until ${e.expires}` : 'a rule waived, with no expiry' });
  for (const [subject, { perms }] of [...permissionsBySubject(objects)].sort(([a], [b]) => compareStrings(a, b))) {
    const lines = [...new Set(perms.map(permText))].sort(compareStrings);
    risks.push({ risk: 'API access', where: `${code(subject)}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? `; and ${lines.length - 3} more` : ''}`, why: 'what a stolen token of its pods is worth' });
  }
  const label = (w: { namespace: string; name: string }) => code(`${w.namespace}/${w.name}`);
  const registry = outsideHosts(objects);
  const bypass: TopRisk[] = [];
  const outside: TopRisk[] = [];
  for (const e of matrix.edges.filter(x => x.bypass !== undefined)) {
    bypass.push({ risk: 'Reachable without mTLS', where: `${label(e.from)} → ${label(e.to)} on ${formatPorts(e.bypass!)}`, why: 'the port bypasses the proxy: no mTLS, no AuthorizationPolicy' });
  }
  for (const f of matrix.external) {
    if (f.bypass !== undefined && f.direction === 'ingress') {
      const source = f.peer.type === 'ipBlock' && PROBE_SOURCES.has(f.peer.cidr) ? `${f.peer.cidr} (the kubelet's probes, SNATed by the Istio CNI)` : describePeer(f.peer);
      bypass.push({ risk: 'Reachable without mTLS', where: `${source} → ${label(f.workload)} on ${formatPorts(f.bypass)}`, why: 'the port bypasses the proxy: no mTLS, no AuthorizationPolicy' });
      if (f.peer.type === 'ipBlock' && PROBE_SOURCES.has(f.peer.cidr)) continue; // the node, not the outside
    }
    if (f.peer.type === 'selector') continue; // inside the cluster, only not among the inputs (kube-dns, istiod)
    const everywhere = f.peer.type === 'any' || f.peer.cidr === '0.0.0.0/0' || f.peer.cidr === '::/0';
    const named = f.direction === 'egress' && everywhere && Array.isArray(f.ports)
      ? [...new Set(f.ports.filter(p => typeof p.port === 'number').flatMap(p => hostsReachableFrom(registry, f.workload.namespace, p.port as number)))].sort(compareStrings) : [];
    if (named.length > 0) {
      outside.push({ risk: 'Egress to hosts by name', where: `${label(f.workload)} → ${named.map(code).join(', ')} (the NetworkPolicy allows any address on ${formatPorts(f.ports)})`, why: 'only the sidecar narrows it to these hosts (REGISTRY_ONLY)' });
      continue;
    }
    const peer = f.peer.type === 'any' ? 'any address' : f.peer.cidr;
    const where = f.direction === 'egress' ? `${code(`${f.workload.namespace}/${f.workload.name}`)} → ${peer}` : `${peer} → ${code(`${f.workload.namespace}/${f.workload.name}`)}`;
    outside.push({ risk: f.direction === 'egress' ? 'Egress to outside the cluster' : 'Ingress from outside the cluster', where: `${where} on ${formatPorts(f.ports)}`, why: f.peer.type === 'any' ? 'not isolated: any address' : f.direction === 'egress' ? 'traffic leaves the cluster' : 'traffic enters from outside' });
  }
  return [...risks, ...bypass, ...outside];
}

/** The verdict line and the top-risks table (`## Verdict`). */
export function renderTopRisks(objects: readonly KubeObject[], matrix: ReachabilityMatrix, inputs: TopRiskInputs): string[] {
  const risks = topRisks(objects, matrix, inputs);
  const open = inputs.openFindings.length;
  const verdict = open > 0
    ? `**Verdict: ${open} open finding${open === 1 ? '' : 's'}; fix ${open === 1 ? 'it' : 'them'} before this ships.**`
    : `**Verdict: no open finding.** ${risks.length === 0 ? 'Nothing below needs a second look.' : `${risks.length} item${risks.length === 1 ? '' : 's'} a reviewer should confirm:`}`;
  const out = ['## Verdict', '', verdict];
  if (risks.length > 0) out.push('', table(['Risk', 'Where', 'Why it matters'], risks.map(r => [tableCell(r.risk), tableCell(r.where), tableCell(r.why)])));
  return out;
}
