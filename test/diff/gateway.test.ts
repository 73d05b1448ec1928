import { diffManifests } from '../../analysis/diff';
import { diffGatewayEntryPoints } from '../../analysis/diff/gateway';
import { KubeObject } from '../../policy/kube-object';
import { synthApp } from '../support/manifests';
import { gatewayApp } from '../gateway/_support';

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
function objects(): KubeObject[] {
  const built = gatewayApp();
  built.web.exposeViaGateway(built.gateway, { hostnames: ['shop.example.com'] });
  return synthApp(built.app);
}
const base = objects();
const changed = (change: (o: any) => void, kind = 'Gateway', name?: string) => base.map(o => {
  if (o.kind !== kind || (name !== undefined && o.metadata?.name !== name)) return o;
  const c = clone(o);
  change(c);
  return c;
});
const summary = (before: KubeObject[], after: KubeObject[]) => diffGatewayEntryPoints(before, after).map(i => `${i.effect} ${i.change} ${i.subject}: ${i.message}`).sort();

test('a new gateway: each listener and route opens (and the whole diff says so)', () => {
  const without = base.filter(o => !o.apiVersion.startsWith('gateway.networking.k8s.io/'));
  expect(summary(without, base)).toEqual([
    'opens gateway-listener-added edge/Gateway/public listener http: new listener: 80/HTTP, hostname *, no TLS, routes from Same',
    'opens gateway-listener-added edge/Gateway/public listener https-shop-example-com: new listener: 443/HTTPS, hostname shop.example.com, TLS Terminate (edge/public-tls), routes from Selector: kubernetes.io/metadata.name In (shop)',
    'opens gateway-listener-added edge/Gateway/public listener https-wildcard-api-example-com: new listener: 443/HTTPS, hostname *.api.example.com, TLS Terminate (edge/public-tls), routes from Selector: kubernetes.io/metadata.name In (shop)',
    'opens gateway-route-added edge/HTTPRoute/public-https-redirect: new route: *.api.example.com, shop.example.com PathPrefix / → redirect https (on edge/public#http)',
    'opens gateway-route-added shop/HTTPRoute/web-public: new route: shop.example.com PathPrefix / → shop/web:80 (on edge/public#https-shop-example-com)',
  ]);
  expect(diffManifests(without, base).items.filter(i => i.change.startsWith('gateway-')).every(i => i.effect === 'opens')).toBe(true);
  expect(summary(base, without).every(l => l.startsWith('tightens'))).toBe(true);
});

test('a listener losing TLS opens; gaining it back tightens', () => {
  const plain = changed(g => { const l = g.spec.listeners[0]; l.protocol = 'HTTP'; delete l.tls; });
  expect(summary(base, plain)).toEqual([
    'opens gateway-listener-port edge/Gateway/public listener https-shop-example-com: now 443/HTTP (was 443/HTTPS)',
    'opens gateway-listener-tls-removed edge/Gateway/public listener https-shop-example-com: loses TLS (was Terminate (edge/public-tls)): 443/HTTP serves plain text',
  ]);
  expect(summary(plain, base)).toContain('tightens gateway-listener-tls-added edge/Gateway/public listener https-shop-example-com: now terminates TLS: Terminate (edge/public-tls)');
});

test('a new hostname, a new path, and routes from every namespace open; the reverse tightens', () => {
  const hostname = changed(r => { r.spec.hostnames.push('www.example.com'); }, 'HTTPRoute', 'web-public');
  expect(summary(base, hostname)).toEqual(['opens gateway-route-hostname-added shop/HTTPRoute/web-public: hostnames added: www.example.com']);
  expect(summary(hostname, base)).toEqual(['tightens gateway-route-hostname-removed shop/HTTPRoute/web-public: hostnames removed: www.example.com']);
  const path = changed(r => { r.spec.rules[0].matches.push({ path: { type: 'PathPrefix', value: '/admin' } }); }, 'HTTPRoute', 'web-public');
  expect(summary(base, path)).toEqual(['opens gateway-route-match-added shop/HTTPRoute/web-public: matches added: PathPrefix /admin']);
  const all = changed(g => { g.spec.listeners[0].allowedRoutes.namespaces = { from: 'All' }; });
  expect(summary(base, all)).toEqual(['opens gateway-listener-allowed-routes edge/Gateway/public listener https-shop-example-com: routes from Selector: kubernetes.io/metadata.name In (shop) → All']);
  const listenerHost = changed(g => { delete g.spec.listeners[0].hostname; });
  expect(summary(base, listenerHost)).toEqual(['opens gateway-listener-hostname edge/Gateway/public listener https-shop-example-com: hostname shop.example.com → *']);
});

test('no change, no item', () => {
  expect(summary(base, objects())).toEqual([]);
});
