/**
 * Properties of the security diff on random small sets of manifests (namespaces with Pod Security
 * labels, workloads, NetworkPolicies, Istio AuthorizationPolicies, images, privileges):
 * - diff(A, A) is empty;
 * - diff(A, B) lists exactly the flows whose reachability differs, checked against the matrix of
 *   each side, with exactly the ports opened and closed;
 * - swapping A and B swaps opens and tightens (neutral items stay neutral).
 */
import fc from 'fast-check';
import type { KubeObject } from '../../policy/kube-object';
import { diffManifests, DiffItem, flowsOf, sideMatrix, workloadIdentity } from '../../analysis/diff';
import { AllowedPorts, intersectPorts, isEmptyPorts, NO_PORTS, samePorts, subtractPorts } from '../../analysis/report';

const NAMESPACES = ['a', 'b'] as const;

const namespaceArb = fc.record({ name: fc.constantFrom(...NAMESPACES), level: fc.constantFrom('restricted', 'baseline', 'privileged'), version: fc.constantFrom('v1.28', 'latest') }).map(
  ({ name, level, version }): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': version, team: name === 'a' ? 'x' : 'y' } },
  }),
);

const workloadArb = fc
  .record({
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom('w1', 'w2', 'w3'),
    tier: fc.constantFrom('x', 'y'),
    pinned: fc.boolean(),
    registry: fc.constantFrom('registry.example.com', 'ghcr.io'),
    privileged: fc.boolean(),
    sa: fc.constantFrom('s1', 's2'),
    kind: fc.constantFrom('Deployment', 'Deployment', 'StatefulSet'),
  })
  .map(
    ({ ns, name, tier, pinned, registry, privileged, sa, kind }): KubeObject => ({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name, namespace: ns },
      spec: {
        template: {
          metadata: { labels: { app: name, tier } },
          spec: {
            serviceAccountName: sa,
            containers: [
              {
                name: 'main',
                image: pinned ? `${registry}/${name}@sha256:${'1'.repeat(64)}` : `${registry}/${name}:1`,
                ports: [{ containerPort: 8080 }, { name: 'http', containerPort: 9090 }],
                securityContext: { privileged },
              },
            ],
          },
        },
      },
    }),
  );

const selectorArb = fc.constantFrom<Record<string, unknown>>({}, { matchLabels: { tier: 'x' } }, { matchLabels: { app: 'w1' } });
const peerArb = fc.constantFrom<Record<string, unknown>>(
  { podSelector: { matchLabels: { tier: 'y' } } },
  { namespaceSelector: { matchLabels: { team: 'x' } } },
  { namespaceSelector: {}, podSelector: { matchLabels: { app: 'w2' } } },
  { ipBlock: { cidr: '10.0.0.0/8' } },
  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
);
const portsArb = fc.constantFrom<unknown[]>([], [{ port: 8080 }], [{ port: 'http' }], [{ port: 9000, endPort: 9100 }], [{ port: 53, protocol: 'UDP' }]);
const ruleArb = fc.record({ peers: fc.array(peerArb, { maxLength: 2 }), ports: portsArb });

const netpolArb = fc
  .record({
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom('p1', 'p2', 'p3'),
    podSelector: selectorArb,
    types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
    ingress: fc.array(ruleArb, { maxLength: 2 }),
    egress: fc.array(ruleArb, { maxLength: 2 }),
  })
  .map(
    ({ ns, name, podSelector, types, ingress, egress }): KubeObject => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns },
      spec: {
        podSelector,
        policyTypes: types,
        ingress: ingress.map((r) => ({ from: r.peers, ports: r.ports })),
        egress: egress.map((r) => ({ to: r.peers, ports: r.ports })),
      },
    }),
  );

const authzArb = fc
  .record({
    ns: fc.constantFrom('a', 'b', 'istio-system'),
    name: fc.constantFrom('z1', 'z2'),
    action: fc.constantFrom('ALLOW', 'DENY'),
    selector: fc.option(fc.constantFrom({ matchLabels: { tier: 'x' } }), { nil: undefined }),
    rules: fc.constantFrom<unknown[]>([], [{}], [{ from: [{ source: { namespaces: ['a'] } }], to: [{ operation: { ports: ['8080'] } }] }], [{ from: [{ source: { principals: ['cluster.local/ns/b/sa/s1'] } }] }]),
  })
  .map(
    ({ ns, name, action, selector, rules }): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace: ns },
      spec: { action, ...(selector ? { selector } : {}), rules },
    }),
  );

