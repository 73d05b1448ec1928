import fc from 'fast-check';
import type { KubeObject } from '../../policy/kube-object';
import {
  checkPodSecurity,
  checksInEffect,
  parsePssLevel,
  parsePssVersion,
  podTemplateOf,
  PSS_CHECKS,
  PSS_LATEST_VERSION,
  type PssLevel,
} from '../../policy/pss';

type Json = Record<string, unknown>;

/** The minimal restricted pod of CHECKS.md section 5, with optional spec overrides. */
function restrictedPod(spec: Json = {}, metadata: Json = { name: 'p' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      ...spec,
    },
  };
}

function ids(obj: KubeObject, level: PssLevel, version: string): string[] {
  return checkPodSecurity(obj, level, version).map((f) => f.check);
}

describe('registry', () => {
  test('lists the 19 upstream checks with their levels', () => {
    expect(PSS_CHECKS.map((c) => c.id)).toEqual([
      'hostNamespaces', 'privileged', 'capabilities_baseline', 'hostPathVolumes', 'hostPorts', 'appArmorProfile',
      'seccompProfile_baseline', 'seLinuxOptions', 'procMount', 'sysctls', 'windowsHostProcess', 'hostProbesAndHostLifecycle',
      'restrictedVolumes', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
      'capabilities_restricted', 'procMount_restricted',
    ]);
    expect(PSS_CHECKS.filter((c) => c.level === 'restricted')).toHaveLength(7);
    expect(PSS_LATEST_VERSION).toBe('v1.37');
  });

  test('checks in effect match CHECKS.md section 4', () => {
    const at = (level: PssLevel, v: string) => checksInEffect(level, v).map((c) => c.id).sort();
    const baseline28 = ['hostNamespaces', 'privileged', 'capabilities_baseline', 'hostPathVolumes', 'hostPorts', 'appArmorProfile',
      'seccompProfile_baseline', 'seLinuxOptions', 'procMount', 'sysctls', 'windowsHostProcess'];
    expect(at('baseline', 'v1.28')).toEqual([...baseline28].sort());
    expect(at('baseline', 'v1.37')).toEqual([...baseline28, 'hostProbesAndHostLifecycle'].sort());
    const restrictedAdds = ['restrictedVolumes', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted', 'capabilities_restricted'];
    const minus = (list: string[], drop: string[]) => list.filter((x) => !drop.includes(x));
    expect(at('restricted', 'v1.28')).toEqual(
      [...minus(baseline28, ['hostPathVolumes', 'capabilities_baseline', 'seccompProfile_baseline']), ...restrictedAdds].sort(),
    );
    expect(at('restricted', 'latest')).toEqual(
      [...minus([...baseline28, 'hostProbesAndHostLifecycle'], ['hostPathVolumes', 'capabilities_baseline', 'seccompProfile_baseline', 'procMount']),
        ...restrictedAdds, 'procMount_restricted'].sort(),
    );
    expect(checksInEffect('privileged', 'latest')).toEqual([]);
  });

  test('picks the highest versioned behaviour <= V and applies overrides only once they exist', () => {
    const seccomp = (v: string) => checksInEffect('restricted', v).filter((c) => c.id.startsWith('seccomp'));
    expect(seccomp('v1.18')).toEqual([{ id: 'seccompProfile_baseline', level: 'baseline', minVersion: 'v1.0' }]);
    expect(seccomp('v1.19')).toEqual([{ id: 'seccompProfile_restricted', level: 'restricted', minVersion: 'v1.19' }]);
    expect(seccomp('latest')).toEqual([{ id: 'seccompProfile_restricted', level: 'restricted', minVersion: 'v1.25' }]);
    const caps = (v: string) => checksInEffect('restricted', v).filter((c) => c.id.startsWith('capabilities')).map((c) => c.id);
    expect(caps('v1.21')).toEqual(['capabilities_baseline']);
    expect(caps('v1.22')).toEqual(['capabilities_restricted']);
    expect(checksInEffect('restricted', 'v1.7').map((c) => c.id)).not.toContain('allowPrivilegeEscalation');
    expect(checksInEffect('restricted', 'v1.22').map((c) => c.id)).not.toContain('runAsUser');
    expect(checksInEffect('restricted', 'v1.23').map((c) => c.id)).toContain('runAsUser');
  });
});

describe('input validation', () => {
  test.each(['Restricted', 'strict', '', ' baseline'])('bad level %j throws', (bad) => {
    expect(() => parsePssLevel(bad)).toThrow(/invalid Pod Security level/);
    expect(() => checkPodSecurity(restrictedPod(), bad as PssLevel, 'latest')).toThrow(/invalid Pod Security level/);
  });

  test.each(['v2.0', '1', 'v1', 'v1.28.3', 'V1.28', '', 'newest', 'v1.x', '1.28 '])('bad version %j throws', (bad) => {
    expect(() => parsePssVersion(bad)).toThrow(/invalid Pod Security version/);
    expect(() => checkPodSecurity(restrictedPod(), 'restricted', bad)).toThrow(/invalid Pod Security version/);
  });

  test('accepts latest, v1.N and 1.N; clamps versions above the latest', () => {
    expect(parsePssVersion('latest')).toEqual({ minor: 37, text: 'latest' });
    expect(parsePssVersion('1.28')).toEqual({ minor: 28, text: 'v1.28' });
    expect(parsePssVersion('v1.0')).toEqual({ minor: 0, text: 'v1.0' });
    expect(parsePssVersion('v1.99')).toEqual({ minor: 37, text: 'v1.99' });
    const pod = restrictedPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }] } });
    expect(checkPodSecurity(pod, 'restricted', 'v1.99')).toEqual(checkPodSecurity(pod, 'restricted', 'latest'));
    expect(checkPodSecurity(pod, 'restricted', '1.28')).toEqual(checkPodSecurity(pod, 'restricted', 'v1.28'));
  });
});

