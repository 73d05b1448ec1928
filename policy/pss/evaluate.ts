import type { KubeObject } from '../kube-object';
import { buildPodContext, FindingSink } from './context';
import { parsePssLevel } from './level';
import { podTemplateOf } from './pod-template';
import { activeChecks } from './registry';
import type { PssFinding, PssLevel } from './types';
import { parsePssVersion } from './version';

/**
 * Checks one object against a Pod Security Standards level and version, like the upstream
 * `pod-security-admission` controller would for its pod (template).
 *
 * Non-pod-bearing objects (see {@link podTemplateOf}) and the `privileged` level give no findings.
 * The object is only read, never copied or modified.
 *
 * @param obj any Kubernetes object
 * @param level `privileged`, `baseline` or `restricted`
 * @param version `latest`, `v1.N` or `1.N`; versions above {@link PSS_LATEST_VERSION} evaluate as it
 * @returns the findings, in check order (baseline checks first) and then field order; empty when allowed
 * @throws Error on an invalid level or version
 */
export function checkPodSecurity(obj: KubeObject, level: PssLevel, version: string): PssFinding[] {
  const checks = activeChecks(parsePssLevel(level), parsePssVersion(version).minor);
  if (checks.length === 0) {
    return [];
  }
  const view = podTemplateOf(obj);
  if (view === undefined) {
    return [];
  }
  const pod = buildPodContext(view);
  const sink = new FindingSink();
  for (const active of checks) {
    sink.begin(active.check);
    active.evaluate(pod, sink);
  }
  return sink.findings;
}
