import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';

/** Environment variable names that carry credentials (whole words of the name, any case). */
export const CREDENTIAL_ENV_NAME = /(^|[_.-])(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API[_-]?KEY|APIKEY|ACCESS[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIALS?|AUTH|CLIENT[_-]?SECRET|CONNECTION[_-]?STRING|DSN)([_.-]|$)/i;

/**
 * HARDENED-16: no container sets an environment variable whose name looks like a credential
 * (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`...) to a plain `value`: the credential would be in the
 * manifests, in git and in every copy of the output. Values from a Secret (`valueFrom.secretKeyRef`)
 * are fine. A false positive (`PASSWORD_MIN_LENGTH=12`) is excepted with a reason.
 *
 * Implements: CIS Kubernetes Benchmark 5.4.1 "Prefer using Secrets as files over Secrets as
 * environment variables", in part (it asks for files; this rule asks for a Secret at all);
 * NSA/CISA "Network separation and hardening / Secrets", in part.
 */
export const noCredentialEnv: Rule = {
  id: 'HARDENED-16',
  severity: 'error',
  name: 'no-credential-env',
  summary: 'No credential-looking environment variable has a plain value.',
  explanation: 'A password, token or key written as a plain env value is in the manifests: whoever reads the repository, a CI log, the output or `kubectl get pod -o yaml` has it, and it cannot be rotated without a commit and a rollout.',
  fix: 'take the value from a Secret key (env valueFrom.secretKeyRef; in this library, envValueFrom: { NAME: EnvValueFrom.secretKey(secret, key) }), or mount the Secret as a file',
  appliesTo: 'pod-bearing objects; all containers',
  references: [
    cis('5.4.1', 'Prefer using Secrets as files over Secrets as environment variables', true),
    nsa('Network separation and hardening / Secrets', true),
  ],
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    for (const c of containersOf(pod, ['initContainers', 'containers', 'ephemeralContainers'])) {
      const env = Array.isArray(c.container.env) ? c.container.env : [];
      env.forEach((e: unknown, i: number) => {
        const entry = e as { name?: unknown; value?: unknown } | null;
        if (entry && typeof entry.name === 'string' && typeof entry.value === 'string' && entry.value !== '' && CREDENTIAL_ENV_NAME.test(entry.name)) {
          violations.push({ message: `${label(c)} sets ${entry.name} to a plain value`, path: `${c.path}.env[${i}].value` });
        }
      });
    }
    return judge(violations);
  },
};
