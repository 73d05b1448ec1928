/**
 * The Constraint CRDs of Gatekeeper ConstraintTemplates, made by Gatekeeper's own code: the test
 * cluster runs no Gatekeeper controller (it needs a webhook the API server can reach in a pod),
 * so `cluster/gatekeeper/constraint-crds`, built from github.com/open-policy-agent/gatekeeper/v3
 * v3.23.1, creates them the way its constrainttemplate controller does.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { KubeJson } from './kube-client';
import { buildCluster, REPO_ROOT } from './test-cluster';

/** The directory of the Gatekeeper binaries (constraint-crds, gator). */
export const GATEKEEPER_BIN = path.join(REPO_ROOT, '.cluster', 'bin', 'gatekeeper');

/**
 * The CRD Gatekeeper's controller creates for each template (building the tool first if needed).
 * @throws Error with the tool's message when a template is invalid to Gatekeeper
 */
export function constraintCrdsOf(templates: readonly KubeJson[]): KubeJson[] {
  buildCluster('gatekeeper');
  const input = templates.map(t => JSON.stringify(t)).join('\n');
  const r = spawnSync(path.join(GATEKEEPER_BIN, 'constraint-crds'), [], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`Gatekeeper's constraint-crds failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return (JSON.parse(r.stdout) as { items: KubeJson[] }).items;
}
