import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { apiGroup } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';

/** One rule of a Role or ClusterRole (rbac.authorization.k8s.io/v1 PolicyRule), as written. */
export interface RbacPolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** The verbs of the Kubernetes API's resources (what RBAC authorizes for them). */
export const RBAC_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** One thing wrong with one field of a policy rule: the field (relative to the rule), the value, why, the fix. */
export interface RbacRuleProblem {
  readonly field: 'apiGroups' | 'resources' | 'verbs' | 'resourceNames' | 'nonResourceURLs';
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

// verbs that let a subject gain rights it was not granted (CIS 5.1.8)
const PRIVILEGE_VERBS = new Map([
  ['escalate', 'lets the subject create or update Roles with rights it does not have itself'],
  ['bind', 'lets the subject bind any Role, and so grant itself its rights'],
  ['impersonate', 'lets the subject act as another user, group or ServiceAccount, with their rights'],
]);
// subresources that are a shell, a network tunnel or a credential (CIS 5.1.10, 5.1.13)
const DANGEROUS_SUBRESOURCES = new Map([
  ['pods/exec', 'runs commands in any pod of the namespace'],
  ['pods/attach', 'attaches to the processes of any pod of the namespace'],
  ['pods/portforward', 'tunnels to any port of any pod of the namespace, past its NetworkPolicies'],
  ['nodes/proxy', 'reaches the kubelet API of the nodes, which runs commands in every pod of the node'],
  ['serviceaccounts/token', 'mints tokens of any ServiceAccount of the namespace, with their rights'],
  ['pods/proxy', 'tunnels to any port of any pod of the namespace through the API server, past its NetworkPolicies'],
  ['services/proxy', 'tunnels to any Service of the namespace through the API server, past its NetworkPolicies'],
  ['pods/ephemeralcontainers', 'adds a container to a running pod: a shell in it, with its identity and volumes'],
  ['certificatesigningrequests/approval', 'approves certificate requests: client certificates for any user or node'],
]);
// creating these is a privilege of its own (CIS 5.1.4): a pod runs as any ServiceAccount and mounts any
// Secret of the namespace; a Secret of type kubernetes.io/service-account-token mints a lasting token
const CREATE_IS_PRIVILEGE = new Map([
  ['pods', 'lets the workload start pods that run as any ServiceAccount and mount any Secret of the namespace (CIS 5.1.4)'],
  ['secrets', 'lets the workload create a kubernetes.io/service-account-token Secret: a lasting token of any ServiceAccount of the namespace'],
]);
const READS_ALL_SECRETS = new Set(['list', 'watch']);
// RBAC cannot check the name of an object being created, nor of a collection being deleted
const NAMELESS_VERBS = new Set(['create', 'deletecollection']);
const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;

/**
 * What is wrong with one rule of a Role (`scope: 'namespace'`) or ClusterRole (`'cluster'`), for
 * least privilege: wildcards, verbs that escalate, reading every Secret, shells and tunnels into
 * pods, the kubelet API, minting tokens, names RBAC cannot restrict, non-resource URLs. The one
 * place that knows it: HARDENED-17 runs it on the rendered objects, `grantApi` on its input.
 */
export function rbacRuleProblems(rule: RbacPolicyRule): RbacRuleProblem[] {
  const problems: RbacRuleProblem[] = [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  const verbs = rule.verbs ?? [];
  const names = rule.resourceNames ?? [];
  for (const [field, list] of [['apiGroups', groups], ['resources', resources], ['verbs', verbs]] as const) {
    if (list.some(x => x === '*' || x.includes('*'))) {
      problems.push({ field, value: list, problem: 'has a wildcard, which grants what exists now and every API, resource or verb added later', fix: `list the ${field} the workload uses, e.g. ${field === 'verbs' ? '["get", "watch"]' : field === 'resources' ? '["configmaps"]' : '[""] for the core group'}` });
    }
  }
  if ((rule.nonResourceURLs ?? []).length > 0) {
    problems.push({ field: 'nonResourceURLs', value: rule.nonResourceURLs, problem: 'grants non-resource URLs (/metrics, /debug, ...), which a workload does not need', fix: 'drop nonResourceURLs; scrape metrics through the monitoring stack' });
  }
  for (const verb of verbs) {
    const why = PRIVILEGE_VERBS.get(verb);
    if (why) problems.push({ field: 'verbs', value: verb, problem: `${why} (CIS 5.1.8)`, fix: `drop "${verb}"; grant the rights themselves, reviewed` });
    else if (verb !== '*' && !RBAC_VERBS.includes(verb)) problems.push({ field: 'verbs', value: verb, problem: `is not a verb a workload is granted here (${RBAC_VERBS.join(', ')}; use, approve, sign and attest belong to the platform's own Roles)`, fix: 'use one of those verbs' });
  }
  for (const resource of resources) {
    const why = DANGEROUS_SUBRESOURCES.get(resource);
    if (why) problems.push({ field: 'resources', value: resource, problem: `${why}`, fix: `drop "${resource}"; a workload that needs it is an operator tool, not an application` });
    else if (resource !== '*' && !RESOURCE.test(resource)) problems.push({ field: 'resources', value: resource, problem: 'is not a resource name (lowercase plural, optionally /subresource)', fix: 'write the resource as the API names it, e.g. "configmaps" or "pods/log"' });
  }
  if (groups.length === 0 || groups.includes('')) {
    for (const [resource, why] of CREATE_IS_PRIVILEGE) {
      if (resources.includes(resource) && verbs.includes('create')) problems.push({ field: 'verbs', value: 'create', problem: `on ${resource} ${why}`, fix: `drop "create" on ${resource}; a workload that starts pods or mints tokens is an operator, reviewed as one` });
    }
  }
  if (resources.includes('secrets') && (groups.length === 0 || groups.includes(''))) {
    const reading = verbs.filter(v => READS_ALL_SECRETS.has(v));
    if (reading.length > 0) problems.push({ field: 'verbs', value: reading, problem: 'on secrets reads every Secret of the namespace, whatever resourceNames say (CIS 5.1.2)', fix: 'grant "get" on the Secrets by resourceNames, or mount them as volumes' });
    else if (verbs.includes('get') && names.length === 0) problems.push({ field: 'resourceNames', value: names, problem: 'is empty while "get" on secrets is granted: every Secret of the namespace can be read by its name (CIS 5.1.2)', fix: 'list the Secrets the workload reads in resourceNames, or mount them as volumes' });
  }
  if (names.length > 0) {
    const nameless = verbs.filter(v => NAMELESS_VERBS.has(v));
    if (nameless.length > 0) problems.push({ field: 'resourceNames', value: names, problem: `cannot restrict ${nameless.map(v => `"${v}"`).join(', ')}: RBAC does not know the name of an object being created or deleted in bulk, so the verb is granted for every name`, fix: 'put those verbs in a rule of their own, without resourceNames' });
    if (names.some(n => typeof n !== 'string' || n === '')) problems.push({ field: 'resourceNames', value: names, problem: 'has an empty name', fix: 'list the names of the objects, or leave resourceNames out' });
  }
  if (groups.length === 0) problems.push({ field: 'apiGroups', value: groups, problem: 'is empty, so the rule grants nothing', fix: 'list the API groups, [""] for the core group (configmaps, secrets, pods)' });
  if (resources.length === 0 && (rule.nonResourceURLs ?? []).length === 0) problems.push({ field: 'resources', value: resources, problem: 'is empty, so the rule grants nothing', fix: 'list the resources' });
  if (verbs.length === 0) problems.push({ field: 'verbs', value: verbs, problem: 'is empty, so the rule grants nothing', fix: 'list the verbs' });
  return problems;
}

const ROLE_KINDS = new Set(['Role', 'ClusterRole']);
const BINDING_KINDS = new Set(['RoleBinding', 'ClusterRoleBinding']);
// Kubernetes' built-in user-facing ClusterRoles (RBAC "User-facing roles"): each grants far more than a workload needs
const BUILT_IN_ROLES = new Map([
  ['cluster-admin', 'every right on every resource'],
  ['admin', 'every right in the namespace, Roles and RoleBindings included'],
  ['edit', 'read and write on most objects of the namespace, Secrets and pods/exec included'],
]);

/**
 * HARDENED-17: Roles and ClusterRoles grant least privilege: no wildcards, no escalate, bind or
 * impersonate, no list or watch of Secrets, no pods/exec, attach, portforward, proxy or
 * ephemeral containers, no nodes/proxy, no minting of ServiceAccount tokens or certificates, no
 * creating pods or Secrets, no resourceNames on verbs they cannot restrict; and no binding to the
 * built-in cluster-admin, admin, edit or system: ClusterRoles.
 *
 * Implements: CIS Kubernetes Benchmark 5.1.2 "Minimize access to secrets", 5.1.3 "Minimize
 * wildcard use in Roles and ClusterRoles", 5.1.4 "Minimize access to create pods", 5.1.8 "Limit use of the Bind, Impersonate and Escalate
 * permissions in the Kubernetes cluster", 5.1.10 "Minimize access to the proxy sub-resource of
 * nodes", 5.1.13 "Minimize access to the service account token creation"; NSA/CISA
 * Authentication and authorization / Role-based access control.
 */
export const rbacLeastPrivilege: Rule = {
  id: 'HARDENED-17',
  severity: 'error',
  name: 'rbac-least-privilege',
  summary: 'Roles and ClusterRoles grant named resources and verbs only: no wildcards, no escalation, no Secret listing, no exec or tunnels, no token minting.',
  explanation: 'A Role is what a stolen ServiceAccount token is worth. Wildcards grant every API added later; escalate, bind and impersonate turn a narrow Role into cluster-admin; list or watch on Secrets reads every credential of the namespace; pods/exec, attach and portforward are a shell and a tunnel past the NetworkPolicies; nodes/proxy reaches the kubelet; serviceaccounts/token mints other identities.',
  fix: 'grant explicit API groups, resources and verbs, with resourceNames where the verb allows it (workload.grantApi checks the same at construction)',
  appliesTo: 'Role, ClusterRole, RoleBinding and ClusterRoleBinding objects (rbac.authorization.k8s.io)',
  references: [
    cis('5.1.2', 'Minimize access to secrets'),
    cis('5.1.3', 'Minimize wildcard use in Roles and ClusterRoles'),
    cis('5.1.4', 'Minimize access to create pods'),
    cis('5.1.8', 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster'),
    cis('5.1.10', 'Minimize access to the proxy sub-resource of nodes'),
    cis('5.1.13', 'Minimize access to the service account token creation'),
    nsa('Authentication and authorization / Role-based access control'),
  ],
  evaluate(object: KubeObject) {
    if (apiGroup(object.apiVersion) !== 'rbac.authorization.k8s.io') return NOT_APPLICABLE;
    if (BINDING_KINDS.has(String(object.kind))) {
      const ref = (object.roleRef ?? {}) as { kind?: string; name?: string };
      const role = typeof ref.name === 'string' ? ref.name : '';
      const why = ref.kind === 'ClusterRole' ? (BUILT_IN_ROLES.get(role) ?? (role.startsWith('system:') ? 'a role Kubernetes keeps for its own components' : undefined)) : undefined;
      return judge(why ? [{ message: `binds the built-in ClusterRole "${role}": ${why}`, path: 'roleRef.name', fix: 'bind a Role with the rules the subjects need (workload.grantApi writes one)' }] : []);
    }
    if (!ROLE_KINDS.has(String(object.kind))) return NOT_APPLICABLE;
    const rules = Array.isArray(object.rules) ? object.rules as RbacPolicyRule[] : [];
    const violations: RuleViolation[] = [];
    rules.forEach((rule, i) => {
      for (const p of rbacRuleProblems(rule ?? {})) {
        violations.push({ message: `rule ${i}: ${p.field} ${JSON.stringify(p.value)} ${p.problem}`, path: `rules[${i}].${p.field}`, fix: p.fix });
      }
    });
    if (object.aggregationRule !== undefined) {
      violations.push({ message: 'aggregates the rules of other ClusterRoles by label, so it grants whatever a labelled ClusterRole adds later', path: 'aggregationRule', fix: 'list the rules in the ClusterRole itself' });
    }
    return judge(violations);
  },
};
