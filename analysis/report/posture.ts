/**
 * Per-namespace and per-workload security posture read from synthesized objects:
 * Pod Security Standards labels, Istio PeerAuthentication mTLS mode, and pod-spec hardening.
 */
import type { KubeObject } from '../../policy/kube-object';
import { asBoolean, asDict, asNumber, asString, compareStrings, Dict, path, stringMap } from './read';
import { matchesSelector, parseLabelSelector } from './selectors';
import { objectIndex } from './object-index';
import { allContainers, namespaceOf, NamespaceInfo, WorkloadInfo } from './workloads';
import { declaredPodSecurityLabels, type DeclaredPodSecurity, type PssMode } from '../../policy/pss/namespace-policy';

/** The Pod Security admission labels of a namespace as written; a mode is absent when its label is. */
export type PssLabels = Readonly<Partial<Record<PssMode, DeclaredPodSecurity>>>;

/** Reads the `pod-security.kubernetes.io/*` labels of a namespace (the engine's reader, `declaredPodSecurityLabels`). */
export function podSecurityLabels(ns: Pick<NamespaceInfo, 'labels'>): PssLabels {
  return declaredPodSecurityLabels(ns.labels);
}

/** An Istio mTLS mode as resolved for a workload. `none` = no PeerAuthentication applies. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'none';

/** The mTLS mode in effect for a workload and where it comes from. */
export interface MtlsResolution {
  readonly mode: MtlsMode;
  /** Which PeerAuthentication level decided the mode; absent when `mode` is `none` or the Istio default applied. */
  readonly source?: 'workload' | 'namespace' | 'mesh' | 'istio-default';
  /** Port-level overrides (`portLevelMtls`) of the workload-selector policy, sorted by port. */
  readonly portLevel: readonly { readonly port: string; readonly mode: string }[];
  /** Ambiguities (several policies at one level; Istio then uses the oldest, which manifests do not tell). */
  readonly notes: readonly string[];
}

/** The root namespace Istio uses for mesh-wide policies unless configured otherwise. */
export const DEFAULT_ISTIO_ROOT_NAMESPACE = 'istio-system';

function modeOf(pa: KubeObject): string {
  return asString(path(pa, 'spec', 'mtls', 'mode')) ?? 'UNSET';
}

/** Istio treats a PeerAuthentication whose selector has no `matchLabels` like one without selector. */
function hasSelector(pa: KubeObject): boolean {
  return Object.keys(stringMap(path(pa, 'spec', 'selector', 'matchLabels'))).length > 0;
}

