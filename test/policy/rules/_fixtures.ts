import type { KubeObject } from '../../../policy/kube-object';
import { createRuleContext, type Rule, type RuleResult, type RuleViolation } from '../../../policy/rules';

/** A syntactically valid sha256 digest. */
export const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

type Mutable = { [key: string]: any };

/** A deep copy of `object`, changed by `change`. */
export function variant(object: KubeObject, change: (o: Mutable) => void): KubeObject {
  const copy = JSON.parse(JSON.stringify(object)) as Mutable;
  change(copy);
  return copy as KubeObject;
}

/** A container that every container rule accepts. */
export function goodContainer(name = 'app'): Mutable {
  return {
    name,
    image: `registry.example.com/team/${name}@${DIGEST}`,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
  };
}

/** A Deployment `shop/web` that every rule accepts (with {@link goodNeighbours}). */
export function goodDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'front' } },
        spec: { serviceAccountName: 'web', automountServiceAccountToken: false, containers: [goodContainer()] },
      },
    },
  };
}

/** The Namespace, default-deny policy, ServiceAccount and PodDisruptionBudget next to {@link goodDeployment}. */
export function goodNeighbours(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny-all', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } },
  ];
}

/** Runs one rule on `object` with `others` in the context. */
export function evaluate(rule: Rule, object: KubeObject, others: readonly KubeObject[] = goodNeighbours()): RuleResult {
  return rule.evaluate(object, createRuleContext([...others, object]));
}

/** The violations of a result (empty unless non-compliant). */
export function violations(result: RuleResult): readonly RuleViolation[] {
  return result.status === 'non-compliant' ? result.violations : [];
}
