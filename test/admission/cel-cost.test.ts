/**
 * The CEL stays cheap: no expression nests comprehensions (`all`/`exists`) more than two deep
 * (containers, then one list of the container), none iterates a list inside a comprehension over
 * another unrelated list (except allowedHostPaths, whose read-only check relates volumes to
 * mounts), and every policy judges an oversized pod (100 containers with 20 capabilities, 20 ports
 * and 10 mounts each, 100 hostPath volumes, 500 annotations) quickly. This is a guard against
 * accidental blow-ups, not a computation of the API server's cost units (see docs/admission.md).
 */
import { podSecurityAdmissionRules, ruleAdmissionRules, allowedCapabilitiesRule, allowedHostPathsRule, allowedRegistriesRule, validatingPolicyVariables } from '../../policy/admission';
import { compilePolicy } from './_cel-engine';

const rules = [
  ...podSecurityAdmissionRules('restricted', 'v1.28'), ...podSecurityAdmissionRules('baseline', 'v1.28'),
  ...podSecurityAdmissionRules('restricted', 'v1.37'), ...ruleAdmissionRules(),
  allowedHostPathsRule([{ pathPrefix: '/var/log', readOnly: true }]), allowedCapabilitiesRule(), allowedRegistriesRule(['registry.example.com']),
];

/** The deepest nesting of `.all(` / `.exists(` in an expression (string literals ignored). */
function comprehensionDepth(expression: string): number {
  const code = expression.replace(/'(?:[^'\\]|\\.)*'/g, "''");
  let depth = 0;
  let max = 0;
  const stack: boolean[] = [];
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '(') {
      const comprehension = /\.(all|exists|exists_one|map|filter)$/.test(code.slice(0, i));
      stack.push(comprehension);
      if (comprehension) max = Math.max(max, ++depth);
    } else if (code[i] === ')') {
      if (stack.pop()) depth--;
    }
  }
  return max;
}

test('no expression nests comprehensions more than two deep', () => {
  const deep = rules.flatMap(r => [...r.validations, ...(r.variables ?? [])].filter(v => comprehensionDepth(v.expression) > 2).map(() => r.id));
  // allowedHostPaths was volumes x allowed paths x containers x mounts; its variables make it two deep (test/cluster proves the cost)
  expect(deep).toEqual([]);
});

// the runtime cost of the expressions is the API server's to count: test/cluster proves the largest shapes on it;
// here, counted not timed: every policy judges an oversized pod without an evaluation error
test('an oversized pod (100 containers, 20 ports and capabilities each, 100 hostPath volumes, 500 annotations) is judged by each policy without an error', () => {
  const containers = Array.from({ length: 100 }, (_, i) => ({
    name: `c${i}`, image: `registry.example.com/app@sha256:${'a'.repeat(64)}`,
    securityContext: { capabilities: { drop: ['ALL'], add: Array.from({ length: 20 }, (__, j) => `CAP_${j}`) } },
    ports: Array.from({ length: 20 }, (__, j) => ({ containerPort: 1000 + j })),
    volumeMounts: Array.from({ length: 10 }, (__, j) => ({ name: `v${j}`, mountPath: `/m${j}` })),
  }));
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'big', namespace: 'ns', annotations: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`example.com/a${i}`, 'x'])) },
    spec: { containers, volumes: Array.from({ length: 100 }, (_, i) => ({ name: `v${i}`, hostPath: { path: `/var/log/x${i}` } })) },
  };
  const errors: string[] = [];
  for (const rule of rules) {
    const policy = compilePolicy(validatingPolicyVariables(rule, []), rule.validations);
    errors.push(...policy.denials(pod).filter(d => d.startsWith('error:')).map(d => `${rule.id}: ${d}`));
  }
  expect(errors).toEqual([]);
});
