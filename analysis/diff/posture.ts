/**
 * Posture items: Pod Security admission labels per namespace, the privileges of each workload's
 * pods, and the API permissions (RBAC rules) of each subject.
 *
 * An object present on one side only is compared with the hardened baseline (what
 * `HardenedNamespace` and `HardenedDeployment` write): a new namespace below `restricted`, or a new
 * workload that runs privileged, opens; the same removed tightens. So swapping the sides swaps
 * opens and tightens.
 */
import type { KubeObject } from '../../policy/kube-object';
import { type DeclaredPodSecurity as PssSetting, type PssMode } from '../../policy/pss/namespace-policy';
import { automountOf, podSecurityLabels, rootCapableContainers, writableRootFsContainers } from '../report/posture';
import { asArray, asBoolean, asDict, asNumber, asString, compareStrings, Dict, dictArray, path } from '../report/read';
import { allContainers, extractNamespaces, extractWorkloads, flattenObjects, NamespaceInfo, WorkloadInfo } from '../report/workloads';
import { workloadIdentity, type WorkloadIdentity } from './identity';
import { DiffItem, listSome } from './model';
import { covers, permissionsBySubject, permText } from '../report/api-permissions';

const LEVELS = ['privileged', 'baseline', 'restricted'];

function levelRank(level: string): number {
  return LEVELS.indexOf(level);
}

/** `latest` is newest; `v1.N` orders by N; anything else is oldest. */
function versionRank(version: string): number {
  if (version === 'latest') return Number.MAX_SAFE_INTEGER;
  const m = /^v1\.(\d+)$/.exec(version);
  return m ? Number(m[1]) : -1;
}

/** The baseline a namespace present on one side only is compared with: restricted at every mode. */
const BASELINE_PSS: PssSetting = { level: 'restricted', version: 'latest' };

function pssItems(ns: string, before: NamespaceInfo | undefined, after: NamespaceInfo | undefined): DiffItem[] {
  const items: DiffItem[] = [];
  const subject = `namespace ${ns}`;
  const base = { category: 'posture' as const, namespace: ns, subject };
  const oldLabels = before ? podSecurityLabels(before) : undefined;
  const newLabels = after ? podSecurityLabels(after) : undefined;
  if (!before || !after) {
    const s = (after ?? before)!;
    const l = podSecurityLabels(s);
    const text = (['enforce', 'audit', 'warn'] as const).map((m) => `${m} ${l[m] ? `${l[m]!.level} (${l[m]!.version})` : 'none'}`).join(', ');
    items.push({ ...base, effect: 'neutral', change: after ? 'namespace-added' : 'namespace-removed', message: `Namespace ${after ? 'added' : 'removed'}: Pod Security ${text}` });
  }
  for (const mode of ['enforce', 'audit', 'warn'] as PssMode[]) {
    // an absent label is the admission controller's default, privileged (no cluster-wide default among the inputs)
    const o: PssSetting = oldLabels ? oldLabels[mode] ?? { level: 'privileged', version: 'latest' } : BASELINE_PSS;
    const n: PssSetting = newLabels ? newLabels[mode] ?? { level: 'privileged', version: 'latest' } : BASELINE_PSS;
    if (o.level !== n.level) {
      const lower = levelRank(n.level) < levelRank(o.level);
      items.push({ ...base, effect: lower ? 'opens' : 'tightens', change: 'pss-level', message: `Pod Security ${mode} level ${lower ? 'lowered' : 'raised'}: ${o.level} → ${n.level}` });
    } else if (o.version !== n.version && oldLabels && newLabels) {
      const lower = versionRank(n.version) < versionRank(o.version);
      items.push({
        ...base,
        effect: lower ? 'opens' : 'tightens',
        change: 'pss-version',
        message: `Pod Security ${mode} version ${lower ? 'lowered' : 'raised'} (${n.level}): ${o.version} → ${n.version}`,
      });
    }
  }
  return items;
}

/** The namespaces declared (`Namespace` objects) on either side, with their Pod Security items. */
export function diffNamespaces(before: readonly KubeObject[], after: readonly KubeObject[]): DiffItem[] {
  const a = new Map(extractNamespaces(before).filter((n) => n.declared).map((n) => [n.name, n]));
  const b = new Map(extractNamespaces(after).filter((n) => n.declared).map((n) => [n.name, n]));
  const names = [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings);
  return names.flatMap((ns) => pssItems(ns, a.get(ns), b.get(ns)));
}