function byName(a: KubeObject, b: KubeObject): number {
  return compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/**
 * Resolves the Istio mTLS mode for a workload from PeerAuthentication objects, following
 * Istio's precedence: workload-selector policy in the workload's namespace, then the
 * namespace-wide policy (no selector), then the mesh-wide policy (no selector, in the root
 * namespace; selector policies in the root namespace are ignored). `UNSET` inherits from the
 * next level; a chain that ends in `UNSET` is Istio's default, `PERMISSIVE`.
 */
export function resolveMtls(objects: readonly KubeObject[], workload: WorkloadInfo, rootNamespace: string = DEFAULT_ISTIO_ROOT_NAMESPACE): MtlsResolution {
  const pas = [...objectIndex(objects).ofKind('PeerAuthentication')].sort(byName);
  const notes: string[] = [];
  const pick = (level: string, list: KubeObject[]): KubeObject | undefined => {
    if (list.length > 1) {
      notes.push(`${list.length} ${level} PeerAuthentications apply (${list.map((p) => p.metadata?.name ?? '').join(', ')}); Istio uses the oldest, assumed ${list[0]!.metadata?.name ?? ''}`);
    }
    return list[0];
  };
  const workloadPa =
    workload.namespace === rootNamespace
      ? undefined
      : pick(
          'workload-level',
          pas.filter((p) => {
            if (namespaceOf(p) !== workload.namespace || !hasSelector(p)) return false;
            const sel = parseLabelSelector(path(p, 'spec', 'selector'));
            return sel !== undefined && matchesSelector(sel, workload.podLabels);
          }),
        );
  const nsPa = pick('namespace-level', pas.filter((p) => namespaceOf(p) === workload.namespace && !hasSelector(p)));
  const meshPa = pick('mesh-level', pas.filter((p) => namespaceOf(p) === rootNamespace && !hasSelector(p)));

  const portLevel: { port: string; mode: string }[] = [];
  const plm = asDict(path(workloadPa, 'spec', 'portLevelMtls'));
  if (plm) {
    for (const port of Object.keys(plm).sort((a, b) => Number(a) - Number(b) || compareStrings(a, b))) {
      portLevel.push({ port, mode: asString(path(plm, port, 'mode')) ?? 'UNSET' });
    }
  }

  const chain: [MtlsResolution['source'], KubeObject | undefined][] = [
    ['workload', workloadPa],
    ['namespace', nsPa],
    ['mesh', meshPa],
  ];
  if (!workloadPa && !nsPa && !meshPa) return { mode: 'none', portLevel, notes };
  for (const [source, pa] of chain) {
    if (!pa) continue;
    const mode = modeOf(pa);
    if (mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE') return { mode, source, portLevel, notes };
  }
  return { mode: 'PERMISSIVE', source: 'istio-default', portLevel, notes };
}

/** Formats an mTLS resolution: `STRICT (namespace)`, `PERMISSIVE (workload; 8080: DISABLE)`, `none`. */
export function formatMtls(m: MtlsResolution): string {
  if (m.mode === 'none') return 'none';
  const extras = [m.source ?? '', ...m.portLevel.map((p) => `${p.port}: ${p.mode}`)].filter((s) => s !== '');
  return extras.length > 0 ? `${m.mode} (${extras.join('; ')})` : m.mode;
}

/** One container image and whether it is pinned by digest. */
export interface ImageInfo {
  readonly container: string;
  readonly image: string;
  /** Whether the reference contains `@sha256:`. */
  readonly pinned: boolean;
}

/** Images of every container (init, regular, ephemeral) of a pod spec, in manifest order. */
export function imagesOf(podSpec: Dict): ImageInfo[] {
  return allContainers(podSpec).map((c) => {
    const image = asString(c.image) ?? '';
    return { container: asString(c.name) ?? '', image, pinned: image.includes('@sha256:') };
  });
}

/**
 * Containers that are not guaranteed to run as non-root: the effective (container overriding
 * pod) `runAsUser` is 0, or it is unset and `runAsNonRoot` is not `true`.
 */
export function rootCapableContainers(podSpec: Dict): string[] {
  const podSc = asDict(podSpec.securityContext) ?? {};
  const out: string[] = [];
  for (const c of allContainers(podSpec)) {
    const sc = asDict(c.securityContext) ?? {};
    const user = asNumber(sc.runAsUser) ?? asNumber(podSc.runAsUser);
    const nonRoot = asBoolean(sc.runAsNonRoot) ?? asBoolean(podSc.runAsNonRoot);
    const ok = user !== undefined ? user !== 0 : nonRoot === true;
    if (!ok) out.push(asString(c.name) ?? '');
  }
  return out;
}

/** Containers whose `securityContext.readOnlyRootFilesystem` is not `true`. */
export function writableRootFsContainers(podSpec: Dict): string[] {
  return allContainers(podSpec)
    .filter((c) => asBoolean(path(c, 'securityContext', 'readOnlyRootFilesystem')) !== true)
    .map((c) => asString(c.name) ?? '');
}

/** The effective `automountServiceAccountToken` of a workload and where it was decided. */
export interface AutomountInfo {
  readonly value: boolean;
  readonly source: 'pod' | 'serviceaccount' | 'default';
}

/**
 * Pod spec value if set, else the ServiceAccount's (when the ServiceAccount is among the
 * inputs), else Kubernetes' default `true`.
 */
export function automountOf(objects: readonly KubeObject[], workload: WorkloadInfo): AutomountInfo {
  const pod = asBoolean(workload.podSpec.automountServiceAccountToken);
  if (pod !== undefined) return { value: pod, source: 'pod' };
  const sa = objectIndex(objects).find('ServiceAccount', workload.namespace, workload.serviceAccountName);
  const saValue = asBoolean(sa?.automountServiceAccountToken);
  if (saValue !== undefined) return { value: saValue, source: 'serviceaccount' };
  return { value: true, source: 'default' };
}

/**
 * Desired pod count as declared. A HorizontalPodAutoscaler among the inputs targeting the
 * workload wins (`2–10 (HPA)`, `minReplicas` defaulting to 1). Otherwise `spec.replicas` for
 * Deployment, StatefulSet, ReplicaSet, ReplicationController and `spec.parallelism` for Job and
 * CronJob (`1 (default)` when absent); `per node` for DaemonSet; `1` for Pod.
 */
export function replicasOf(objects: readonly KubeObject[], workload: WorkloadInfo): string {
  const o = workload.object;
  const hpa = objectIndex(objects).ofKind('HorizontalPodAutoscaler')
    .filter((h) => namespaceOf(h) === workload.namespace)
    .sort(byName)
    .find((h) => asString(path(h, 'spec', 'scaleTargetRef', 'kind')) === o.kind && asString(path(h, 'spec', 'scaleTargetRef', 'name')) === workload.name);
  if (hpa) {
    const min = asNumber(path(hpa, 'spec', 'minReplicas')) ?? 1;
    const max = asNumber(path(hpa, 'spec', 'maxReplicas'));
    return `${min}–${max ?? '?'} (HPA)`;
  }
  const declared = (n: number | undefined): string => (n === undefined ? '1 (default)' : String(n));
  switch (o.kind) {
    case 'DaemonSet':
      return 'per node';
    case 'Pod':
      return '1';
    case 'Job':
      return declared(asNumber(path(o, 'spec', 'parallelism')));
    case 'CronJob':
      return declared(asNumber(path(o, 'spec', 'jobTemplate', 'spec', 'parallelism')));
    default:
      return declared(asNumber(path(o, 'spec', 'replicas')));
  }
}
