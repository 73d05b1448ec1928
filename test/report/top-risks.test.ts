/** The report's verdict and top risks: the order a reviewer reads them in, and what each row says. */
import { topRisks } from '../../analysis/report/top-risks';
import { computeReachability } from '../../analysis/report/reachability';
import type { KubeObject } from '../../policy/kube-object';

const ns = (name: string, enforce?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: enforce ? { 'pod-security.kubernetes.io/enforce': enforce } : {} } });
const ingress = (tls: boolean): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' },
  spec: { ...(tls ? { tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }] } : {}), rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
});

test('most severe first: open findings, lowered Pod Security, plain text, entry points, exceptions by expiry, API access', () => {
  const objects = [ns('shop', 'restricted'), ns('legacy', 'baseline'), ingress(false),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] },
  ];
  const risks = topRisks(objects, computeReachability(objects), {
    openFindings: ['`shop/Deployment/web`: [HARDENED-3] b', '`shop/Deployment/web`: [HARDENED-1] a'],
    exceptions: [{ text: 'no expiry' }, { text: 'later', expires: '2027-06-30' }, { text: 'sooner', expires: '2027-01-31' }],
  });
  expect(risks.map(r => [r.risk, r.where])).toEqual([
    ['Open finding', '`shop/Deployment/web`: [HARDENED-1] a'],
    ['Open finding', '`shop/Deployment/web`: [HARDENED-3] b'],
    ['Pod Security below restricted', 'namespace `legacy` enforces baseline'],
    ['Ingress host without TLS', '`shop.example.com`/ → `shop/web:80`'],
    ['Exception', 'sooner'], ['Exception', 'later'], ['Exception', 'no expiry'],
    ['API access', '`ServiceAccount shop/web`: bound to ClusterRole view (not among the inputs) in shop'],
  ]);
  expect(risks.find(r => r.risk === 'Exception' && r.where === 'sooner')?.why).toBe('a rule waived until 2027-01-31');
  // with TLS the host is an entry point, not a plain-text risk
  const safe = topRisks([ns('shop', 'restricted'), ingress(true)], computeReachability([ingress(true)]), { openFindings: [], exceptions: [] });
  expect(safe.map(r => r.risk)).toEqual(['Public entry point']);
});

test('ports past the proxy are risks of their own: the probe source is named as the kubelet, not as the outside', () => {
  const w = { namespace: 'backend', name: 'api', kind: 'Deployment' };
  const port = [{ protocol: 'TCP', port: 8080 }];
  const matrix = {
    workloads: [w], edges: [], isolation: [], layers: [], notes: [],
    external: [
      { workload: w, direction: 'ingress', peer: { type: 'ipBlock', cidr: '169.254.7.127/32', except: [] }, ports: port, bypass: port },
      { workload: w, direction: 'egress', peer: { type: 'ipBlock', cidr: '203.0.113.0/24', except: [] }, ports: [{ protocol: 'TCP', port: 443 }] },
    ],
  } as unknown as Parameters<typeof topRisks>[1];
  expect(topRisks([], matrix, { openFindings: [], exceptions: [] }).map(r => [r.risk, r.where])).toEqual([
    ['Reachable without mTLS', "169.254.7.127/32 (the kubelet's probes, SNATed by the Istio CNI) → `backend/api` on 8080/TCP"],
    ['Egress to outside the cluster', '`backend/api` → 203.0.113.0/24 on 443/TCP'],
  ]);
});