/** One aspect of a pod's privileges: facts present are risks (absent in the hardened baseline). */
interface Aspect {
  readonly change: string;
  readonly title: string;
  facts(objects: readonly KubeObject[], w: WorkloadInfo): string[];
}

const containerName = (c: Dict): string => asString(c.name) ?? '';

const ASPECTS: readonly Aspect[] = [
  {
    change: 'privileged',
    title: 'privileged containers',
    facts: (_o, w) => allContainers(w.podSpec).filter((c) => asBoolean(path(c, 'securityContext', 'privileged')) === true).map(containerName),
  },
  {
    change: 'privilege-escalation',
    title: 'containers allowing privilege escalation',
    facts: (_o, w) => allContainers(w.podSpec).filter((c) => asBoolean(path(c, 'securityContext', 'allowPrivilegeEscalation')) !== false).map(containerName),
  },
  {
    change: 'capabilities',
    title: 'capabilities',
    facts: (_o, w) =>
      allContainers(w.podSpec).flatMap((c) => {
        const caps = asDict(path(c, 'securityContext', 'capabilities')) ?? {};
        const drop = (asArray(caps.drop) ?? []).filter((x): x is string => typeof x === 'string');
        const add = (asArray(caps.add) ?? []).filter((x): x is string => typeof x === 'string').map((cap) => `${containerName(c)} adds ${cap}`);
        return drop.includes('ALL') ? add : [...add, `${containerName(c)} keeps the default set (no drop ALL)`];
      }),
  },
  { change: 'run-as-root', title: 'containers that may run as root', facts: (_o, w) => rootCapableContainers(w.podSpec) },
  { change: 'writable-root-fs', title: 'containers with a writable root filesystem', facts: (_o, w) => writableRootFsContainers(w.podSpec) },
  {
    change: 'host-access',
    title: 'host access',
    facts: (_o, w) => {
      const out: string[] = [];
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
        if (asBoolean(w.podSpec[f]) === true) out.push(f);
      }
      for (const c of allContainers(w.podSpec)) {
        for (const p of dictArray(c.ports)) {
          const hp = asNumber(p.hostPort);
          if (hp !== undefined && hp !== 0) out.push(`${containerName(c)} hostPort ${hp}`);
        }
      }
      for (const v of dictArray(w.podSpec.volumes)) {
        const hp = asString(path(v, 'hostPath', 'path'));
        if (hp !== undefined) out.push(`hostPath ${hp}`);
      }
      return out;
    },
  },
  {
    change: 'seccomp',
    title: 'containers without a seccomp profile',
    facts: (_o, w) => {
      const podType = asString(path(w.podSpec, 'securityContext', 'seccompProfile', 'type'));
      return allContainers(w.podSpec)
        .filter((c) => {
          const t = asString(path(c, 'securityContext', 'seccompProfile', 'type')) ?? podType;
          return t === undefined || t === 'Unconfined';
        })
        .map(containerName);
    },
  },
  {
    change: 'automount-token',
    title: 'service-account token automount',
    facts: (o, w) => (automountOf(o, w).value ? ['token mounted'] : []),
  },
];

/** Whether a runtime class name (or its RuntimeClass's handler) is a sandbox (gVisor, Kata). */
function sandboxed(objects: readonly KubeObject[], name: string): boolean {
  if (name === '') return false;
  const rc = flattenObjects(objects).find((o) => o.kind === 'RuntimeClass' && o.metadata?.name === name);
  const handler = asString(rc?.handler) ?? '';
  return /runsc|gvisor|kata/i.test(`${name} ${handler}`);
}

