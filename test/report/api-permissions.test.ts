/** The report's "API access" section: who may do what, from the RBAC objects among the inputs. */
import { renderApiAccess } from '../../analysis/report/api-permissions';
import type { KubeObject } from '../../policy/kube-object';

const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'worker-api', namespace: 'shop' },
  rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['leader'] }] };
const binding = (kind: string, roleKind: string, name: string, subject: Record<string, string>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: `b-${name}`, ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name }, subjects: [subject],
});

test('one row per subject, one line per permission; a role not among the inputs is named, cluster-wide grants say so', () => {
  const lines = renderApiAccess([
    role,
    binding('RoleBinding', 'Role', 'worker-api', { kind: 'ServiceAccount', name: 'worker', namespace: 'shop' }),
    binding('ClusterRoleBinding', 'ClusterRole', 'view', { kind: 'Group', name: 'auditors' }),
  ]);
  expect(lines.slice(6)).toEqual([
    '| `Group auditors` | bound to ClusterRole view (not among the inputs) (cluster-wide) |',
    '| `ServiceAccount shop/worker` | get coordination.k8s.io/leases/leader in shop<br>update coordination.k8s.io/leases/leader in shop |',
  ]);
  expect(renderApiAccess([role])).toEqual([]); // a Role bound to nobody grants nothing
});
