/**
 * Hand-built pairs for every item class of the security diff, each with its exact classification.
 * Each pair starts from one small hardened blueprint and changes one thing.
 */
import type { KubeObject } from '../../policy/kube-object';
import { celLiteral } from '../../policy/admission/policy-variables';
import { diffManifests, DiffItem } from '../../analysis/diff';
import { parseCelLiteral } from '../../analysis/diff/admission';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function namespace(name: string, level = 'restricted', version = 'v1.28'): Obj {
  const labels: Record<string, string> = {};
  for (const m of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${m}`] = level;
    labels[`pod-security.kubernetes.io/${m}-version`] = version;
  }
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function deployment(ns: string, name: string, image = `registry.example.com/${name}@sha256:${'a'.repeat(64)}`): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'main',
              image,
              ports: [{ containerPort: 8080 }],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

function netpol(ns: string, name: string, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

const sel = (ns: string, app: string): Obj => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: { app } } });

/** shop/web → shop/api on 8080, default deny in shop. */
function blueprint(): Obj[] {
  return [
    namespace('shop'),
    deployment('shop', 'web'),
    deployment('shop', 'api'),
    netpol('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    netpol('shop', 'web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [sel('shop', 'api')], ports: [{ port: 8080 }] }] }),
    netpol('shop', 'api-ingress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [sel('shop', 'web')], ports: [{ port: 8080 }] }] }),
  ];
}

const find = (objects: Obj[], kind: string, name: string): Obj => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const container = (objects: Obj[], name: string): Obj => find(objects, 'Deployment', name).spec.template.spec.containers[0];

/** The items of a change, as `effect change subject: message`. */
function changed(mutate: (objects: Obj[]) => Obj[] | void, start: () => Obj[] = blueprint): string[] {
  const before = start();
  const after = structuredClone(before);
  const replaced = mutate(after);
  return diffManifests(before as KubeObject[], (replaced ?? after) as KubeObject[]).items.map((i: DiffItem) => `${i.effect} ${i.change} ${i.subject}: ${i.message}`);
}

describe('no change', () => {
  it('gives no item', () => {
    expect(changed(() => undefined)).toEqual([]);
  });
});

describe('reachability', () => {
  it('a new ingress port on both sides widens the flow (opens)', () => {
    expect(
      changed((o) => {
        find(o, 'NetworkPolicy', 'web-egress').spec.egress[0].ports.push({ port: 9090 });
        find(o, 'NetworkPolicy', 'api-ingress').spec.ingress[0].ports.push({ port: 9090 });
      }),
    ).toEqual(['opens flow-widened shop/web → shop/api: also allows 9090/TCP (was 8080/TCP)']);
  });

  it('a port moved gives one opens and one tightens item for the same flow', () => {
    expect(
      changed((o) => {
        find(o, 'NetworkPolicy', 'web-egress').spec.egress[0].ports = [{ port: 9090 }];
        find(o, 'NetworkPolicy', 'api-ingress').spec.ingress[0].ports = [{ port: 9090 }];
      }),
    ).toEqual(['opens flow-widened shop/web → shop/api: also allows 9090/TCP (was 8080/TCP)', 'tightens flow-narrowed shop/web → shop/api: no longer allows 8080/TCP (now 9090/TCP)']);
  });

  it('a removed policy removes the flow (tightens); removing default deny opens everything, external flows called out', () => {
    expect(changed((o) => o.filter((x) => x.metadata.name !== 'api-ingress'))).toEqual(['tightens flow-removed shop/web → shop/api: flow removed (was 8080/TCP)']);
    // web keeps its egress policy, api its ingress policy: what opens is web's ingress and api's egress
    expect(changed((o) => o.filter((x) => x.metadata.name !== 'default-deny'))).toEqual([
      'opens flow-added outside: any → shop/web: new flow on all',
      'opens flow-added shop/api → outside: any: new flow on all',
      // each layer alone (issue 18): api's egress now admits api itself, web's ingress admits web; the other side still refuses
      'opens layer-opens shop/api → shop/api: NetworkPolicy egress layer alone now admits 1-65535/TCP, 1-65535/UDP, 1-65535/SCTP, beyond what the change opens end to end (another layer still refuses it)',
      'opens flow-added shop/api → shop/web: new flow on all',
      'opens layer-opens shop/web → shop/web: NetworkPolicy ingress layer alone now admits 1-65535/TCP, 1-65535/UDP, 1-65535/SCTP, beyond what the change opens end to end (another layer still refuses it)',
    ]);
  });

  it('an Istio allow-nothing AuthorizationPolicy tightens TCP, UDP stays', () => {
    const items = changed((o) => [
      ...o.filter((x) => x.metadata.name !== 'default-deny'),
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-all', namespace: 'shop' }, spec: {} },
    ], () => blueprint().filter((x) => x.metadata.name !== 'default-deny'));
    // the sidecar's uncaptured ports (15020, 15021, 15090) stay open: no AuthorizationPolicy guards them
    expect(items).toEqual([
      'tightens flow-narrowed outside: any → shop/web: no longer allows 1-15019/TCP, 15022-15089/TCP, 15091-65535/TCP (now 15020-15021/TCP, 15090/TCP, 1-65535/UDP, 1-65535/SCTP)',
      'tightens layer-tightens shop/api → shop/api: AuthorizationPolicy layer alone no longer admits 1-15019/TCP, 15022-15089/TCP, 15091-65535/TCP (was 1-65535/TCP), beyond what the change closes end to end',
      'tightens flow-narrowed shop/api → shop/web: no longer allows 1-15019/TCP, 15022-15089/TCP, 15091-65535/TCP (now 15020-15021/TCP, 15090/TCP, 1-65535/UDP, 1-65535/SCTP)',
      'tightens flow-removed shop/web → shop/api: flow removed (was 8080/TCP)',
      'tightens layer-tightens shop/web → shop/api: AuthorizationPolicy layer alone no longer admits 1-8079/TCP, 8081-15019/TCP, 15022-15089/TCP, 15091-65535/TCP (was 1-65535/TCP), beyond what the change closes end to end',
      'tightens layer-tightens shop/web → shop/web: AuthorizationPolicy layer alone no longer admits 1-15019/TCP, 15022-15089/TCP, 15091-65535/TCP (was 1-65535/TCP), beyond what the change closes end to end',
    ]);
  });
});

describe('posture', () => {
  it('Pod Security level lowered opens, raised tightens; version lowered opens', () => {
    expect(changed((o) => void (find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'))).toEqual([
      'opens pss-level namespace shop: Pod Security enforce level lowered: restricted → baseline',
    ]);
    expect(changed((o) => void (find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/warn'] = 'restricted'), () => {
      const b = blueprint();
      find(b, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/warn'] = 'baseline';
      return b;
    })).toEqual(['tightens pss-level namespace shop: Pod Security warn level raised: baseline → restricted']);
    expect(changed((o) => void (find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/audit-version'] = 'v1.25'))).toEqual([
      'opens pss-version namespace shop: Pod Security audit version lowered (restricted): v1.28 → v1.25',
    ]);
    expect(changed((o) => void delete find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'])).toEqual([
      'opens pss-level namespace shop: Pod Security enforce level lowered: restricted → privileged',
    ]);
  });

  it('a new namespace is compared with restricted', () => {
    expect(changed((o) => [...o, namespace('tools', 'baseline')])).toEqual([
      'opens pss-level namespace tools: Pod Security audit level lowered: restricted → baseline',
      'opens pss-level namespace tools: Pod Security enforce level lowered: restricted → baseline',
      'opens pss-level namespace tools: Pod Security warn level lowered: restricted → baseline',
      'neutral namespace-added namespace tools: Namespace added: Pod Security enforce baseline (v1.28), audit baseline (v1.28), warn baseline (v1.28)',
    ]);
  });

  it('privileged, capabilities, host access, writable root fs, root, seccomp, token automount: each opens', () => {
    expect(changed((o) => void (container(o, 'api').securityContext.privileged = true))).toEqual(['opens privileged shop/Deployment/api: privileged containers: main']);
    expect(changed((o) => void (container(o, 'api').securityContext.capabilities.add = ['NET_ADMIN']))).toEqual(['opens capabilities shop/Deployment/api: capabilities: main adds NET_ADMIN']);
    expect(changed((o) => void (find(o, 'Deployment', 'api').spec.template.spec.hostNetwork = true))).toEqual(['opens host-access shop/Deployment/api: host access: hostNetwork']);
    expect(changed((o) => void (container(o, 'api').securityContext.readOnlyRootFilesystem = false))).toEqual([
      'opens writable-root-fs shop/Deployment/api: containers with a writable root filesystem: main',
    ]);
    expect(changed((o) => void (find(o, 'Deployment', 'api').spec.template.spec.securityContext = { runAsUser: 0 }))).toEqual([
      'opens run-as-root shop/Deployment/api: containers that may run as root: main',
      'opens seccomp shop/Deployment/api: containers without a seccomp profile: main',
    ]);
    expect(changed((o) => void (find(o, 'Deployment', 'api').spec.template.spec.automountServiceAccountToken = true))).toEqual([
      'opens automount-token shop/Deployment/api: service-account token automount: token mounted',
    ]);
    expect(changed((o) => void (container(o, 'api').securityContext.allowPrivilegeEscalation = true))).toEqual([
      'opens privilege-escalation shop/Deployment/api: containers allowing privilege escalation: main',
    ]);
  });

  it('the same changes reversed tighten', () => {
    const priv = (): Obj[] => {
      const b = blueprint();
      container(b, 'api').securityContext.privileged = true;
      return b;
    };
    expect(changed((o) => void (container(o, 'api').securityContext.privileged = false), priv)).toEqual(['tightens privileged shop/Deployment/api: no longer: privileged containers: main']);
  });

  it('runtime class: leaving a sandbox opens, entering one tightens, neither is neutral', () => {
    const withRc = (name?: string) => (): Obj[] => {
      const b = blueprint();
      if (name) find(b, 'Deployment', 'api').spec.template.spec.runtimeClassName = name;
      return b;
    };
    expect(changed((o) => void delete find(o, 'Deployment', 'api').spec.template.spec.runtimeClassName, withRc('gvisor'))).toEqual([
      'opens runtime-class shop/Deployment/api: runtime class gvisor → default (no longer sandboxed)',
    ]);
    expect(changed((o) => void (find(o, 'Deployment', 'api').spec.template.spec.runtimeClassName = 'kata-qemu'), withRc())).toEqual([
      'tightens runtime-class shop/Deployment/api: runtime class default → kata-qemu (now sandboxed)',
    ]);
    expect(changed((o) => void (find(o, 'Deployment', 'api').spec.template.spec.runtimeClassName = 'nvidia'), withRc())).toEqual([
      'neutral runtime-class shop/Deployment/api: runtime class default → nvidia',
    ]);
  });

  it('a new workload: neutral, plus what it brings beyond the baseline', () => {
    const items = changed((o) => {
      const d = deployment('shop', 'debug', 'busybox:1.36');
      d.spec.template.spec.containers[0].securityContext.privileged = true;
      return [...o, d];
    });
    expect(items).toContain('opens privileged shop/Deployment/debug: privileged containers: main (new workload)');
    expect(items).toContain('opens image-unpinned shop/Deployment/debug container main: new container with an image by tag, not digest: busybox:1.36');
    expect(items).toContain('opens registry registry docker.io: images from a registry not used before: shop/Deployment/debug container main');
    expect(items).toContain('neutral workload-added shop/Deployment/debug: Deployment added');
  });

  it('RBAC: permissions widened open, narrowed tighten, wildcards cover', () => {
    const rbac = (verbs: string[]) => (): Obj[] => [
      ...blueprint(),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'api-reader', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }],
      },
    ];
    expect(changed((o) => void (find(o, 'Role', 'reader').rules[0].verbs = ['get', 'list', 'delete']), rbac(['get', 'list']))).toEqual([
      'opens rbac ServiceAccount shop/api: API permissions widened: delete configmaps in shop',
    ]);
    expect(changed((o) => void (find(o, 'Role', 'reader').rules[0].verbs = ['*']), rbac(['get']))).toEqual(['opens rbac ServiceAccount shop/api: API permissions widened: * configmaps in shop']);
    expect(changed((o) => void (find(o, 'Role', 'reader').rules[0].verbs = ['get']), rbac(['get', 'watch']))).toEqual([
      'tightens rbac ServiceAccount shop/api: API permissions narrowed: watch configmaps in shop',
    ]);
    expect(
      changed((o) => [
        ...o,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'api-admin' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }],
        },
      ], rbac(['get'])),
    ).toEqual(['opens rbac ServiceAccount shop/api: API permissions widened: bound to ClusterRole cluster-admin (not among the inputs) (cluster-wide)']);
  });
});

describe('identity', () => {
  it('a workload whose kind changed is the same workload: one neutral item, its flows and images compared', () => {
    expect(
      changed((o) => {
        const api = find(o, 'Deployment', 'api');
        api.kind = 'StatefulSet';
        api.spec.serviceName = 'api';
        api.metadata.annotations = { 'cdk8s-hardened.io/exceptions': JSON.stringify([{ id: 'HARDENED-10', reason: 'Single primary: replication is handled elsewhere.' }]) };
      }, () => {
        const b = blueprint();
        find(b, 'Deployment', 'api').metadata.annotations = { 'cdk8s-hardened.io/exceptions': JSON.stringify([{ id: 'HARDENED-10', reason: 'Single primary: replication is handled elsewhere.' }]) };
        return b;
      }),
    ).toEqual(['neutral workload-kind shop/StatefulSet/api: kind Deployment → StatefulSet']);
  });
});

describe('supply chain', () => {
  const digest = `registry.example.com/api@sha256:${'a'.repeat(64)}`;
  it('digest to tag opens, tag to digest tightens, new digest neutral, new registry opens', () => {
    expect(changed((o) => void (container(o, 'api').image = 'registry.example.com/api:1.2'))).toEqual([
      `opens image-unpinned shop/Deployment/api container main: image moved from a digest to a tag: ${digest} → registry.example.com/api:1.2`,
    ]);
    expect(
      changed((o) => void (container(o, 'api').image = digest), () => {
        const b = blueprint();
        container(b, 'api').image = 'registry.example.com/api:1.2';
        return b;
      }),
    ).toEqual([`tightens image-pinned shop/Deployment/api container main: image pinned by digest: registry.example.com/api:1.2 → ${digest}`]);
    expect(changed((o) => void (container(o, 'api').image = `registry.example.com/api@sha256:${'b'.repeat(64)}`))).toEqual([
      'neutral image-digest shop/Deployment/api container main: new digest of registry.example.com/api: sha256:aaaaaaaaaaaa… → sha256:bbbbbbbbbbbb…',
    ]);
    expect(changed((o) => void (container(o, 'api').image = `ghcr.io/evil/api@sha256:${'a'.repeat(64)}`))).toEqual([
      'opens registry registry ghcr.io: images from a registry not used before: shop/Deployment/api container main',
      `neutral image-changed shop/Deployment/api container main: image ${digest} → ghcr.io/evil/api@sha256:${'a'.repeat(64)}`,
    ]);
  });
});

describe('exceptions', () => {
  const annotate = (list: object[]) => (objects: Obj[]): void => {
    find(objects, 'Deployment', 'api').metadata.annotations = { 'cdk8s-hardened.io/exceptions': JSON.stringify(list) };
  };
  const reason = 'Single-primary database: a second replica would be a second primary.';
  it('added opens, removed tightens, new reason neutral', () => {
    expect(changed(annotate([{ id: 'HARDENED-10', reason }]))).toEqual([`opens exception-added shop/Deployment/api: exception to HARDENED-10 added: ${reason}`]);
    const withIt = (): Obj[] => {
      const b = blueprint();
      annotate([{ id: 'HARDENED-10', reason }])(b);
      return b;
    };
    expect(changed((o) => void delete find(o, 'Deployment', 'api').metadata.annotations, withIt)).toEqual([
      `tightens exception-removed shop/Deployment/api: exception to HARDENED-10 removed (was: ${reason})`,
    ]);
    expect(changed(annotate([{ id: 'HARDENED-10', reason: 'Replication is handled by the storage layer below.' }]), withIt)).toEqual([
      'neutral exception-reason shop/Deployment/api: exception to HARDENED-10: reason changed to: Replication is handled by the storage layer below.',
    ]);
  });
});

describe('admission', () => {
  const vap = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'run-as-non-root' }, spec: { failurePolicy: 'Fail', validations: [{ expression: 'true' }] } };
  const binding = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'run-as-non-root' }, spec: { policyName: 'run-as-non-root', validationActions: ['Deny'] } };
  const constraint = { apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sRunAsNonRoot', metadata: { name: 'all' }, spec: { parameters: { exemptions: [] } } };
  const withAdmission = (): Obj[] => [...blueprint(), structuredClone(vap), structuredClone(binding), structuredClone(constraint)];

  it('removed opens, added tightens', () => {
    expect(changed((o) => o.filter((x) => x.kind !== 'ValidatingAdmissionPolicyBinding'), withAdmission)).toEqual([
      'opens admission-removed ValidatingAdmissionPolicyBinding/run-as-non-root: admission control removed (Deny)',
    ]);
    expect(changed((o) => [...o, structuredClone(constraint)])).toEqual(['tightens admission-added K8sRunAsNonRoot/all: admission control added (deny)']);
  });

  it('deny to warn/audit/dryrun opens, back tightens; failing open opens; exemptions added open', () => {
    expect(changed((o) => void (find(o, 'ValidatingAdmissionPolicyBinding', 'run-as-non-root').spec.validationActions = ['Warn', 'Audit']), withAdmission)).toEqual([
      'opens admission-action ValidatingAdmissionPolicyBinding/run-as-non-root: action Deny → Warn+Audit (now warn only)',
    ]);
    expect(changed((o) => void (find(o, 'K8sRunAsNonRoot', 'all').spec.enforcementAction = 'dryrun'), withAdmission)).toEqual([
      'opens admission-action K8sRunAsNonRoot/all: action deny → dryrun (now audit only)',
    ]);
    expect(
      changed((o) => void (find(o, 'K8sRunAsNonRoot', 'all').spec.enforcementAction = 'deny'), () => {
        const b = withAdmission();
        find(b, 'K8sRunAsNonRoot', 'all').spec.enforcementAction = 'warn';
        return b;
      }),
    ).toEqual(['tightens admission-action K8sRunAsNonRoot/all: action warn → deny']);
    expect(changed((o) => void (find(o, 'ValidatingAdmissionPolicy', 'run-as-non-root').spec.failurePolicy = 'Ignore'), withAdmission)).toEqual([
      'opens admission-failure-policy ValidatingAdmissionPolicy/run-as-non-root: now fails open (failurePolicy Ignore)',
    ]);
    expect(changed((o) => void find(o, 'K8sRunAsNonRoot', 'all').spec.parameters.exemptions.push({ namespace: 'shop', kind: 'Deployment', name: 'api' }), withAdmission)).toEqual([
      'opens admission-exemptions K8sRunAsNonRoot/all: exemptions added: {"kind":"Deployment","name":"api","namespace":"shop"}',
    ]);
    expect(changed((o) => void (find(o, 'ValidatingAdmissionPolicy', 'run-as-non-root').spec.validations = [{ expression: 'false' }]), withAdmission)).toEqual([
      'neutral admission-changed ValidatingAdmissionPolicy/run-as-non-root: spec changed (matching, validations or parameters): review it',
    ]);
  });
});

describe('admission lists: exemptions, allow-lists and excluded namespaces', () => {
  // as the admission layer writes them: the VAP's parameters in a CEL literal, the constraint's in spec.parameters
  const params = (exemptions: object[], allowedRegistries: string[]) => ({ allowedRegistries, exemptions });
  const vap = (p: object): Obj => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'cdk8s-hardened-allowed-registries' },
    spec: { failurePolicy: 'Fail', variables: [{ name: 'params', expression: celLiteral(p) }], validations: [{ expression: 'true' }] },
  });
  const binding = (excluded: string[]): Obj => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'cdk8s-hardened-allowed-registries' },
    spec: {
      policyName: 'cdk8s-hardened-allowed-registries',
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] } },
    },
  });
  const constraint = (p: object, excluded: string[]): Obj => ({
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: 'CdkHardenedAllowedRegistries',
    metadata: { name: 'allowed-registries' },
    spec: { enforcementAction: 'deny', match: { excludedNamespaces: excluded }, parameters: p },
  });
  const start = (): Obj[] => [...blueprint(), vap(params([], ['registry.example.com/'])), binding(['kube-system']), constraint(params([], ['registry.example.com/']), ['kube-system'])];
  const exemption = { namespace: 'shop', kind: 'Deployment', name: 'api' };

  it('reads back the CEL literal the admission layer writes', () => {
    const p = { allowedRegistries: ["a.example/it's/"], exemptions: [exemption], n: 1.5, b: true, z: null };
    expect(parseCelLiteral(celLiteral(p))).toEqual(p);
    expect(parseCelLiteral('object.spec')).toBeUndefined();
  });

  it('an exemption or a registry added relaxes, removed tightens; excluded namespaces likewise', () => {
    const idx = (o: Obj[], kind: string): number => o.findIndex((x) => x.kind === kind);
    expect(
      changed((o) => {
        o[idx(o, 'ValidatingAdmissionPolicy')] = vap(params([exemption], ['registry.example.com/', 'ghcr.io/']));
        o[idx(o, 'CdkHardenedAllowedRegistries')] = constraint(params([exemption], ['registry.example.com/']), ['kube-system', 'shop']);
        o[idx(o, 'ValidatingAdmissionPolicyBinding')] = binding(['kube-system', 'shop']);
      }, start),
    ).toEqual([
      'opens admission-exemptions CdkHardenedAllowedRegistries/allowed-registries: exemptions added: {"kind":"Deployment","name":"api","namespace":"shop"}',
      'opens admission-scope CdkHardenedAllowedRegistries/allowed-registries: excluded namespaces added: shop',
      'opens admission-allow-list ValidatingAdmissionPolicy/cdk8s-hardened-allowed-registries: allowedRegistries added: ghcr.io/',
      'opens admission-exemptions ValidatingAdmissionPolicy/cdk8s-hardened-allowed-registries: exemptions added: {"kind":"Deployment","name":"api","namespace":"shop"}',
      'opens admission-scope ValidatingAdmissionPolicyBinding/cdk8s-hardened-allowed-registries: excluded namespaces added: shop',
    ]);
    expect(
      changed((o) => {
        o[idx(o, 'ValidatingAdmissionPolicy')] = vap(params([], []));
      }, start),
    ).toEqual(['tightens admission-allow-list ValidatingAdmissionPolicy/cdk8s-hardened-allowed-registries: allowedRegistries removed: registry.example.com/']);
  });
});