/** Privileges of each workload. */
export function diffWorkloads(before: readonly KubeObject[], after: readonly KubeObject[], identity?: WorkloadIdentity): DiffItem[] {
  const wa = extractWorkloads(before);
  const wb = extractWorkloads(after);
  const id = identity ?? workloadIdentity(wa, wb);
  const a = new Map(wa.map((w) => [id(w), w]));
  const b = new Map(wb.map((w) => [id(w), w]));
  const items: DiffItem[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
    const o = a.get(key);
    const n = b.get(key);
    const w = (n ?? o)!;
    const base = { category: 'posture' as const, namespace: w.namespace, subject: `${w.namespace}/${w.kind}/${w.name}` };
    if (!o || !n) items.push({ ...base, effect: 'neutral', change: n ? 'workload-added' : 'workload-removed', message: `${w.kind} ${n ? 'added' : 'removed'}` });
    for (const aspect of ASPECTS) {
      const of = new Set(o ? aspect.facts(before, o) : []);
      const nf = new Set(n ? aspect.facts(after, n) : []);
      const added = [...nf].filter((f) => !of.has(f)).sort(compareStrings);
      const removed = [...of].filter((f) => !nf.has(f)).sort(compareStrings);
      if (added.length > 0) items.push({ ...base, effect: 'opens', change: aspect.change, message: `${aspect.title}: ${listSome(added)}${o ? '' : ' (new workload)'}` });
      if (removed.length > 0) items.push({ ...base, effect: 'tightens', change: aspect.change, message: `no longer: ${aspect.title}: ${listSome(removed)}${n ? '' : ' (workload removed)'}` });
    }
    if (o && n && o.kind !== n.kind) items.push({ ...base, effect: 'neutral', change: 'workload-kind', message: `kind ${o.kind} → ${n.kind}` });
    if (o && n) {
      const ro = asString(o.podSpec.runtimeClassName) ?? '';
      const rn = asString(n.podSpec.runtimeClassName) ?? '';
      if (ro !== rn) {
        const so = sandboxed(before, ro);
        const sn = sandboxed(after, rn);
        items.push({
          ...base,
          effect: so && !sn ? 'opens' : !so && sn ? 'tightens' : 'neutral',
          change: 'runtime-class',
          message: `runtime class ${ro || 'default'} → ${rn || 'default'}${so && !sn ? ' (no longer sandboxed)' : !so && sn ? ' (now sandboxed)' : ''}`,
        });
      }
      if (o.serviceAccountName !== n.serviceAccountName) {
        items.push({ ...base, effect: 'neutral', change: 'service-account', message: `service account ${o.serviceAccountName} → ${n.serviceAccountName}` });
      }
      // a port a container newly listens on is something new to reach, whatever the policies say today
      const listening = (w: WorkloadInfo) => new Set(w.ports.map((p) => `${p.containerPort}/${p.protocol} (${p.container})`));
      const lo = listening(o);
      const ln = listening(n);
      const opened = [...ln].filter((p) => !lo.has(p)).sort(compareStrings);
      const closed = [...lo].filter((p) => !ln.has(p)).sort(compareStrings);
      if (opened.length > 0) items.push({ ...base, effect: 'opens', change: 'listening-port', message: `listens on ${listSome(opened)}` });
      if (closed.length > 0) items.push({ ...base, effect: 'tightens', change: 'listening-port', message: `no longer listens on ${listSome(closed)}` });
    }
  }
  return items;
}

/** API permissions widened or narrowed, per subject. */
export function diffRbac(before: readonly KubeObject[], after: readonly KubeObject[]): DiffItem[] {
  const a = permissionsBySubject(before);
  const b = permissionsBySubject(after);
  const items: DiffItem[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
    const o = a.get(key)?.perms ?? [];
    const n = b.get(key)?.perms ?? [];
    const ns = (b.get(key) ?? a.get(key))!.namespace;
    const base = { category: 'posture' as const, ...(ns !== undefined ? { namespace: ns } : {}), subject: key, change: 'rbac' };
    const widened = [...new Set(n.filter((p) => !o.some((q) => covers(q, p))).map(permText))].sort(compareStrings);
    const narrowed = [...new Set(o.filter((p) => !n.some((q) => covers(q, p))).map(permText))].sort(compareStrings);
    if (widened.length > 0) items.push({ ...base, effect: 'opens', message: `API permissions widened: ${listSome(widened)}` });
    if (narrowed.length > 0) items.push({ ...base, effect: 'tightens', message: `API permissions narrowed: ${listSome(narrowed)}` });
  }
  return items;
}