/** Objects with unique kind/namespace/name (later ones dropped), as a real manifest set would have. */
const unique = (objects: KubeObject[]): KubeObject[] => {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const key = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

const manifestsArb = fc
  .tuple(fc.array(namespaceArb, { maxLength: 2 }), fc.array(workloadArb, { minLength: 1, maxLength: 4 }), fc.array(netpolArb, { maxLength: 3 }), fc.array(authzArb, { maxLength: 2 }))
  .map(([ns, wl, np, az]) => unique([...ns, ...wl, ...np, ...az]));

/** A pair: independent sets, or B = A with some objects dropped and some added. */
const pairArb = fc.oneof(
  fc.tuple(manifestsArb, manifestsArb),
  fc.tuple(manifestsArb, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), manifestsArb).map(([a, keep, extra]) => [a, unique([...a.filter((_o, i) => keep[i % 12]), ...extra.slice(0, 2)])] as [KubeObject[], KubeObject[]]),
);

const swap = (e: DiffItem['effect']): DiffItem['effect'] => (e === 'opens' ? 'tightens' : e === 'tightens' ? 'opens' : 'neutral');
/** An item's category, subject and effect; subjects name a workload by the kind of the side that has it (the new one when both do), so the kind is left out. */
const key = (i: DiffItem, effect = i.effect): string => `${i.category} | ${i.subject.replace(/\/(Deployment|StatefulSet)\//g, '/')} | ${effect}`;

describe('security diff properties', () => {
  it('diff(A, A) is empty', () => {
    fc.assert(
      fc.property(manifestsArb, (a) => {
        expect(diffManifests(a, structuredClone(a)).items).toEqual([]);
      }),
      { numRuns: Number(process.env.DIFF_PROPERTY_RUNS ?? 150) },
    );
  });

  it('diff(A, B) lists exactly the flows whose reachability differs, with the ports opened and closed', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        // workloads are the same on both sides by namespace and name (kind too where a name repeats)
        const ma = sideMatrix(a);
        const mb = sideMatrix(b);
        const identity = workloadIdentity(ma.workloads, mb.workloads);
        const fa = flowsOf(ma, identity);
        const fb = flowsOf(mb, identity);
        const ends = (e: { from: unknown; to: unknown }): string => JSON.stringify([e.from, e.to]);
        // from the matrices: every flow whose ports differ, with what opened and what closed
        const expected = new Map<string, { opened: AllowedPorts; closed: AllowedPorts }>();
        for (const k of new Set([...fa.keys(), ...fb.keys()])) {
          const pa = fa.get(k)?.ports ?? NO_PORTS;
          const pb = fb.get(k)?.ports ?? NO_PORTS;
          if (!samePorts(pa, pb)) expected.set(ends((fb.get(k) ?? fa.get(k))!), { opened: subtractPorts(pb, pa), closed: subtractPorts(pa, pb) });
        }
        // from the diff: opens items carry the opened ports, tightens items the closed ones
        const got = new Map<string, { opened: AllowedPorts; closed: AllowedPorts }>();
        const items = diffManifests(a, b).items;
        // each layer's own items: within what that layer alone changed, never what changed end to end
        for (const i of items.filter((x) => x.layer !== undefined)) {
          const k = ends(i.flow!);
          expect(i.change).toBe(i.effect === 'opens' ? 'layer-opens' : 'layer-tightens');
          const e = expected.get(k);
          if (e) expect(isEmptyPorts(intersectPorts(i.flow!.ports, i.effect === 'opens' ? e.opened : e.closed))).toBe(true);
        }
        for (const i of items.filter((x) => x.category === 'reachability' && x.layer === undefined)) {
          const k = ends(i.flow!);
          const prev = got.get(k) ?? { opened: NO_PORTS, closed: NO_PORTS };
          expect(i.effect === 'opens' ? prev.opened : prev.closed).toEqual(NO_PORTS); // one item per flow and effect
          got.set(k, i.effect === 'opens' ? { ...prev, opened: i.flow!.ports } : { ...prev, closed: i.flow!.ports });
        }
        expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [k, e] of expected) {
          expect(samePorts(got.get(k)!.opened, e.opened)).toBe(true);
          expect(samePorts(got.get(k)!.closed, e.closed)).toBe(true);
        }
      }),
      { numRuns: Number(process.env.DIFF_PROPERTY_RUNS ?? 150) },
    );
  });

  it('swapping A and B swaps opens and tightens', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const ab = diffManifests(a, b);
        const ba = diffManifests(b, a);
        expect(ba.counts).toEqual({ opens: ab.counts.tightens, tightens: ab.counts.opens, neutral: ab.counts.neutral });
        expect(ba.items.map((i) => key(i)).sort()).toEqual(ab.items.map((i) => key(i, swap(i.effect))).sort());
      }),
      { numRuns: Number(process.env.DIFF_PROPERTY_RUNS ?? 150) },
    );
  });
});
