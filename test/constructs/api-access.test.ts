/**
 * `workload.grantApi`: least-privilege access to the Kubernetes API (issue 23, part 1). What is
 * written (Role, RoleBinding, projected token, egress to the API server), every refusal of the
 * issue with its path, field, value and fix, and HARDENED-17 on Roles an escape hatch widened.
 * The real API server's authorizer judges the grants in test/cluster/_api-access.ts.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { HardenedDeployment, KubernetesApiServer, type ApiGrant, type GrantApiOptions } from '../../constructs';
import { checkPodSecurity } from '../../policy/pss';
import { rbacLeastPrivilege } from '../../policy/rules/identity/rbac-least-privilege';
import { container, shopApp } from '../support/fixtures';
import { findObject, synthApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

const SERVER = KubernetesApiServer.at(['10.0.0.10/32'], 6443);
const LEASE: ApiGrant = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['worker-leader'] };

function worker() {
  const { app, chart } = shopApp();
  const w = new HardenedDeployment(chart, 'worker', { containers: [container({ name: 'worker' })] });
  return { app, w };
}

test('a grant writes a Role and a RoleBinding to the own ServiceAccount, a projected API token and egress to the API server only', () => {
  const { app, w } = worker();
  w.grantApi({ server: SERVER, rules: [LEASE, { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] }] });
  w.grantApi({ server: SERVER, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'], resourceNames: ['flags'] }] });
  const objects = synthApp(app);
  for (const o of objects) validateAgainstKubernetesSchema(o);
  const role = findObject(objects, 'Role', 'worker-api', 'shop');
  expect(role.rules).toEqual([
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['worker-leader'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'], resourceNames: ['flags'] },
  ]);
  const binding = findObject(objects, 'RoleBinding', 'worker-api', 'shop');
  expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'worker-api' });
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'worker', namespace: 'shop' }]);
  const deployment = findObject(objects, 'Deployment', 'worker', 'shop');
  const spec = (deployment.spec as any).template.spec; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(spec.automountServiceAccountToken).toBe(false);
  const volume = spec.volumes.find((x: { name: string }) => x.name === 'kube-api-access');
  expect(volume.projected.sources[0]).toEqual({ serviceAccountToken: { expirationSeconds: 3600, path: 'token' } });
  expect(spec.containers[0].volumeMounts).toContainEqual({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true });
  expect(checkPodSecurity(deployment, 'restricted', 'latest')).toEqual([]);
  const egress = objects.filter(o => o.kind === 'NetworkPolicy' && (o.spec as any).podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'worker' && (o.spec as any).egress) // eslint-disable-line @typescript-eslint/no-explicit-any
    .flatMap(o => (o.spec as any).egress); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(egress).toContainEqual({ ports: [{ port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.10/32' } }] });
  // without a grant: no Role, no token
  const plain = worker();
  expect(synthApp(plain.app).filter(o => o.kind === 'Role' || o.kind === 'RoleBinding')).toEqual([]);
});

test('cluster scope only with a reason: a ClusterRole and ClusterRoleBinding carrying it', () => {
  const { app, w } = worker();
  w.grantApi({ server: SERVER, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }], clusterScope: { reason: 'Lists namespaces to discover tenants; no Role can grant a cluster-scoped resource.' } });
  const objects = synthApp(app);
  const role = findObject(objects, 'ClusterRole', 'shop-worker-api');
  expect(role.metadata?.annotations?.['cdk8s-hardened.io/cluster-scope-reason']).toMatch(/^Lists namespaces/);
  expect(findObject(objects, 'ClusterRoleBinding', 'shop-worker-api').subjects).toEqual([{ kind: 'ServiceAccount', name: 'worker', namespace: 'shop' }]);
});

const REFUSED: [string, Partial<GrantApiOptions> & { rules?: ApiGrant[] }, string, RegExp][] = [
  ['a wildcard API group', { rules: [{ apiGroups: ['*'], resources: ['configmaps'], verbs: ['get'] }] }, 'grantApi.rules[0].apiGroups', /wildcard/],
  ['a wildcard resource', { rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] }, 'grantApi.rules[0].resources', /wildcard/],
  ['a wildcard verb', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }] }, 'grantApi.rules[0].verbs', /wildcard/],
  ['escalate', { rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }] }, 'grantApi.rules[0].verbs', /CIS 5\.1\.8/],
  ['bind', { rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['bind'] }] }, 'grantApi.rules[0].verbs', /bind any Role/],
  ['impersonate', { rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }] }, 'grantApi.rules[0].verbs', /act as another/],
  ['list on secrets', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] }, 'grantApi.rules[0].verbs', /every Secret/],
  ['watch on secrets with names', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'], resourceNames: ['db'] }] }, 'grantApi.rules[0].verbs', /whatever resourceNames say/],
  ['get on every secret', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }, 'grantApi.rules[0].resourceNames', /by its name/],
  ['pods/exec', { rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }] }, 'grantApi.rules[0].resources', /runs commands/],
  ['pods/attach', { rules: [{ apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] }] }, 'grantApi.rules[0].resources', /attaches/],
  ['pods/portforward', { rules: [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }] }, 'grantApi.rules[0].resources', /tunnels/],
  ['nodes/proxy', { rules: [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }] }, 'grantApi.rules[0].resources', /kubelet/],
  ['serviceaccounts/token creation', { rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }] }, 'grantApi.rules[0].resources', /mints tokens/],
  ['pods/proxy', { rules: [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] }] }, 'grantApi.rules[0].resources', /through the API server/],
  ['pods/ephemeralcontainers', { rules: [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }] }, 'grantApi.rules[0].resources', /adds a container to a running pod/],
  ['create on pods', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] }, 'grantApi.rules[0].verbs', /CIS 5\.1\.4/],
  ['create on secrets', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }] }, 'grantApi.rules[0].verbs', /service-account-token Secret/],
  ['an address that is not a CIDR', { server: KubernetesApiServer.at(['10.0.0.10'], 6443) }, 'grantApi.server.addresses[0]', /CIDR|cidr|prefix/],
  ['create restricted by name', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create'], resourceNames: ['x'] }] }, 'grantApi.rules[0].resourceNames', /cannot restrict "create"/],
  ['an unknown verb', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['read'] }] }, 'grantApi.rules[0].verbs', /not a verb/],
  ['no rules', { rules: [] }, 'grantApi.rules', /is empty/],
  ['an empty verb list', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: [] }] }, 'grantApi.rules[0].verbs', /grants nothing/],
  ['a bad API group', { rules: [{ apiGroups: ['Apps'], resources: ['deployments'], verbs: ['get'] }] }, 'grantApi.rules[0].apiGroups', /not an API group/],
  ['cluster scope without a reason', { clusterScope: { reason: 'TODO' } }, 'grantApi.clusterScope.reason', /shorter than|boilerplate/],
  ['an API server address wider than a control plane', { server: KubernetesApiServer.at(['0.0.0.0/0'], 443) }, 'grantApi.server.addresses[0]', /wider than a control plane/],
  ['no API server address', { server: KubernetesApiServer.at([], 443) }, 'grantApi.server', /no API server address/],
  ['a token shorter than the API server minimum', { tokenExpirationSeconds: 60 }, 'grantApi.tokenExpirationSeconds', /600/],
];

test.each(REFUSED)('refused: %s, naming the field, the value and the fix', (_, options, fieldPath, problem) => {
  const { w } = worker();
  let error: Error | undefined;
  try {
    w.grantApi({ server: SERVER, rules: [LEASE], ...options } as GrantApiOptions);
  } catch (e) {
    error = e as Error;
  }
  expect(error?.message).toMatch(new RegExp(`^\\[shop-workloads/worker/ApiAccess\\] ${fieldPath.replace(/[.[\]]/g, '\\$&')}: .* Fix: \\S`));
  expect(error?.message).toMatch(problem);
});

test('a second grant keeps the server, scope and token of the first', () => {
  const { w } = worker();
  w.grantApi({ server: SERVER, rules: [LEASE] });
  expect(() => w.grantApi({ server: KubernetesApiServer.at(['10.0.0.11/32'], 6443), rules: [LEASE] })).toThrow(/grantApi\.server: .* differs from the server of the first grantApi/);
  expect(() => w.grantApi({ server: SERVER, rules: [LEASE], tokenExpirationSeconds: 7200 })).toThrow(/on a further grant/);
});

test('HARDENED-17 judges the rendered Role: an escape hatch that widens it fails synth', () => {
  const { app, w } = worker();
  const access = w.grantApi({ server: SERVER, rules: [LEASE] });
  ApiObject.of(access.role).addJsonPatch(JsonPatch.add('/rules/-', { apiGroups: [''], resources: ['secrets'], verbs: ['list'] }));
  expect(() => synthApp(app)).toThrow(/HARDENED-17.*rule 1: verbs \["list"\] on secrets reads every Secret/s);
});

test('HARDENED-17 on Roles written by others: compliant, wildcards, aggregation, other kinds', () => {
  const role = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules, ...extra });
  const ctx = { objects: [], objectsOf: () => [], find: () => undefined, memo: <T>(_: string, f: () => T) => f() };
  expect(rbacLeastPrivilege.evaluate(role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['a'] }]), ctx)).toEqual({ status: 'compliant' });
  const admin = rbacLeastPrivilege.evaluate(role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), ctx);
  expect(admin.status === 'non-compliant' && admin.violations.map(x => x.path)).toEqual(['rules[0].apiGroups', 'rules[0].resources', 'rules[0].verbs']);
  const aggregated = rbacLeastPrivilege.evaluate(role([], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } }), ctx);
  expect(aggregated.status === 'non-compliant' && aggregated.violations.map(x => x.path)).toEqual(['aggregationRule']);
  expect(rbacLeastPrivilege.evaluate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Role' } }, ctx)).toEqual({ status: 'not-applicable' });
  // a binding to a built-in ClusterRole grants what no Role among the inputs shows
  const binding = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] });
  for (const name of ['cluster-admin', 'admin', 'edit', 'system:controller:job-controller']) {
    const r = rbacLeastPrivilege.evaluate(binding(name), ctx);
    expect(r.status === 'non-compliant' && r.violations.map(x => x.path)).toEqual(['roleRef.name']);
  }
  expect(rbacLeastPrivilege.evaluate(binding('view-flags'), ctx)).toEqual({ status: 'compliant' });
});
