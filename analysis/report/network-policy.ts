import type { KubeObject } from '../../policy/kube-object';
import { asArray, asDict, asNumber, asString, Dict, dictArray } from './read';
import { LabelSelector, parseLabelSelector } from './selectors';
import { Protocol, PROTOCOLS } from './ports';
import { DEFAULT_NAMESPACE, flattenObjects } from './workloads';

/** A `NetworkPolicyPeer` after parsing. */
export type CompiledPeer =
  | { readonly type: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] }
  | {
      readonly type: 'selector';
      /** Absent: the policy's own namespace. `{}`: every namespace. */
      readonly namespaceSelector?: LabelSelector;
      /** Absent: every pod of the selected namespaces. */
      readonly podSelector?: LabelSelector;
      readonly policyNamespace: string;
    };

/** A `NetworkPolicyPort` after parsing and protocol defaulting. `port` absent = every port of `protocol`. */
export interface CompiledRulePort {
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** One ingress or egress rule: its peers (`'all'` when `from`/`to` is empty or absent) and ports. */
export interface CompiledRule {
  readonly peers: 'all' | readonly CompiledPeer[];
  /** `'all'` when `ports` is empty or absent. */
  readonly ports: 'all' | readonly CompiledRulePort[];
}

/** A NetworkPolicy reduced to what the evaluator needs. */
export interface CompiledPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Ingress rules, or `undefined` when `Ingress` is not among the (defaulted) policyTypes. */
  readonly ingress?: readonly CompiledRule[];
  /** Egress rules, or `undefined` when `Egress` is not among the (defaulted) policyTypes. */
  readonly egress?: readonly CompiledRule[];
}

/**
 * The effective `policyTypes` of a NetworkPolicy spec, applying the API server's defaulting:
 * when absent or empty, `Ingress` always, plus `Egress` when `spec.egress` is a non-empty list.
 */
export function effectivePolicyTypes(spec: Dict): { ingress: boolean; egress: boolean } {
  const declared = (asArray(spec.policyTypes) ?? []).filter((t): t is string => typeof t === 'string');
  if (declared.length === 0) {
    return { ingress: true, egress: (asArray(spec.egress)?.length ?? 0) > 0 };
  }
  return { ingress: declared.includes('Ingress'), egress: declared.includes('Egress') };
}

function policyLabel(ns: string, name: string): string {
  return `NetworkPolicy ${ns}/${name}`;
}

function compilePeer(raw: Dict, policyNamespace: string, where: string, notes: string[]): CompiledPeer | undefined {
  const ipBlock = asDict(raw.ipBlock);
  if (ipBlock) {
    const cidr = asString(ipBlock.cidr);
    if (cidr === undefined) {
      notes.push(`${where}: ipBlock without cidr ignored`);
      return undefined;
    }
    if (raw.podSelector !== undefined || raw.namespaceSelector !== undefined) {
      notes.push(`${where}: ipBlock combined with a selector (rejected by the API server); only the ipBlock is evaluated`);
    }
    const except = (asArray(ipBlock.except) ?? []).filter((e): e is string => typeof e === 'string');
    return { type: 'ipBlock', cidr, except };
  }
  const namespaceSelector = parseLabelSelector(raw.namespaceSelector);
  const podSelector = parseLabelSelector(raw.podSelector);
  if (!namespaceSelector && !podSelector) {
    notes.push(`${where}: peer with neither podSelector, namespaceSelector nor ipBlock (rejected by the API server) ignored`);
    return undefined;
  }
  for (const s of [namespaceSelector, podSelector]) {
    for (const reason of s?.invalid ?? []) notes.push(`${where}: ${reason}; the peer matches nothing`);
  }
  return {
    type: 'selector',
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(podSelector ? { podSelector } : {}),
    policyNamespace,
  };
}

