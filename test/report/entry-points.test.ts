import { extractEntryPoints, renderEntryPoints } from '../../analysis/report/entry-points';
import type { KubeObject } from '../../policy/kube-object';

const ingress = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'shop' }, spec });

describe('public entry points', () => {
  test('every host and path with its backend and TLS; a host without TLS and a default backend are called out', () => {
    const objects = [
      ingress('web', {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [
          { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
          { host: 'admin.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'admin', port: { name: 'http' } } } }] } },
        ],
      }),
      ingress('catch-all', { defaultBackend: { service: { name: 'web', port: { number: 80 } } } }),
      { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old' }, spec: { rules: [{ host: 'old.example.com' }] } },
    ];
    expect(extractEntryPoints(objects).map(p => [p.host, p.path, p.backend, p.tlsSecret ?? null])).toEqual([
      ['*', '/', 'web:80', null],
      ['admin.example.com', '/', 'admin:http', null],
      ['shop.example.com', '/', 'web:80', 'shop-tls'],
    ]);
    const section = renderEntryPoints(objects).join('\n');
    expect(section).toContain('| `admin.example.com` | `/` | `shop/web` | nginx | `admin:http` | **no** |');
    expect(section).toContain('| `shop.example.com` | `/` | `shop/web` | nginx | `web:80` | yes (`shop-tls`) |');
  });

  test('no Ingress, no section', () => {
    expect(renderEntryPoints([])).toEqual([]);
  });
});

describe('reachability reads only networking.k8s.io/v1 NetworkPolicies', () => {
  test('a Calico NetworkPolicy is not evaluated as if it were Kubernetes, and a note says so', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { computeReachability } = require('../../analysis/report/reachability') as typeof import('../../analysis/report/reachability');
    const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: name } }, spec: { containers: [{ name, image: 'x' }] } });
    const calicoDenyAll: KubeObject = { apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { selector: 'all()', types: ['Ingress'] } };
    const matrix = computeReachability([pod('a'), pod('b'), calicoDenyAll]);
    expect(matrix.notes).toEqual([expect.stringMatching(/shop\/deny is a crd\.projectcalico\.org\/v1 NetworkPolicy, not networking\.k8s\.io\/v1: not evaluated/)]);
    expect(matrix.edges.some(e => e.from.name === 'a' && e.to.name === 'b')).toBe(true);
  });
});
