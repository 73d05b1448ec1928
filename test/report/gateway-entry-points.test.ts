import { extractGatewayEntryPoints, renderGatewayEntryPoints } from '../../analysis/report/gateway-entry-points';
import { renderSecurityReport } from '../../analysis/report';
import { GatewayRouteKind } from '../../constructs';
import { synthApp } from '../support/manifests';
import { gatewayApp } from '../gateway/_support';

function objects() {
  const built = gatewayApp();
  built.web.exposeViaGateway(built.gateway, { hostnames: ['shop.example.com'], paths: ['/', '/static'] });
  built.grpc.exposeViaGateway(built.gateway, { hostnames: ['orders.api.example.com'], kind: GatewayRouteKind.GRPC, grpcServices: ['shop.v1.Orders'], containerPort: 9090 });
  return synthApp(built.app);
}

test('every listener with port, protocol, hostname, TLS and the namespaces it takes routes from; every route with hostnames, matches, backends', () => {
  const { listeners, routes } = extractGatewayEntryPoints(objects());
  expect(listeners).toEqual([
    { namespace: 'edge', gateway: 'public', listener: 'http', port: 80, protocol: 'HTTP', hostname: '*', allowedRoutes: 'Same' },
    { namespace: 'edge', gateway: 'public', listener: 'https-shop-example-com', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: 'Terminate (edge/public-tls)', allowedRoutes: 'Selector: kubernetes.io/metadata.name In (api, shop)' },
    { namespace: 'edge', gateway: 'public', listener: 'https-wildcard-api-example-com', port: 443, protocol: 'HTTPS', hostname: '*.api.example.com', tls: 'Terminate (edge/public-tls)', allowedRoutes: 'Selector: kubernetes.io/metadata.name In (api, shop)' },
  ]);
  expect(routes).toEqual([
    { namespace: 'api', kind: 'GRPCRoute', route: 'orders-public', parents: ['edge/public#https-wildcard-api-example-com'], hostnames: ['orders.api.example.com'], matches: ['shop.v1.Orders/*'], backends: ['api/orders:9090'] },
    { namespace: 'edge', kind: 'HTTPRoute', route: 'public-https-redirect', parents: ['edge/public#http'], hostnames: ['*.api.example.com', 'shop.example.com'], matches: ['PathPrefix /'], backends: ['redirect https'] },
    { namespace: 'shop', kind: 'HTTPRoute', route: 'web-public', parents: ['edge/public#https-shop-example-com'], hostnames: ['shop.example.com'], matches: ['PathPrefix /', 'PathPrefix /static'], backends: ['shop/web:80'] },
  ]);
});

test('a listener without TLS is marked, and the section is part of the security report', () => {
  const plain = objects().map(o => (o.kind === 'Gateway' ? { ...o, spec: { ...(o.spec as any), listeners: (o.spec as any).listeners.map((l: any) => (l.protocol === 'HTTPS' ? { ...l, protocol: 'HTTP', tls: undefined } : l)) } } : o));
  const section = renderGatewayEntryPoints(plain).join('\n');
  expect(section).toContain('| `edge/public` | `https-shop-example-com` | 443 | HTTP | `shop.example.com` | **no** |');
  expect(renderGatewayEntryPoints(objects()).join('\n')).toContain('| `edge/public` | `http` | 80 | HTTP | `*` | **no** (its routes only redirect to HTTPS) | Same |');
  const report = renderSecurityReport(objects(), { mermaid: false });
  expect(report).toContain('## Gateway entry points');
  expect(report).toContain('| `shop/web-public` | HTTPRoute | `edge/public#https-shop-example-com` | `shop.example.com` | `PathPrefix /`, `PathPrefix /static` | `shop/web:80` |');
  expect(renderGatewayEntryPoints(objects().filter(o => !o.apiVersion.startsWith('gateway.networking.k8s.io/')))).toEqual([]);
});