describe('latest vs v1.28', () => {
  test('hostProbesAndHostLifecycle exists only from v1.34', () => {
    const pod = restrictedPod({
      containers: [{
        name: 'app', image: 'x',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } },
        lifecycle: { preStop: { tcpSocket: { host: 'evil', port: 1 } } },
      }],
    });
    expect(ids(pod, 'baseline', 'v1.28')).toEqual([]);
    const latest = checkPodSecurity(pod, 'baseline', 'latest');
    expect(latest.map((f) => f.path)).toEqual([
      'spec.containers[0].livenessProbe.httpGet.host',
      'spec.containers[0].lifecycle.preStop.tcpSocket.host',
    ]);
    expect(latest[0].message).toBe('probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")');
    expect(ids(pod, 'baseline', 'v1.33')).toEqual([]);
  });

  test('seLinuxOptions allows container_engine_t only from v1.31', () => {
    const pod = restrictedPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: 'container_engine_t' } } });
    expect(ids(pod, 'restricted', 'v1.28')).toEqual(['seLinuxOptions']);
    expect(ids(pod, 'restricted', 'v1.30')).toEqual(['seLinuxOptions']);
    expect(ids(pod, 'restricted', 'v1.31')).toEqual([]);
    expect(ids(pod, 'restricted', 'latest')).toEqual([]);
  });

  test('procMount: overridden by procMount_restricted at latest, plain baseline check at v1.28', () => {
    const pod = restrictedPod({
      containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Unmasked' } }],
    });
    expect(ids(pod, 'restricted', 'v1.28')).toEqual(['procMount']);
    expect(ids(pod, 'restricted', 'latest')).toEqual(['procMount_restricted']);
    expect(checkPodSecurity(pod, 'restricted', 'latest')[0]).toEqual({
      check: 'procMount_restricted',
      level: 'restricted',
      message: 'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
      path: 'spec.containers[0].securityContext.procMount',
      fix: 'Remove securityContext.procMount from container "app" or set it to Default.',
    });
  });
});

describe('Windows exemption (from v1.25)', () => {
  const windowsPod = (extra: Json = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'w' },
    spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'x' }], ...extra },
  });

  test('a windows pod needs only pod-level runAsNonRoot at v1.25+', () => {
    expect(ids(windowsPod(), 'restricted', 'v1.25')).toEqual([]);
    expect(ids(windowsPod(), 'restricted', 'latest')).toEqual([]);
    expect(ids(windowsPod(), 'restricted', 'v1.28')).toEqual([]);
  });

  test('before v1.25 the exemption does not exist', () => {
    expect(ids(windowsPod(), 'restricted', 'v1.24')).toEqual(['allowPrivilegeEscalation', 'seccompProfile_restricted', 'capabilities_restricted']);
  });

  test('runAsNonRoot, runAsUser and baseline checks are not Windows-exempt', () => {
    expect(ids(windowsPod({ securityContext: {} }), 'restricted', 'latest')).toEqual(['runAsNonRoot']);
    expect(ids(windowsPod({ securityContext: { runAsNonRoot: true, runAsUser: 0 } }), 'restricted', 'latest')).toEqual(['runAsUser']);
    expect(ids(windowsPod({ hostNetwork: true }), 'restricted', 'latest')).toEqual(['hostNamespaces']);
  });

  test('only the exact "windows" os name counts', () => {
    expect(ids(windowsPod({ os: { name: 'Windows' } }), 'restricted', 'latest')).toContain('allowPrivilegeEscalation');
  });
});