function compilePorts(raw: unknown, where: string, notes: string[]): 'all' | CompiledRulePort[] {
  const list = dictArray(raw);
  if (list.length === 0) return 'all';
  const out: CompiledRulePort[] = [];
  for (const p of list) {
    const protoRaw = asString(p.protocol) ?? 'TCP';
    if (!(PROTOCOLS as readonly string[]).includes(protoRaw)) {
      notes.push(`${where}: unknown protocol ${JSON.stringify(protoRaw)} ignored`);
      continue;
    }
    const protocol = protoRaw as Protocol;
    let port: number | string | undefined = asNumber(p.port) ?? asString(p.port);
    if (typeof port === 'string' && /^[0-9]+$/.test(port)) port = Number(port);
    const endPort = asNumber(p.endPort);
    if (endPort !== undefined && typeof port !== 'number') {
      notes.push(`${where}: endPort ${endPort} without a numeric port (rejected by the API server) ignored`);
    }
    if (endPort !== undefined && typeof port === 'number' && endPort < port) {
      notes.push(`${where}: endPort ${endPort} < port ${port} (rejected by the API server); treated as port ${port} only`);
    }
    out.push({
      protocol,
      ...(port !== undefined ? { port } : {}),
      ...(endPort !== undefined && typeof port === 'number' && endPort > port ? { endPort } : {}),
    });
  }
  return out;
}

function compileRules(raw: unknown, peerField: 'from' | 'to', ns: string, name: string, dir: string, notes: string[]): CompiledRule[] {
  const rules: CompiledRule[] = [];
  dictArray(raw).forEach((rule, i) => {
    const where = `${policyLabel(ns, name)} ${dir}[${i}]`;
    const rawPeers = dictArray(rule[peerField]);
    let peers: 'all' | CompiledPeer[];
    if (rawPeers.length === 0) {
      peers = 'all';
    } else {
      peers = [];
      for (const rp of rawPeers) {
        const p = compilePeer(rp, ns, where, notes);
        if (p) peers.push(p);
      }
    }
    rules.push({ peers, ports: compilePorts(rule.ports, where, notes) });
  });
  return rules;
}

/**
 * Parses every `networking.k8s.io/v1` NetworkPolicy among `objects`; problems are appended to
 * `notes`. Objects of kind NetworkPolicy from other API groups (Calico's
 * `crd.projectcalico.org/v1`, Antrea's `crd.antrea.io`...) have other semantics: they are not
 * evaluated, and a note says so.
 */
export function compileNetworkPolicies(objects: readonly KubeObject[], notes: string[]): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (const obj of flattenObjects(objects)) {
    if (obj.kind !== 'NetworkPolicy') continue;
    if (obj.apiVersion !== 'networking.k8s.io/v1') {
      notes.push(`${policyLabel(obj.metadata?.namespace ?? DEFAULT_NAMESPACE, obj.metadata?.name ?? '')} is a ${obj.apiVersion} NetworkPolicy, not networking.k8s.io/v1: not evaluated (the matrix may show flows it denies, or miss flows it allows)`);
      continue;
    }
    const namespace = obj.metadata?.namespace ?? DEFAULT_NAMESPACE;
    const name = obj.metadata?.name ?? '';
    const spec = asDict(obj.spec) ?? {};
    // An absent podSelector is defaulted to the empty selector (all pods of the namespace).
    const podSelector = parseLabelSelector(spec.podSelector) ?? { matchLabels: {}, matchExpressions: [], invalid: [] };
    for (const reason of podSelector.invalid) notes.push(`${policyLabel(namespace, name)} spec.podSelector: ${reason}; the policy selects nothing`);
    const types = effectivePolicyTypes(spec);
    out.push({
      namespace,
      name,
      podSelector,
      ...(types.ingress ? { ingress: compileRules(spec.ingress, 'from', namespace, name, 'ingress', notes) } : {}),
      ...(types.egress ? { egress: compileRules(spec.egress, 'to', namespace, name, 'egress', notes) } : {}),
    });
  }
  return out;
}
