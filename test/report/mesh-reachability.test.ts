/**
 * The two layers together on what the mesh layer writes (test/mesh/_support's meshed storefront,
 * sidecar and ambient): the matrix equals the declared flows; without postgres's ALLOW
 * AuthorizationPolicy the NetworkPolicies still let api reach it, the combined matrix does not, and
 * `diff` says so.
 */
import type { KubeObject } from '../../policy/kube-object';
import { diffManifests } from '../../analysis/diff';
import { computeReachability, defaultLayers, formatPorts } from '../../analysis/report';
import { meshedStorefront } from '../mesh/_support';
import { synthApp } from '../support/manifests';

const edges = (objects: KubeObject[], layers = defaultLayers(objects)): string[] =>
  computeReachability(objects, { layers }).edges.map((e) => `${e.from.namespace}/${e.from.name} → ${e.to.namespace}/${e.to.name}: ${formatPorts(e.ports)}`);

describe.each(['sidecar', 'ambient'] as const)('meshed storefront (%s)', (mode) => {
  const objects = synthApp(meshedStorefront({ mode }).app);
  const declared = ['backend/api → backend/thumbnailer: 8081/TCP', 'backend/api → data/postgres: 5432/TCP', 'storefront/web → backend/api: 8080/TCP'];

  it('NetworkPolicies and AuthorizationPolicies together allow exactly the declared flows', () => {
    expect(defaultLayers(objects).map((l) => l.name)).toEqual(['Istio AuthorizationPolicies']);
    expect(edges(objects)).toEqual(declared);
    const m = computeReachability(objects, { layers: defaultLayers(objects) });
    expect(m.external.filter((f) => f.direction === 'ingress').map((f) => `${f.workload.name} ← ${formatPorts(f.ports)}`)).toEqual(['web ← 8080/TCP']);
    expect(m.notes).toEqual([]);
  });

  it('without postgres’s ALLOW policy, the namespace’s allow-nothing policy closes api → postgres (NetworkPolicies alone still allow it)', () => {
    const isPostgresAllow = (o: KubeObject): boolean =>
      o.kind === 'AuthorizationPolicy' && o.metadata?.namespace === 'data' && JSON.stringify(o.spec ?? {}).includes('"rules"');
    expect(objects.filter(isPostgresAllow)).toHaveLength(1);
    const without = objects.filter((o) => !isPostgresAllow(o));
    expect(edges(without, [])).toContain('backend/api → data/postgres: ' + (mode === 'ambient' ? '5432/TCP, 15008/TCP' : '5432/TCP'));
    expect(edges(without)).toEqual(declared.filter((e) => !e.includes('postgres')));
    expect(diffManifests(objects, without).items.map((i) => `${i.effect} ${i.change} ${i.subject}`)).toEqual(['tightens flow-removed backend/api → data/postgres']);
  });
});
