import type { KubeObject } from '../../policy/kube-object';
import { ambientL4Authorization } from '../../policy/rules/mesh/ambient-l4-authorization';
import { meshMembership } from '../../policy/rules/mesh/mesh-membership';
import { meshProxyCompatible } from '../../policy/rules/mesh/mesh-proxy-compatible';
import { evaluate, goodDeployment, goodNeighbours, variant, violations } from '../policy/rules/_fixtures';

const namespace = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels } });
const sidecarNs = namespace({ 'istio-injection': 'enabled' });
const revisionNs = namespace({ 'istio.io/rev': 'canary' });
const ambientNs = namespace({ 'istio.io/dataplane-mode': 'ambient' });
const neighbours = (ns: KubeObject) => [...goodNeighbours().filter(o => o.kind !== 'Namespace'), ns];
/** The good Deployment with the pod-level seccomp profile our constructs always write. */
const meshed = () => variant(goodDeployment(), d => { d.spec.template.spec.securityContext = { seccompProfile: { type: 'RuntimeDefault' } }; });

describe('HARDENED-13 mesh-proxy-compatible', () => {
  test('compliant: a hardened pod in a sidecar, revision or ambient namespace', () => {
    for (const ns of [sidecarNs, revisionNs, ambientNs]) expect(evaluate(meshProxyCompatible, meshed(), neighbours(ns))).toEqual({ status: 'compliant' });
    const explicitDefaults = variant(meshed(), d => { d.spec.template.metadata.annotations = { 'sidecar.istio.io/capNetBindService': 'false', 'sidecar.istio.io/interceptionMode': 'REDIRECT' }; });
    expect(evaluate(meshProxyCompatible, explicitDefaults, neighbours(sidecarNs))).toEqual({ status: 'compliant' });
  });

  test('non-compliant: TPROXY, capNetBindService, probe rewrite off, uid/gid 1337, no pod-level seccomp in sidecar mode', () => {
    const bad = variant(meshed(), d => {
      d.spec.template.metadata.annotations = { 'sidecar.istio.io/interceptionMode': 'TPROXY', 'sidecar.istio.io/capNetBindService': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' };
      d.spec.template.spec.securityContext = { runAsGroup: 1337 };
      d.spec.template.spec.containers[0].securityContext.runAsUser = 1337;
    });
    expect(violations(evaluate(meshProxyCompatible, bad, neighbours(sidecarNs))).map(v => v.path)).toEqual([
      'spec.template.metadata.annotations["sidecar.istio.io/interceptionMode"]',
      'spec.template.metadata.annotations["sidecar.istio.io/capNetBindService"]',
      'spec.template.metadata.annotations["sidecar.istio.io/rewriteAppHTTPProbers"]',
      'spec.template.spec.securityContext.runAsGroup',
      'spec.template.spec.containers[0].securityContext.runAsUser',
      'spec.template.spec.securityContext.seccompProfile',
    ]);
    // ambient: no sidecar to inherit seccomp, no probe rewriting
    expect(violations(evaluate(meshProxyCompatible, bad, neighbours(ambientNs))).map(v => v.path)).toEqual([
      'spec.template.metadata.annotations["sidecar.istio.io/interceptionMode"]',
      'spec.template.metadata.annotations["sidecar.istio.io/capNetBindService"]',
      'spec.template.spec.securityContext.runAsGroup',
      'spec.template.spec.containers[0].securityContext.runAsUser',
    ]);
  });

  test('not applicable outside the mesh (no labels, injection disabled, namespace not in the input) and to other kinds', () => {
    const bad = variant(goodDeployment(), d => { d.spec.template.metadata.annotations = { 'sidecar.istio.io/interceptionMode': 'TPROXY' }; });
    expect(evaluate(meshProxyCompatible, bad)).toEqual({ status: 'not-applicable' });
    expect(evaluate(meshProxyCompatible, bad, neighbours(namespace({ 'istio.io/rev': 'x', 'istio-injection': 'disabled' })))).toEqual({ status: 'not-applicable' });
    expect(evaluate(meshProxyCompatible, bad, goodNeighbours().filter(o => o.kind !== 'Namespace'))).toEqual({ status: 'not-applicable' });
    expect(evaluate(meshProxyCompatible, sidecarNs, neighbours(sidecarNs))).toEqual({ status: 'not-applicable' });
  });
});

describe('HARDENED-14 mesh-membership', () => {
  test('compliant: no opt-out, or inject "true"', () => {
    expect(evaluate(meshMembership, meshed(), neighbours(sidecarNs))).toEqual({ status: 'compliant' });
    expect(evaluate(meshMembership, variant(meshed(), d => { d.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'true'; }), neighbours(sidecarNs))).toEqual({ status: 'compliant' });
  });

  test('non-compliant: inject "false" as label or annotation in sidecar mode; dataplane-mode none in ambient mode', () => {
    const optOut = variant(meshed(), d => {
      d.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false';
      d.spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'false' };
    });
    expect(violations(evaluate(meshMembership, optOut, neighbours(sidecarNs))).map(v => v.path)).toEqual([
      'spec.template.metadata.labels["sidecar.istio.io/inject"]', 'spec.template.metadata.annotations["sidecar.istio.io/inject"]',
    ]);
    const none = variant(meshed(), d => { d.spec.template.metadata.labels['istio.io/dataplane-mode'] = 'none'; });
    expect(violations(evaluate(meshMembership, none, neighbours(ambientNs)))).toEqual([
      { message: 'opts out of the ambient mesh (label istio.io/dataplane-mode: "none")', path: 'spec.template.metadata.labels["istio.io/dataplane-mode"]' },
    ]);
  });

  test('not applicable outside the mesh', () => {
    expect(evaluate(meshMembership, variant(meshed(), d => { d.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false'; }))).toEqual({ status: 'not-applicable' });
  });
});

describe('HARDENED-15 ambient-l4-authorization', () => {
  const policy = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'shop' }, spec });
  const l4 = policy({ selector: { matchLabels: { app: 'web' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'], namespaces: ['x'] } }], to: [{ operation: { ports: ['8080'] } }], when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }] }] });
  const l7 = policy({ action: 'ALLOW', rules: [{ from: [{ source: { requestPrincipals: ['*'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }], when: [{ key: 'request.headers[x-user]', values: ['a'] }] }] });

  test('compliant: principals, namespaces, ports and connection conditions; deny-all', () => {
    expect(evaluate(ambientL4Authorization, l4, [ambientNs])).toEqual({ status: 'compliant' });
    expect(evaluate(ambientL4Authorization, policy({}), [ambientNs])).toEqual({ status: 'compliant' });
  });

  test('non-compliant: L7 fields in an ambient namespace without a waypoint', () => {
    expect(violations(evaluate(ambientL4Authorization, l7, [ambientNs])).map(v => v.path)).toEqual([
      'spec.rules[0].from[0].source.requestPrincipals', 'spec.rules[0].to[0].operation.methods', 'spec.rules[0].to[0].operation.paths', 'spec.rules[0].when[0].key',
    ]);
    // attached to a waypoint that does not exist: still ztunnel's (or nobody's) to enforce
    expect(evaluate(ambientL4Authorization, policy({ ...(l7.spec as object), targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }] }), [ambientNs]).status).toBe('non-compliant');
  });

  // ztunnel's L4 set (istio pilot ambient/authorization.go: httpSources, httpOperations, l4WhenAttributes)
  test('non-compliant: remoteIpBlocks, notRemoteIpBlocks and when keys outside ztunnel\'s five (remote.ip, connection.sni)', () => {
    const p = policy({ action: 'ALLOW', rules: [{ from: [{ source: { remoteIpBlocks: ['10.0.0.0/8'], notRemoteIpBlocks: ['10.1.0.0/16'], ipBlocks: ['10.0.0.0/8'], serviceAccounts: ['shop/api'] } }],
      when: [{ key: 'remote.ip', values: ['10.0.0.1'] }, { key: 'connection.sni', values: ['x'] }, { key: 'destination.port', values: ['8080'] }] }] });
    expect(violations(evaluate(ambientL4Authorization, p, [ambientNs])).map(v => v.path)).toEqual([
      'spec.rules[0].from[0].source.remoteIpBlocks', 'spec.rules[0].from[0].source.notRemoteIpBlocks', 'spec.rules[0].when[0].key', 'spec.rules[0].when[1].key',
    ]);
  });

  test('the message says what ztunnel does: an ALLOW rule is dropped (denies); a DENY rule is widened, or matches nothing when a part is left without L4', () => {
    const message = (spec: Record<string, unknown>) => violations(evaluate(ambientL4Authorization, policy(spec), [ambientNs]))[0].message;
    expect(message({ action: 'ALLOW', rules: [{ to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] }] })).toMatch(/drops this whole ALLOW rule \(it never matches\), so the connections it was meant to allow are denied/);
    expect(message({ rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })).toMatch(/drops this whole ALLOW rule/); // ALLOW is the default action
    // DENY from api to GET on 8080: ztunnel denies everything from api on 8080
    expect(message({ action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] }] }))
      .toMatch(/enforces the rest of this DENY rule: it denies every connection the rule's L4 attributes match/);
    // DENY of POST (no port), of a request principal, or under a header condition: nothing is denied
    for (const rule of [{ to: [{ operation: { methods: ['POST'] } }] }, { from: [{ source: { requestPrincipals: ['*'] } }] },
      { from: [{ source: { namespaces: ['x'] } }], when: [{ key: 'request.headers[x]', values: ['y'] }] }]) {
      expect(message({ action: 'DENY', rules: [rule] })).toMatch(/without any L4 attribute, which ztunnel never matches: the rule denies nothing/);
    }
  });

  test('not applicable: sidecar mode (the sidecar reads requests), a policy attached to an existing waypoint, other kinds', () => {
    expect(evaluate(ambientL4Authorization, l7, [sidecarNs])).toEqual({ status: 'not-applicable' });
    const waypointNs = namespace({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(evaluate(ambientL4Authorization, policy({ ...(l7.spec as object), targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }] }), [waypointNs])).toEqual({ status: 'not-applicable' });
    expect(evaluate(ambientL4Authorization, goodDeployment(), [ambientNs])).toEqual({ status: 'not-applicable' });
  });
});
