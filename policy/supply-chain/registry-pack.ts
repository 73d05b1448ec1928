/**
 * The registry allow-list at synth: a rule pack with one rule, `allowedRegistries`, the synth
 * form of the admission rule of the same id (policy/admission/parameterized/allowed-registries.ts).
 */
import { registryPrefix } from '../admission/parameterized/allowed-registries';
import { podTemplateOf } from '../pss/pod-template';
import { judge, NOT_APPLICABLE, type RulePack, type RuleViolation } from '../rules/types';

/** A pack with the rule `allowedRegistries`: every image comes from one of `registries` (compared as `<registry>/`). */
export function allowedRegistriesPack(registries: readonly string[]): RulePack {
  const prefixes = registries.map(registryPrefix);
  return {
    name: 'allowed-registries',
    rules: [{
      id: 'allowedRegistries',
      severity: 'error',
      name: 'allowed-registries',
      summary: `Every image comes from ${prefixes.join(', ')}.`,
      explanation: 'An image from an unknown registry bypasses the scanning, signing and retention of the registries the organisation runs, and a typo-squatted name runs whatever its owner pushed.',
      fix: `pull the image through one of ${prefixes.join(', ')}`,
      appliesTo: 'pod-bearing objects; all containers',
      references: [],
      evaluate(object) {
        const pod = podTemplateOf(object);
        if (!pod) return NOT_APPLICABLE;
        const violations: RuleViolation[] = [];
        for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
          const items = pod.spec[list];
          if (!Array.isArray(items)) continue;
          items.forEach((c: Record<string, unknown>, i: number) => {
            const image = c?.image;
            if (typeof image !== 'string' || !prefixes.some(p => image.startsWith(p))) {
              violations.push({ message: `container ${JSON.stringify(c?.name)} image ${JSON.stringify(image)} is not from an allowed registry`, path: `${pod.specPath}.${list}[${i}].image` });
            }
          });
        }
        return judge(violations);
      },
    }],
  };
}
