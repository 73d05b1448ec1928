import type { KubeObject } from '../../kube-object';
import { nsa } from '../_references';
import { asRecord, containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';

const REQUIRED = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] as const;

function isSet(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * HARDENED-3: every container and init container (native sidecars included) declares cpu and
 * memory requests and limits. Ephemeral containers cannot declare resources and are not judged.
 * A namespace LimitRange default does not count: the manifest itself must say what the
 * container needs, so that it can be reviewed and the scheduler can place it.
 *
 * Implements: NSA/CISA "Network separation and hardening / Resource policies" (the
 * per-container side of LimitRanges and ResourceQuotas).
 */
export const requestsAndLimits: Rule = {
  id: 'HARDENED-3',
  severity: 'error',
  name: 'resource-requests-and-limits',
  summary: 'Every container declares cpu and memory requests and limits.',
  explanation: 'Without requests the scheduler places pods blindly and they are the first evicted under pressure; without limits one compromised or leaking container can starve every other pod on its node (a denial of service, or cryptomining on your bill).',
  fix: 'set resources.requests and resources.limits for cpu and memory on the container',
  appliesTo: 'pod-bearing objects; containers and init containers',
  references: [nsa('Network separation and hardening / Resource policies')],
  admission: {
    cel: '((has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : []) + (has(variables.podSpec.containers) ? variables.podSpec.containers : []))'
      + ".all(c, has(c.resources) && has(c.resources.requests) && has(c.resources.limits)"
      + " && 'cpu' in c.resources.requests && 'memory' in c.resources.requests && 'cpu' in c.resources.limits && 'memory' in c.resources.limits)",
    differences: 'a blank quantity string counts as missing in evaluate; the API server rejects it before admission',
  },
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    for (const c of containersOf(pod, ['initContainers', 'containers'])) {
      const resources = asRecord(c.container.resources);
      const missing = REQUIRED.filter(field => {
        const [group, name] = field.split('.');
        return !isSet(asRecord(resources?.[group])?.[name]);
      });
      if (missing.length > 0) {
        violations.push({ message: `${label(c)} declares no ${missing.join(', ')}`, path: `${c.path}.resources` });
      }
    }
    return judge(violations);
  },
};