describe('user-namespace relaxation (hostUsers: false, from v1.35)', () => {
  const rootPod = (hostUsers: unknown): KubeObject => restrictedPod({
    ...(hostUsers === undefined ? {} : { hostUsers }),
    securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: false, procMount: 'Unmasked' } }],
  });

  test('relaxes runAsNonRoot, runAsUser and baseline procMount at v1.35+', () => {
    expect(ids(rootPod(false), 'restricted', 'v1.35')).toEqual(['procMount_restricted']);
    expect(ids(rootPod(false), 'restricted', 'latest')).toEqual(['procMount_restricted']);
    expect(ids(rootPod(false), 'baseline', 'latest')).toEqual([]);
  });

  test('not before v1.35, and not when hostUsers is unset or true', () => {
    expect(ids(rootPod(false), 'restricted', 'v1.34')).toEqual(['procMount', 'runAsNonRoot', 'runAsUser']);
    expect(ids(rootPod(false), 'restricted', 'v1.28')).toEqual(['procMount', 'runAsNonRoot', 'runAsUser']);
    expect(ids(rootPod(false), 'baseline', 'v1.34')).toEqual(['procMount']);
    expect(ids(rootPod(true), 'restricted', 'latest')).toEqual(['runAsNonRoot', 'runAsUser', 'procMount_restricted']);
    expect(ids(rootPod(undefined), 'restricted', 'latest')).toEqual(['runAsNonRoot', 'runAsUser', 'procMount_restricted']);
    expect(ids(rootPod('false'), 'restricted', 'latest')).toEqual(['runAsNonRoot', 'runAsUser', 'procMount_restricted']);
  });
});

describe('sysctls by version', () => {
  const table: [string, number][] = [
    ['kernel.shm_rmid_forced', 0], ['net.ipv4.ip_local_port_range', 0], ['net.ipv4.tcp_syncookies', 0],
    ['net.ipv4.ping_group_range', 0], ['net.ipv4.ip_unprivileged_port_start', 0], ['net.ipv4.ip_local_reserved_ports', 27],
    ['net.ipv4.tcp_keepalive_time', 29], ['net.ipv4.tcp_fin_timeout', 29], ['net.ipv4.tcp_keepalive_intvl', 29],
    ['net.ipv4.tcp_keepalive_probes', 29], ['net.ipv4.tcp_rmem', 32], ['net.ipv4.tcp_wmem', 32],
    ['net.ipv4.tcp_slow_start_after_idle', 37], ['net.ipv4.tcp_notsent_lowat', 37],
  ];
  const withSysctl = (name: string): KubeObject => restrictedPod({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name, value: '1' }] },
  });

  test.each(table)('%s is allowed from v1.%i', (name, since) => {
    if (since > 0) {
      expect(ids(withSysctl(name), 'baseline', `v1.${since - 1}`)).toEqual(['sysctls']);
    }
    expect(ids(withSysctl(name), 'baseline', `v1.${since}`)).toEqual([]);
    expect(ids(withSysctl(name), 'restricted', 'latest')).toEqual([]);
  });

  test('6 names at v1.28, 14 at latest; exact names only', () => {
    const allowedAt = (v: string) => table.filter(([name]) => ids(withSysctl(name), 'baseline', v).length === 0).length;
    expect(allowedAt('v1.28')).toBe(6);
    expect(allowedAt('latest')).toBe(14);
    const f = checkPodSecurity(withSysctl('net/ipv4/tcp_syncookies'), 'baseline', 'latest');
    expect(f).toEqual([expect.objectContaining({ check: 'sysctls', message: 'forbidden sysctls (net/ipv4/tcp_syncookies)', path: 'spec.securityContext.sysctls[0].name' })]);
    expect(ids(withSysctl('kernel.shm_rmid_forced.x'), 'baseline', 'latest')).toEqual(['sysctls']);
  });
});

