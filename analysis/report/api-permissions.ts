/**
 * Who may do what through the Kubernetes API: every subject's atomic permissions from the
 * RoleBindings and ClusterRoleBindings among the objects (one reader, used by the report's
 * "API access" section and by the diff's RBAC items). Pure.
 */
import type { KubeObject } from '../../policy/kube-object';
import { asArray, asString, dictArray, path } from './read';
import { flattenObjects, namespaceOf } from './workloads';

/** One atomic permission: where, which verb, on what. */
export interface Permission {
  /** A namespace, or `*` for cluster-wide. */
  readonly scope: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  /** `*` for every name. */
  readonly name: string;
}

/** `get coordination.k8s.io/leases/x in ns`, `list namespaces (cluster-wide)`. */
export function permText(p: Permission): string {
  const what = p.resource === '' ? '' : ` ${p.group === '' ? '' : `${p.group}/`}${p.resource}${p.name === '*' ? '' : `/${p.name}`}`;
  return `${p.verb}${what}${p.scope === '*' ? ' (cluster-wide)' : ` in ${p.scope}`}`;
}

/** Whether permission `b` includes permission `a` (wildcards in `b` cover anything). */
export function covers(b: Permission, a: Permission): boolean {
  const m = (x: string, y: string): boolean => x === '*' || x === y;
  return m(b.scope, a.scope) && m(b.verb, a.verb) && m(b.group, a.group) && m(b.resource, a.resource) && m(b.name, a.name);
}

function strs(v: unknown): string[] {
  return (asArray(v) ?? []).filter((x): x is string => typeof x === 'string');
}

const PERMISSIONS = new WeakMap<readonly KubeObject[], ReadonlyMap<string, { namespace?: string; perms: Permission[] }>>();

/**
 * Every subject's permissions granted by the RoleBindings and ClusterRoleBindings among `objects`;
 * computed once per objects array (the report's API access section and its verdict read it both).
 */
export function permissionsBySubject(objects: readonly KubeObject[]): ReadonlyMap<string, { namespace?: string; perms: Permission[] }> {
  let known = PERMISSIONS.get(objects);
  if (known === undefined) {
    known = computePermissions(objects);
    PERMISSIONS.set(objects, known);
  }
  return known;
}

function computePermissions(objects: readonly KubeObject[]): Map<string, { namespace?: string; perms: Permission[] }> {
  const flat = flattenObjects(objects);
  const roles = new Map<string, KubeObject>();
  for (const o of flat) {
    if (o.kind === 'Role') roles.set(`Role ${namespaceOf(o)}/${o.metadata?.name ?? ''}`, o);
    if (o.kind === 'ClusterRole') roles.set(`ClusterRole ${o.metadata?.name ?? ''}`, o);
  }
  const out = new Map<string, { namespace?: string; perms: Permission[] }>();
  for (const binding of flat) {
    if (binding.kind !== 'RoleBinding' && binding.kind !== 'ClusterRoleBinding') continue;
    const scope = binding.kind === 'RoleBinding' ? namespaceOf(binding) : '*';
    const refKind = asString(path(binding, 'roleRef', 'kind')) ?? '';
    const refName = asString(path(binding, 'roleRef', 'name')) ?? '';
    const roleKey = refKind === 'Role' ? `Role ${scope}/${refName}` : `ClusterRole ${refName}`;
    const role = roles.get(roleKey);
    const perms: Permission[] = [];
    if (!role) {
      // a role not among the inputs (e.g. the built-in `view`): its name stands for its rules
      perms.push({ scope, verb: `bound to ${roleKey} (not among the inputs)`, group: '', resource: '', name: '*' });
    } else {
      for (const rule of dictArray(role.rules)) {
        const names = strs(rule.resourceNames);
        for (const verb of strs(rule.verbs)) {
          for (const group of strs(rule.apiGroups)) {
            for (const resource of strs(rule.resources)) {
              for (const name of names.length > 0 ? names : ['*']) perms.push({ scope, verb, group, resource, name });
            }
          }
          for (const url of strs(rule.nonResourceURLs)) perms.push({ scope: '*', verb, group: '', resource: `nonResourceURL ${url}`, name: '*' });
        }
      }
    }
    for (const s of dictArray(binding.subjects)) {
      const kind = asString(s.kind) ?? '';
      const name = asString(s.name) ?? '';
      const ns = kind === 'ServiceAccount' ? asString(s.namespace) ?? namespaceOf(binding) : undefined;
      const key = ns !== undefined ? `${kind} ${ns}/${name}` : `${kind} ${name}`;
      const entry = out.get(key) ?? { ...(ns !== undefined ? { namespace: ns } : {}), perms: [] };
      entry.perms.push(...perms);
      out.set(key, entry);
    }
  }
  return out;
}


/**
 * The report's "API access" section: per subject bound to a Role or ClusterRole, what it may do
 * (one line per permission, sorted), and whether a pod of the inputs mounts a token for it.
 * Empty (no section) when nothing is bound.
 */
export function renderApiAccess(objects: readonly KubeObject[]): string[] {
  const subjects = [...permissionsBySubject(objects)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (subjects.length === 0) return [];
  const out = ['## API access', '', 'Who may do what through the Kubernetes API (RoleBindings and ClusterRoleBindings among the inputs).', '', '| Subject | May |', '|---|---|'];
  for (const [subject, { perms }] of subjects) {
    const lines = [...new Set(perms.map(permText))].sort();
    out.push(`| \`${subject}\` | ${lines.map(l => l.replace(/\|/g, '\\|')).join('<br>')} |`);
  }
  return out;
}
