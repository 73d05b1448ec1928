import type { KubeObject } from '../../kube-object';
import { k8sDocs } from '../_references';
import { apiGroup, asRecord, labelsOf, namespaceOf, podOf, selectorMatches } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleContext, type RuleViolation } from '../types';

const KINDS = new Set(['Deployment', 'StatefulSet']);

interface BudgetIndex {
  /** Budgets whose selector has no matchLabels (matched against every pod). */
  readonly unkeyed: readonly KubeObject[];
  /** Budgets by their first matchLabels pair, `key=value`. */
  readonly byPair: ReadonlyMap<string, readonly KubeObject[]>;
  /** Each budget's position in the input, for messages in input order. */
  readonly position: ReadonlyMap<KubeObject, number>;
}

function budgetIndex(context: RuleContext, namespace: string): BudgetIndex {
  return context.memo(`HARDENED-10/budgets/${namespace}`, () => {
    const unkeyed: KubeObject[] = [];
    const byPair = new Map<string, KubeObject[]>();
    const position = new Map<KubeObject, number>();
    for (const pdb of context.objectsOf('PodDisruptionBudget', namespace)) {
      position.set(pdb, position.size);
      if (apiGroup(pdb.apiVersion) !== 'policy') continue;
      const matchLabels = asRecord(asRecord(asRecord(pdb.spec)?.selector)?.matchLabels);
      const first = matchLabels ? Object.entries(matchLabels).find(([, v]) => typeof v === 'string') : undefined;
      if (!first) {
        unkeyed.push(pdb);
      } else {
        const key = `${first[0]}=${first[1]}`;
        const list = byPair.get(key) ?? [];
        list.push(pdb);
        byPair.set(key, list);
      }
    }
    return { unkeyed, byPair, position };
  });
}

/** The first HorizontalPodAutoscaler (input order) of a namespace targeting each `Kind/name` of apps. */
function autoscalerIndex(context: RuleContext, namespace: string): ReadonlyMap<string, KubeObject> {
  return context.memo(`HARDENED-10/autoscalers/${namespace}`, () => {
    const byTarget = new Map<string, KubeObject>();
    for (const h of context.objectsOf('HorizontalPodAutoscaler', namespace)) {
      const ref = asRecord(asRecord(h.spec)?.scaleTargetRef);
      if (!ref || apiGroup(ref.apiVersion) !== 'apps') continue;
      const key = `${ref.kind}/${ref.name}`;
      if (!byTarget.has(key)) byTarget.set(key, h);
    }
    return byTarget;
  });
}

function matchingBudgets(context: RuleContext, namespace: string, podLabels: Readonly<Record<string, string>>): KubeObject[] {
  const index = budgetIndex(context, namespace);
  const candidates = new Set<KubeObject>(index.unkeyed);
  for (const [k, v] of Object.entries(podLabels)) for (const pdb of index.byPair.get(`${k}=${v}`) ?? []) candidates.add(pdb);
  // input order, for deterministic messages (only the candidates are looked at: linear in the input)
  return [...candidates].filter(p => selectorMatches(asRecord(p.spec)?.selector, podLabels)).sort((a, b) => index.position.get(a)! - index.position.get(b)!);
}

/** Why `pdb` lets no pod of `replicas` be evicted, or undefined if it allows at least one. */
function blocksEviction(pdb: KubeObject, replicas: number): string | undefined {
  const spec = asRecord(pdb.spec) ?? {};
  const percent = (v: unknown) => (typeof v === 'string' && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined);
  const { maxUnavailable, minAvailable } = spec;
  if (maxUnavailable === 0 || percent(maxUnavailable) === 0) return `maxUnavailable ${JSON.stringify(maxUnavailable)}`;
  if (typeof minAvailable === 'number' && minAvailable >= replicas) return `minAvailable ${minAvailable} of ${replicas} replicas`;
  if (percent(minAvailable) === 100) return `minAvailable ${JSON.stringify(minAvailable)}`;
  return undefined;
}

/**
 * HARDENED-10: a Deployment or StatefulSet runs at least 2 replicas (its HorizontalPodAutoscaler's
 * `minReplicas` when one targets it, else `spec.replicas`, which defaults to 1) and a
 * PodDisruptionBudget in its namespace selects its pods and lets at least one be evicted.
 *
 * No CIS or NSA/CISA item covers availability; this follows the Kubernetes documentation
 * "Specifying a Disruption Budget for your Application" (both guides count denial of service
 * among the threats they address).
 */
export const replicasAndDisruptionBudget: Rule = {
  id: 'HARDENED-10',
  severity: 'error',
  name: 'replicas-and-disruption-budget',
  summary: 'Deployments and StatefulSets run 2+ replicas, protected by a PodDisruptionBudget that still allows drains.',
  explanation: 'A single replica goes down with every node drain, upgrade, eviction or crash, and without a PodDisruptionBudget a drain may evict all replicas at once; a budget that allows no eviction blocks node maintenance (and so security patching) instead.',
  fix: 'set replicas (or the autoscaler\'s minReplicas) to 2 or more and add a PodDisruptionBudget selecting the pods with maxUnavailable: 1',
  appliesTo: 'Deployments and StatefulSets (apps/v1)',
  references: [k8sDocs('Specifying a Disruption Budget for your Application')],
  evaluate(object: KubeObject, context) {
    if (!KINDS.has(object.kind) || apiGroup(object.apiVersion) !== 'apps') return NOT_APPLICABLE;
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const namespace = namespaceOf(object);
    const name = object.metadata?.name;
    const hpa = autoscalerIndex(context, namespace).get(`${object.kind}/${name}`);
    let replicas: number;
    const violations: RuleViolation[] = [];
    if (hpa) {
      const min = asRecord(hpa.spec)?.minReplicas;
      replicas = typeof min === 'number' ? min : 1;
      if (replicas < 2) {
        violations.push({
          message: `HorizontalPodAutoscaler ${JSON.stringify(hpa.metadata?.name)} may scale it down to ${replicas} replica`,
          path: 'spec.replicas',
          fix: 'set the autoscaler\'s minReplicas to 2 or more',
        });
      }
    } else {
      const own = asRecord(object.spec)?.replicas;
      replicas = typeof own === 'number' ? own : 1;
      if (replicas < 2) {
        violations.push({ message: own === undefined ? 'sets no replicas, so it runs 1' : `runs ${replicas} replica${replicas === 1 ? '' : 's'}`, path: 'spec.replicas' });
      }
    }
    if (violations.length > 0) return judge(violations);
    const budgets = matchingBudgets(context, namespace, labelsOf(pod.metadata));
    if (budgets.length === 0) {
      return judge([{ message: `no PodDisruptionBudget in namespace ${JSON.stringify(namespace)} selects its pods`, path: `${pod.metadataPath}.labels` }]);
    }
    const blocking = budgets.map(b => [b, blocksEviction(b, replicas)] as const).filter(([, why]) => why !== undefined);
    return judge(blocking.map(([b, why]) => ({
      message: `PodDisruptionBudget ${JSON.stringify(b.metadata?.name)} allows no eviction (${why}), which blocks node drains`,
      path: `${pod.metadataPath}.labels`,
      fix: 'set the budget to maxUnavailable: 1 (or a minAvailable below the replica count)',
    })));
  },
};
