import type { KubeObject } from '../../kube-object';
import { podTemplateOf } from '../../pss/pod-template';
import { guarded } from '../exemptions';
import { AdmissionRuleSource, type AdmissionRule } from '../types';

/** The rule id of {@link allowedCapabilitiesRule}. */
export const ALLOWED_CAPABILITIES_ID = 'allowedCapabilities';

const CEL = 'variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add))'
  + ' || c.securityContext.capabilities.add.all(a, a in variables.params.allowedCapabilities))';

/**
 * `allowedCapabilities`: containers may add only the listed capabilities (exact names, as the
 * API server and Pod Security compare them). Narrower than Pod Security restricted's
 * NET_BIND_SERVICE where a cluster wants none.
 */
export function allowedCapabilitiesRule(allowed: readonly string[] = ['NET_BIND_SERVICE']): AdmissionRule {
  const set = new Set(allowed);
  return {
    id: ALLOWED_CAPABILITIES_ID,
    source: AdmissionRuleSource.PARAMETERIZED,
    description: `containers add only the allowed capabilities (${allowed.join(', ') || 'none'})`,
    validations: [{ expression: guarded(CEL), message: `${ALLOWED_CAPABILITIES_ID}: a container adds a capability outside ${JSON.stringify(allowed)}` }],
    parameterSchema: { allowedCapabilities: { type: 'array', description: 'Capabilities a container may add.', items: { type: 'string' } } },
    parameters: { allowedCapabilities: [...allowed] },
    admits(object: KubeObject): boolean {
      const pod = podTemplateOf(object);
      if (!pod) return true;
      return ['initContainers', 'containers', 'ephemeralContainers']
        .flatMap(l => (Array.isArray(pod.spec[l]) ? pod.spec[l] as Record<string, unknown>[] : []))
        .every(c => {
          const add = ((c.securityContext as Record<string, unknown> | undefined)?.capabilities as Record<string, unknown> | undefined)?.add;
          return !Array.isArray(add) || add.every(a => set.has(a));
        });
    },
  };
}
