/**
 * `grantApi` judged by the real API server (issue 23, part 1): the Role and RoleBinding are
 * accepted; the RBAC authorizer (SubjectAccessReview) allows the ServiceAccount exactly what was
 * declared and denies its neighbours (another verb, another name, Secrets, exec, another
 * namespace, cluster scope); and a token the TokenRequest API mints for the ServiceAccount, with
 * the projected volume's expiry, does those things against the real API: what the kubelet would
 * hand the pod. The server is the oracle; nothing here models RBAC.
 */
import { Chart } from 'cdk8s';
import { HardenedDeployment, HardenedNamespace, KubernetesApiServer } from '../../constructs';
import type { KubeClient, KubeJson } from '../../src/cluster/kube-client';
import { container } from '../support/fixtures';
import { testApp, withoutWarnings } from '../support/manifests';
import { applyAll, asManifests } from './_support';

const NS = 'api-grants';
const SA = `system:serviceaccount:${NS}:worker`;

function grantApp(minor: string): KubeJson[] {
  const app = testApp({ kubernetesVersion: minor, ...(minor === '1.37' ? { istioVersion: '1.31' } : {}) });
  new HardenedNamespace(new Chart(app, 'cluster'), 'ns', { name: NS });
  const worker = new HardenedDeployment(new Chart(app, 'workloads', { namespace: NS }), 'worker', { containers: [container({ name: 'worker' })] });
  const access = worker.grantApi({
    server: KubernetesApiServer.at(['10.0.0.10/32'], 6443),
    rules: [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['worker-leader'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'], resourceNames: ['flags'] },
    ],
  });
  expect(access.tokenExpirationSeconds).toBe(3600);
  return withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
}

interface Ask { readonly verb: string; readonly group: string; readonly resource: string; readonly name?: string; readonly namespace?: string; readonly subresource?: string }

async function allowed(client: KubeClient, ask: Ask): Promise<boolean> {
  const r = await client.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    spec: {
      user: SA, groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
      resourceAttributes: { verb: ask.verb, group: ask.group, resource: ask.resource, ...(ask.subresource ? { subresource: ask.subresource } : {}), ...(ask.name ? { name: ask.name } : {}), ...(ask.namespace !== '' ? { namespace: ask.namespace ?? NS } : {}) },
    },
  });
  expect(r.status).toBe(201);
  return (r.body as { status: { allowed: boolean } }).status.allowed;
}

/** The real-server tests of grantApi at `minor`. */
export function apiAccessServerTests(minor: string, client: () => KubeClient, tally: string[]): void {
  test('grantApi: the RBAC authorizer allows exactly the declared rules, and a minted token of the ServiceAccount does just that', async () => {
    const objects = grantApp(minor);
    expect((await applyAll(client(), asManifests(objects))).rejected).toEqual([]);
    const lease = { group: 'coordination.k8s.io', resource: 'leases' };
    const declared: Ask[] = [
      { verb: 'get', ...lease, name: 'worker-leader' }, { verb: 'update', ...lease, name: 'worker-leader' }, { verb: 'create', ...lease },
      { verb: 'get', group: '', resource: 'configmaps', name: 'flags' }, { verb: 'watch', group: '', resource: 'configmaps', name: 'flags' },
    ];
    const neighbours: Ask[] = [
      { verb: 'get', ...lease, name: 'other' }, { verb: 'delete', ...lease, name: 'worker-leader' }, { verb: 'patch', ...lease, name: 'worker-leader' },
      { verb: 'list', ...lease }, { verb: 'watch', ...lease },
      { verb: 'get', group: '', resource: 'configmaps', name: 'other' }, { verb: 'list', group: '', resource: 'configmaps' }, { verb: 'update', group: '', resource: 'configmaps', name: 'flags' },
      { verb: 'get', group: '', resource: 'secrets', name: 'flags' }, { verb: 'list', group: '', resource: 'secrets' },
      { verb: 'create', group: '', resource: 'pods', subresource: 'exec', name: 'worker' }, { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', name: 'worker' },
      { verb: 'get', ...lease, name: 'worker-leader', namespace: 'default' }, { verb: 'create', ...lease, namespace: 'kube-system' },
      { verb: 'list', group: '', resource: 'namespaces', namespace: '' }, { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
    ];
    const verdicts = await Promise.all([...declared, ...neighbours].map(a => allowed(client(), a)));
    expect(verdicts).toEqual([...declared.map(() => true), ...neighbours.map(() => false)]);

    // the token the kubelet would project (audience: the API server, the same expiry), used against the API
    const minted = await client().request('POST', `/api/v1/namespaces/${NS}/serviceaccounts/worker/token`,
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    expect(minted.status).toBe(201);
    const as = client().withToken((minted.body as { status: { token: string } }).status.token);
    try {
      const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
      const created = await as.request('POST', leasePath, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'worker-leader' }, spec: { holderIdentity: 'worker-0' } });
      const got = await as.request('GET', `${leasePath}/worker-leader`);
      const updated = await as.request('PUT', `${leasePath}/worker-leader`, { ...(got.body as object), spec: { holderIdentity: 'worker-1' } });
      const listed = await as.request('GET', leasePath);
      const secrets = await as.request('GET', `/api/v1/namespaces/${NS}/secrets`);
      const otherNamespace = await as.request('GET', '/apis/coordination.k8s.io/v1/namespaces/default/leases/worker-leader');
      expect([created.status, got.status, updated.status, listed.status, secrets.status, otherNamespace.status]).toEqual([201, 200, 200, 403, 403, 403]);
    } finally {
      as.close();
    }
    tally.push(`${minor}: grantApi: ${declared.length} declared permissions allowed and ${neighbours.length} neighbours denied by the RBAC authorizer; a minted token did 3 granted calls and was refused 3 others`);
  }, 120_000);
}
