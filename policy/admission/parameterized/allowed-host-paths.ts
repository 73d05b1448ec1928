import type { KubeObject } from '../../kube-object';
import { podTemplateOf } from '../../pss/pod-template';
import { guarded } from '../exemptions';
import { AdmissionRuleSource, type AdmissionRule } from '../types';

/** One host path prefix a hostPath volume may use. */
export interface AllowedHostPath {
  /** `/foo` allows `/foo` and `/foo/bar`, not `/food`. A trailing `/` is ignored. */
  readonly pathPrefix: string;
  /** When true, every mount of such a volume must be `readOnly: true`. */
  readonly readOnly: boolean;
}

/** The rule id of {@link allowedHostPathsRule}. */
export const ALLOWED_HOST_PATHS_ID = 'allowedHostPaths';

function normalize(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function under(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** CEL: hostPath volume `v` lies under allowed prefix `a`. */
const UNDER = "(a.pathPrefix == '/' || v.hostPath.path == a.pathPrefix || v.hostPath.path.startsWith(a.pathPrefix + '/'))";

/**
 * The rule's variables, so that its cost is linear in the pod's size: the hostPath volumes; and,
 * as one `,a,b,` string, the names of those that no writable prefix allows (volume names are DNS
 * labels, without commas), which every mount is checked against once.
 */
const VARIABLES = [
  { name: 'hostPathVolumes', expression: 'has(variables.podSpec.volumes) ? variables.podSpec.volumes.filter(v, has(v.hostPath)) : []' },
  {
    name: 'readOnlyHostPathVolumes',
    expression: `',' + variables.hostPathVolumes.filter(v, !variables.params.allowedHostPaths.exists(a, !a.readOnly && ${UNDER})).map(v, v.name).join(',') + ','`,
  },
];

// Cost: volumes x prefixes + mounts x (names of read-only host-path volumes): the real API server
// admits a 40 containers x 80 mounts x 40 hostPath volumes pod under the runtime cost limit
// (test/cluster), which volumes x prefixes x containers x mounts exceeded.
const CEL = `variables.hostPathVolumes.all(v, variables.params.allowedHostPaths.exists(a, ${UNDER}))`
  + " && (variables.readOnlyHostPathVolumes == ',,' || variables.containers.all(c, !has(c.volumeMounts)"
  + " || c.volumeMounts.all(m, (has(m.readOnly) && m.readOnly == true) || !variables.readOnlyHostPathVolumes.contains(',' + m.name + ','))))";

/**
 * `allowedHostPaths` (the seed's `k8spsphostfilesystem`): hostPath volumes only under the
 * allowed prefixes, mounted read-only where the prefix says so; no allowed paths forbid every
 * hostPath volume. For namespaces that Pod Security does not already hold to baseline (which
 * forbids hostPath volumes altogether).
 */
export function allowedHostPathsRule(allowed: readonly AllowedHostPath[] = []): AdmissionRule {
  const paths = allowed.map(a => ({ pathPrefix: normalize(a.pathPrefix), readOnly: a.readOnly }));
  return {
    id: ALLOWED_HOST_PATHS_ID,
    source: AdmissionRuleSource.PARAMETERIZED,
    description: 'hostPath volumes only under the allowed path prefixes, read-only where required',
    validations: [{ expression: guarded(CEL), message: `${ALLOWED_HOST_PATHS_ID}: a hostPath volume is outside the allowed host paths or is mounted writable where they require read-only` }],
    variables: VARIABLES,
    parameterSchema: {
      allowedHostPaths: {
        type: 'array',
        description: 'Host path prefixes that hostPath volumes may use.',
        items: { type: 'object', properties: { pathPrefix: { type: 'string' }, readOnly: { type: 'boolean' } }, required: ['pathPrefix', 'readOnly'] },
      },
    },
    parameters: { allowedHostPaths: paths },
    admits(object: KubeObject): boolean {
      const pod = podTemplateOf(object);
      if (!pod) return true;
      const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes as Record<string, unknown>[] : [];
      const mounts = ['initContainers', 'containers', 'ephemeralContainers']
        .flatMap(l => (Array.isArray(pod.spec[l]) ? pod.spec[l] as Record<string, unknown>[] : []))
        .flatMap(c => (Array.isArray(c.volumeMounts) ? c.volumeMounts as Record<string, unknown>[] : []));
      return volumes.every(v => {
        const hostPath = v.hostPath as Record<string, unknown> | undefined;
        if (hostPath === undefined || hostPath === null) return true;
        const path = String(hostPath.path);
        return paths.some(a => under(path, a.pathPrefix)
          && (!a.readOnly || mounts.every(m => m.name !== v.name || m.readOnly === true)));
      });
    },
  };
}