describe('pod-bearing kinds and paths', () => {
  const podSpec = { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] };
  const cases: [string, KubeObject, string][] = [
    ['Pod', { apiVersion: 'v1', kind: 'Pod', spec: podSpec }, 'spec'],
    ['PodTemplate', { apiVersion: 'v1', kind: 'PodTemplate', template: { spec: podSpec } }, 'template.spec'],
    ['ReplicationController', { apiVersion: 'v1', kind: 'ReplicationController', spec: { template: { spec: podSpec } } }, 'spec.template.spec'],
    ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template: { spec: podSpec } } }, 'spec.template.spec'],
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: podSpec } } }, 'spec.template.spec'],
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template: { spec: podSpec } } }, 'spec.template.spec'],
    ['DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: { spec: podSpec } } }, 'spec.template.spec'],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', spec: { template: { spec: podSpec } } }, 'spec.template.spec'],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }, 'spec.jobTemplate.spec.template.spec'],
  ];

  test.each(cases)('%s', (_kind, obj, specPath) => {
    expect(podTemplateOf(obj)?.specPath).toBe(specPath);
    expect(checkPodSecurity(obj, 'baseline', 'latest')).toEqual([
      expect.objectContaining({ check: 'privileged', path: `${specPath}.containers[0].securityContext.privileged` }),
    ]);
  });

  test('non-pod kinds, foreign API groups and missing specs give nothing', () => {
    const notPods: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', data: {} },
      { apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template: { spec: podSpec } } },
      { apiVersion: 'apps/v1', kind: 'Deployment', spec: {} },
      { apiVersion: 'v1', kind: 'Pod' },
      { apiVersion: 'v1', kind: 'toString' },
    ];
    for (const obj of notPods) {
      expect(podTemplateOf(obj)).toBeUndefined();
      expect(checkPodSecurity(obj, 'restricted', 'latest')).toEqual([]);
    }
  });

  test('a restricted Deployment reports exact paths into the original object', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'n' },
      spec: {
        template: {
          metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } },
          spec: {
            containers: [{ name: 'web', image: 'x', securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_BIND_SERVICE'] } } }],
            volumes: [{ name: 'data', hostPath: { path: '/' } }, { name: 'scratch' }],
          },
        },
      },
    };
    const findings = checkPodSecurity(deployment, 'restricted', 'latest');
    expect(findings.map((f) => [f.check, f.path])).toEqual([
      ['appArmorProfile', 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]'],
      ['restrictedVolumes', 'spec.template.spec.volumes[0].hostPath'],
      ['allowPrivilegeEscalation', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation'],
      ['runAsNonRoot', 'spec.template.spec.securityContext.runAsNonRoot'],
      ['seccompProfile_restricted', 'spec.template.spec.securityContext.seccompProfile.type'],
      ['capabilities_restricted', 'spec.template.spec.containers[0].securityContext.capabilities.drop'],
      ['capabilities_restricted', 'spec.template.spec.containers[0].securityContext.capabilities.add[0]'],
    ]);
    expect(findings[1].message).toBe('restricted volume types (volume "data" uses restricted volume type "hostPath")');
    expect(findings[3].message).toBe('runAsNonRoot != true (pod or containers "web" must set securityContext.runAsNonRoot=true)');
    for (const f of findings) {
      expect(f.fix).toMatch(/^[A-Z].*\.$/);
    }
  });

  test('privileged level checks nothing', () => {
    expect(checkPodSecurity(cases[0][1], 'privileged', 'latest')).toEqual([]);
  });
});

describe('robustness', () => {
  function deepFreeze<T>(value: T): T {
    if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(deepFreeze);
      Object.freeze(value);
    }
    return value;
  }

  test('never modifies its input', () => {
    const pod = deepFreeze(restrictedPod({ hostPID: true, volumes: [{ name: 'v', nfs: { server: 's', path: '/' } }] }));
    const before = JSON.stringify(pod);
    expect(ids(pod, 'restricted', 'latest')).toEqual(['hostNamespaces', 'restrictedVolumes']);
    expect(JSON.stringify(pod)).toBe(before);
  });

  test('never throws on arbitrary pod spec content', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.constantFrom<PssLevel>('baseline', 'restricted'), (spec, container, level) => {
        const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? { ...spec, containers: [container] } : spec };
        const findings = checkPodSecurity(pod, level, 'latest');
        return Array.isArray(findings);
      }),
      { numRuns: 500 },
    );
  });

  test('wrongly typed fields are treated as set-and-bad, not as allowed', () => {
    const pod = restrictedPod({
      containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: 'false', capabilities: { drop: 'ALL' } } }],
    });
    expect(ids(pod, 'restricted', 'latest')).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted']);
  });
});
