import type { KubeObject } from '../../kube-object';
import { podTemplateOf } from '../../pss/pod-template';
import { guarded } from '../exemptions';
import { AdmissionRuleSource, type AdmissionRule } from '../types';

/** The rule id of {@link allowedRegistriesRule}. */
export const ALLOWED_REGISTRIES_ID = 'allowedRegistries';

const CEL = 'variables.containers.all(c, has(c.image) && variables.params.allowedRegistries.exists(r, c.image.startsWith(r)))';

/** `registry.example.com` and `registry.example.com/team` become `registry.example.com/` and `registry.example.com/team/`. */
export function registryPrefix(registry: string): string {
  return registry.endsWith('/') ? registry : `${registry}/`;
}

/**
 * `allowedRegistries`: every image (containers, init and ephemeral containers) comes from one of
 * the allowed registries or repository prefixes (`registry.example.com`, `ghcr.io/acme`), compared
 * as `<prefix>/` so that `registry.example.com.evil.io` does not pass.
 */
export function allowedRegistriesRule(registries: readonly string[]): AdmissionRule {
  const prefixes = registries.map(registryPrefix);
  return {
    id: ALLOWED_REGISTRIES_ID,
    source: AdmissionRuleSource.PARAMETERIZED,
    description: `images only from ${prefixes.join(', ')}`,
    validations: [{ expression: guarded(CEL), message: `${ALLOWED_REGISTRIES_ID}: an image is not from an allowed registry (${prefixes.join(', ')})` }],
    parameterSchema: { allowedRegistries: { type: 'array', description: 'Registry or repository prefixes images must start with (ending in /).', items: { type: 'string' } } },
    parameters: { allowedRegistries: prefixes },
    admits(object: KubeObject): boolean {
      const pod = podTemplateOf(object);
      if (!pod) return true;
      return ['initContainers', 'containers', 'ephemeralContainers']
        .flatMap(l => (Array.isArray(pod.spec[l]) ? pod.spec[l] as Record<string, unknown>[] : []))
        .every(c => typeof c.image === 'string' && prefixes.some(p => (c.image as string).startsWith(p)));
    },
  };
}
