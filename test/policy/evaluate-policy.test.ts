import type { KubeObject } from '../../policy/kube-object';
import { CLUSTER_DEFAULT_PSS, evaluatePolicy, FindingSource, HARDENED_PACK, isOpenError, namespacePodSecurity, type Rule, type RuleException } from '../../policy';
import { goodDeployment, goodNeighbours, variant } from './rules/_fixtures';

/** goodDeployment, made to pass Pod Security restricted. */
function restrictedDeployment(): KubeObject {
  return variant(goodDeployment(), d => {
    d.spec.template.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ['ALL'] };
  });
}

function namespace(labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels } };
}

const neighbours = () => goodNeighbours().filter(o => o.kind !== 'Namespace');
const PSS = 'pod-security.kubernetes.io/';

describe('evaluatePolicy', () => {
  test('a compliant set of objects has no finding', () => {
    const result = evaluatePolicy([namespace({ [`${PSS}enforce`]: 'restricted' }), ...neighbours(), restrictedDeployment()]);
    expect(result.findings).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  test('each rule is evaluated once per object', () => {
    const calls: string[] = [];
    const counting: Rule = { ...HARDENED_PACK.rules[0], id: 'TEST-1', evaluate: o => { calls.push(`${o.kind}/${o.metadata?.name}`); return { status: 'compliant' }; } };
    const objects = [namespace({}), ...neighbours(), restrictedDeployment()];
    evaluatePolicy(objects, { packs: [{ name: 'test', rules: [counting] }] });
    expect(calls).toEqual(objects.map(o => `${o.kind}/${o.metadata?.name}`));
  });

  test('the enforced level fails as an error that no exception can cover; warn/audit levels warn and can be excepted', () => {
    const runsAsRoot = variant(restrictedDeployment(), d => { d.spec.template.spec.securityContext.runAsNonRoot = false; });
    const hostPort = variant(runsAsRoot, d => { d.spec.template.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; });
    const ns = namespace({ [`${PSS}enforce`]: 'baseline', [`${PSS}enforce-version`]: 'v1.28', [`${PSS}warn`]: 'restricted', [`${PSS}audit`]: 'restricted', [`${PSS}warn-version`]: 'v1.28', [`${PSS}audit-version`]: 'v1.28' });
    const exceptions: RuleException[] = [
      { id: 'runAsNonRoot', reason: 'The legacy image needs root for one more release.' },
      { id: 'hostPorts', reason: 'The node agent must bind the host port on purpose.' },
    ];
    const result = evaluatePolicy([ns, ...neighbours(), hostPort], { exceptionsOf: () => exceptions, packs: [] });
    expect(result.findings.map(f => [f.rule, f.source, f.severity, f.podSecurity?.level, f.podSecurity?.modes, f.exceptedBy.map(e => e.id)])).toEqual([
      ['hostPorts', FindingSource.POD_SECURITY_ENFORCE, 'error', 'baseline', ['enforce'], []],
      ['runAsNonRoot', FindingSource.POD_SECURITY_WARN, 'warning', 'restricted', ['warn', 'audit'], ['runAsNonRoot']],
    ]);
    expect(result.findings.filter(isOpenError).map(f => f.rule)).toEqual(['hostPorts']);
    expect([...result.usedExceptions].map(e => e.id)).toEqual(['runAsNonRoot']); // the hostPorts exception covered nothing
  });

  test('a rule decides its own severity: a warning rule never makes an open error', () => {
    const warning: Rule = { ...HARDENED_PACK.rules[9], severity: 'warning' };
    const single = variant(restrictedDeployment(), d => { d.spec.replicas = 1; });
    const result = evaluatePolicy([namespace({}), ...neighbours(), single], { packs: [{ name: 'test', rules: [warning] }] });
    expect(result.findings.map(f => [f.rule, f.severity, isOpenError(f)])).toEqual([['HARDENED-10', 'warning', false]]);
  });

  test('rule findings are covered by a matching exception (id and path), and the result says which', () => {
    const single = variant(restrictedDeployment(), d => { d.spec.replicas = 1; });
    const objects = [namespace({}), ...neighbours(), single];
    const wrongPath: RuleException = { id: 'HARDENED-10', path: 'spec.template', reason: 'Narrowed to the wrong field on purpose.' };
    const right: RuleException = { id: 'HARDENED-10', path: 'spec', reason: 'Single-primary database with its own failover.' };
    const result = evaluatePolicy(objects, { exceptionsOf: i => (i === objects.length - 1 ? [wrongPath, right] : []) });
    expect(result.findings.map(f => [f.rule, f.path, f.exceptedBy])).toEqual([['HARDENED-10', 'spec.replicas', [right]]]);
    expect(result.usedExceptions).toEqual(new Set([right]));
  });

  test('a namespace not in the input is judged at the cluster default (restricted, latest); an override replaces every namespace level', () => {
    const root = variant(restrictedDeployment(), d => { d.metadata.namespace = 'elsewhere'; d.spec.template.spec.securityContext.runAsNonRoot = false; });
    const result = evaluatePolicy([root], { packs: [] });
    expect(result.findings.map(f => [f.rule, f.podSecurity?.level, f.podSecurity?.version])).toEqual([['runAsNonRoot', 'restricted', 'latest']]);
    expect(result.namespaces.get('elsewhere')).toEqual({ enforce: CLUSTER_DEFAULT_PSS, declared: false, problems: [] });
    expect(evaluatePolicy([root], { packs: [], podSecurityOverride: { level: 'baseline' } }).findings).toEqual([]);
  });
});

describe('namespacePodSecurity: the one place that reads the Pod Security labels', () => {
  test('reads each mode; unset warn/audit are not evaluated; unset enforce is the cluster default', () => {
    expect(namespacePodSecurity('shop', namespace({ [`${PSS}enforce`]: 'baseline', [`${PSS}warn`]: 'restricted', [`${PSS}warn-version`]: 'v1.29' }))).toEqual({
      enforce: { level: 'baseline', version: 'latest' }, warn: { level: 'restricted', version: 'v1.29' }, declared: true, problems: [],
    });
    expect(namespacePodSecurity('shop', namespace({})).enforce).toEqual(CLUSTER_DEFAULT_PSS);
  });

  test('an invalid label falls back to the cluster default, with a problem', () => {
    const ns = namespacePodSecurity('shop', namespace({ [`${PSS}enforce`]: 'Restricted', [`${PSS}audit-version`]: 'v2', [`${PSS}audit`]: 'baseline' }));
    expect(ns.enforce).toEqual(CLUSTER_DEFAULT_PSS);
    expect(ns.audit).toBeUndefined();
    expect(ns.problems).toEqual([
      'Namespace shop: invalid pod-security.kubernetes.io/enforce label "Restricted"; using restricted:latest',
      'Namespace shop: invalid pod-security.kubernetes.io/audit-version label "v2"; using restricted:latest',
    ]);
  });
});
