import { Chart } from 'cdk8s';
import { IngressBackend } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  ConcurrencyPolicy, ContainerImage, EnvValueFrom, HardenedCronJob, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet,
  HardenedWorkload, IngressTls, JobRestartPolicy, Peer, PodVolume, PolicyException, Port,
} from '../../constructs';
import type { KubeObject } from '../../policy/kube-object';
import { checkPodSecurity } from '../../policy/pss';
import { computeReachability } from '../../analysis/report/reachability';
import { container, DIGEST } from '../support/fixtures';
import { field, findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

const batch = (name: string) => container({ name, ports: [], readiness: undefined, liveness: undefined });
const DB_REASON = 'Single-primary database; replication is the operator\'s job, not more replicas.';

/** The Kubernetes version of the describe block running (every block runs at 1.28 and at the default, 1.36). */
let target = '1.36';

function dataApp(kubernetesVersion: string = target) {
  const app = testApp({ kubernetesVersion });
  const data = new HardenedNamespace(new Chart(app, 'cluster'), 'data');
  const chart = new Chart(app, 'data-workloads', { namespace: 'data' });
  return { app, data, chart };
}

function expectRestrictedAndValid(objects: readonly KubeObject[]): void {
  for (const o of objects) {
    validateAgainstKubernetesSchema(o);
    expect({ object: `${o.kind}/${o.metadata?.name}`, findings: checkPodSecurity(o, 'restricted', `v${target}`) }).toEqual({ object: `${o.kind}/${o.metadata?.name}`, findings: [] });
  }
}

describe.each(['1.28', '1.36'])('Kubernetes %s', version => {
  beforeAll(() => {
    target = version;
  });

  describe('HardenedStatefulSet', () => {
    function postgres(props: Partial<ConstructorParameters<typeof HardenedStatefulSet>[2]> = {}) {
      const env = dataApp();
      const db = new HardenedStatefulSet(env.chart, 'postgres', {
        containers: [container({ name: 'postgres', ports: [{ number: 5432, name: 'postgres' }], envValueFrom: { POSTGRES_PASSWORD: EnvValueFrom.secretKey('postgres-credentials', 'password') } })],
        volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', storage: '20Gi', storageClassName: 'fast-ssd' }],
        ...props,
      });
      return { ...env, db };
    }

    test('a headless Service, a claim per pod mounted read-write, ordered rolling updates, fsGroup that owns the volume, a PDB', () => {
      const { app } = postgres({ replicas: 3 });
      const objects = synthApp(app);
      const set = findObject(objects, 'StatefulSet', 'postgres');
      expect(field(set, 'spec.serviceName')).toBe('postgres');
      expect(field(findObject(objects, 'Service', 'postgres'), 'spec.clusterIP')).toBe('None');
      expect(field(findObject(objects, 'Service', 'postgres'), 'spec.selector')).toEqual({ 'app.kubernetes.io/name': 'postgres' });
      expect(field(set, 'spec.volumeClaimTemplates')).toEqual([{
        metadata: { name: 'data', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-hardened', 'app.kubernetes.io/name': 'postgres' } },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } } },
      }]);
      expect(field(set, 'spec.template.spec.containers[0].volumeMounts')).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]);
      expect(field(set, 'spec.template.spec.securityContext.fsGroupChangePolicy')).toBe('OnRootMismatch');
      expect(field(set, 'spec.podManagementPolicy')).toBe('OrderedReady');
      expect(field(set, 'spec.updateStrategy')).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      expect(field(set, 'spec.template.spec.containers[0].env')).toEqual([{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } }]);
      expect(field(findObject(objects, 'PodDisruptionBudget', 'postgres'), 'spec.maxUnavailable')).toBe(1);
      expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
      expectRestrictedAndValid(objects);
    });

    test('one replica needs an exception to HARDENED-10, and gets no PDB', () => {
      const { app, db } = postgres({ replicas: 1 });
      expect(() => synthApp(app)).toThrow(/HARDENED-10: StatefulSet data\/postgres runs 1 replica/);
      PolicyException.add(db, { id: 'HARDENED-10', reason: DB_REASON });
      expect(synthApp(app).filter(o => o.kind === 'PodDisruptionBudget')).toEqual([]);
    });

    test.each([
      [{ volumeClaims: [{ name: 'Data', mountPath: '/d', storage: '1Gi' }] }, /volumeClaims\[0\]\.name: "Data" is not a valid DNS-1123 label/],
      [{ volumeClaims: [{ name: 'data', mountPath: 'data', storage: '1Gi' }] }, /volumeClaims\[0\]\.mountPath: "data" is not an absolute path/],
      [{ volumeClaims: [{ name: 'data', mountPath: '/d', storage: 'lots' }] }, /volumeClaims\[0\]\.storage: "lots" is not a Kubernetes quantity/],
      [{ volumeClaims: [{ name: 'data', mountPath: '/d', storage: '1Gi' }, { name: 'data', mountPath: '/e', storage: '1Gi' }] }, /volumeClaims\[1\]\.name: "data" is used by two claims/],
    ])('bad claims fail with path, field, value and fix: %j', (props, message) => {
      expect(() => postgres(props as never)).toThrow(message);
    });
  });

  describe('HardenedJob and HardenedCronJob', () => {
    test('a Job runs to completion: deadline, retries, cleanup, restartPolicy Never, no probes, no Service', () => {
      const { app, chart } = dataApp();
      new HardenedJob(chart, 'migrate', { containers: [batch('migrate')] });
      const objects = synthApp(app);
      const job = findObject(objects, 'Job', 'migrate');
      expect(field(job, 'spec.backoffLimit')).toBe(3);
      expect(field(job, 'spec.activeDeadlineSeconds')).toBe(3600);
      expect(field(job, 'spec.ttlSecondsAfterFinished')).toBe(86400);
      expect(field(job, 'spec.template.spec.restartPolicy')).toBe('Never');
      expect(objects.filter(o => o.kind === 'Service')).toEqual([]);
      expectRestrictedAndValid(objects);
    });

    test('restartPolicy OnFailure is allowed, Always is refused', () => {
      const { app, chart } = dataApp();
      new HardenedJob(chart, 'retry', { containers: [batch('retry')], restartPolicy: JobRestartPolicy.ON_FAILURE });
      expect(field(findObject(synthApp(app), 'Job', 'retry'), 'spec.template.spec.restartPolicy')).toBe('OnFailure');
      expect(() => new HardenedJob(chart, 'bad', { containers: [batch('bad')], restartPolicy: 'Always' as JobRestartPolicy }))
        .toThrow(/^\[data-workloads\/bad\] restartPolicy: "Always" is not a restart policy a Job can use\. Fix: use JobRestartPolicy\.NEVER/);
    });

    test('a CronJob: validated schedule and time zone, concurrencyPolicy Forbid by default, a network peer of the database', () => {
      const { app, chart } = dataApp();
      const db = new HardenedDeployment(chart, 'db', { containers: [container({ name: 'db', ports: [{ number: 5432 }] })] });
      const cron = new HardenedCronJob(chart, 'export', { schedule: '30 2 * * *', timeZone: 'Europe/Berlin', containers: [batch('export')] });
      cron.allowTo(db, { ports: [Port.tcp(5432)] });
      const objects = synthApp(app);
      const c = findObject(objects, 'CronJob', 'export');
      expect(field(c, 'spec.schedule')).toBe('30 2 * * *');
      expect(field(c, 'spec.timeZone')).toBe('Europe/Berlin');
      expect(field(c, 'spec.concurrencyPolicy')).toBe(ConcurrencyPolicy.FORBID);
      expect(field(c, 'spec.jobTemplate.spec.template.spec.restartPolicy')).toBe('Never');
      expect(field(findObject(objects, 'NetworkPolicy', 'export-allow-egress'), 'spec.egress[0].to[0].podSelector')).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db' } });
      expect(field(findObject(objects, 'NetworkPolicy', 'db-allow-ingress'), 'spec.ingress[0].from[0].podSelector')).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'export' } });
      expectRestrictedAndValid(objects);
    });

    // @every: robfig/cron v3 ParseStandard takes it (the real API server admits it: test/cluster/_bad-input.ts); Feb 29 runs in leap years
    test.each(['@daily', '@hourly', '*/15 * * * 1-5', '0 3 * JAN-MAR MON-FRI', '0 0 1,15 * ?', '5 4 * * 0', '5 4 * * SUN', '@every 1h', '@every 1h30m', '@every 90s', '0 0 29 2 *', '0 0 31 2,3 *', '0 0 30 2 1'])('schedule %j is accepted', schedule => {
      const { chart } = dataApp();
      expect(() => new HardenedCronJob(chart, 'c', { schedule, containers: [batch('c')] })).not.toThrow();
    });

    // the real API server (test/cluster): "end of range (7) above maximum (6)"; robfig/cron has no 7 for Sunday
    test.each(['5 4 * * 7', '0 0 * * 0-7'])('schedule %j is refused: day of week 7', schedule => {
      const { chart } = dataApp();
      expect(() => new HardenedCronJob(chart, 'c', { schedule, containers: [batch('c')] })).toThrow(/has 7 in the day of week field, outside 0-6/);
    });

    test.each([
      ['61 * * * *', /schedule: "61 \* \* \* \*" has 61 in the minute field, outside 0-59\. Fix: write five fields/],
      ['* * * *', /has 4 fields, not 5/],
      ['@weekday', /is not one of the macros/],
      ['@every 1 hour', /"1 hour", which is not a Go duration/],
      ['@every 0s', /runs every 0 s, which the cron parser silently replaces/],
      ['@every -1h', /runs every -3600 s/],
      ['@every 1.5s', /runs every 1.5 s/],
      ['0 0 30 2 *', /never runs: no month of "2" has a day "30"/],
      ['0 0 31 4/5 *', /never runs/], // April and September
      ['TZ=UTC 0 0 * * *', /carries a time zone \(TZ\), which the API server refuses/],
      ['0 0 * 13 *', /has 13 in the month field, outside 1-12/],
      ['0 5-1 * * *', /range 5-1 backwards/],
      ['0 0 * * FOO', /"FOO" in the day of week field, which is not a number or a name/],
    ])('schedule %j fails with the field and the fix', (schedule, message) => {
      const { chart } = dataApp();
      expect(() => new HardenedCronJob(chart, 'c', { schedule, containers: [batch('c')] })).toThrow(message);
    });

    // kube-apiserver checks with Go's time.LoadLocation over its embedded tzdata: links pass, case matters (test/cluster/_bad-input.ts proves a sample)
    test.each(['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'Europe/Kiev', 'US/Eastern', 'UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires'])('time zone %j is accepted', timeZone => {
      const { chart } = dataApp();
      expect(() => new HardenedCronJob(chart, 'c', { schedule: '@daily', timeZone, containers: [batch('c')] })).not.toThrow();
    });

    test.each([['utc', 'write "UTC"'], ['europe/berlin', 'write "Europe/Berlin"'], ['Local', 'use a zone such as']])('time zone %j is refused with the fix %j', (timeZone, fix) => {
      const { chart } = dataApp();
      expect(() => new HardenedCronJob(chart, 'c', { schedule: '@daily', timeZone, containers: [batch('c')] })).toThrow(`Fix: ${fix}`);
    });

    test('an unknown time zone fails', () => {
      const { chart } = dataApp();
      expect(() => new HardenedCronJob(chart, 'c', { schedule: '@daily', timeZone: 'Mars/Olympus', containers: [batch('c')] }))
        .toThrow(/timeZone: "Mars\/Olympus" is not a time zone name of the tzdata the API server reads \(IANA 2025c; names match exactly\)\. Fix: use a zone such as "Europe\/Berlin"/);
    });
  });

  describe('containers and configuration', () => {
    test('addInitContainer and addSidecar harden like the main container; native sidecars need Kubernetes 1.29', () => {
      const old = dataApp('1.28');
      const web28 = new HardenedDeployment(old.chart, 'web', { containers: [container({ name: 'web' })] });
      expect(() => web28.addSidecar(container({ name: 'proxy', ports: [] })))
        .toThrow(/addSidecar\("proxy"\): "proxy" is a native sidecar, which Kubernetes 1\.28 does not run by default \(from 1\.29\)\. Fix: target Kubernetes 1\.29 or later/);

      const { app, chart } = dataApp('1.30');
      const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
      web.addInitContainer(batch('migrate'));
      web.addSidecar(container({ name: 'proxy', ports: [], readiness: undefined, liveness: undefined }));
      const d = findObject(synthApp(app), 'Deployment', 'web');
      const init = field(d, 'spec.template.spec.initContainers') as Record<string, any>[];
      expect(init.map(c => [c.name, c.restartPolicy, c.securityContext.capabilities, c.securityContext.readOnlyRootFilesystem, c.securityContext.appArmorProfile])).toEqual([
        ['migrate', undefined, { drop: ['ALL'] }, true, { type: 'RuntimeDefault' }],
        ['proxy', 'Always', { drop: ['ALL'] }, true, { type: 'RuntimeDefault' }],
      ]);
      expect(checkPodSecurity(d, 'restricted', 'v1.30')).toEqual([]);
    });

    test('a second main container is refused by HARDENED-11 unless excepted', () => {
      const { app, chart } = dataApp();
      const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
      web.addContainer(container({ name: 'shipper', ports: [{ number: 9000 }] }));
      expect(() => synthApp(app)).toThrow(/HARDENED-11: Deployment data\/web container "shipper" is a second main container/);
      expect(() => web.addContainer(container({ name: 'shipper' }))).toThrow(/addContainer\("shipper"\)\.name: "shipper" is used by two containers/);
    });

    test('Secret, ConfigMap, projected token and claim volumes, read-only unless stated', () => {
      const { app, chart } = dataApp();
      new HardenedDeployment(chart, 'api', {
        containers: [container({
          name: 'api',
          envValueFrom: { LOG_LEVEL: EnvValueFrom.configMapKey('api-config', 'log-level', { optional: true }) },
          mounts: [
            { path: '/etc/api/tls', volume: PodVolume.fromSecret('api-tls') },
            { path: '/etc/api/config', volume: PodVolume.fromConfigMap('api-config'), subPath: 'config.yaml' },
            { path: '/var/run/vault', volume: PodVolume.fromServiceAccountToken({ audience: 'vault', expirationSeconds: 900 }) },
            { path: '/var/lib/api', volume: PodVolume.fromPersistentVolumeClaim('api-cache'), writable: true },
          ],
          writablePaths: ['/tmp'],
          writablePathSizesMiB: { '/tmp': 256 },
        })],
      });
      const spec = field(findObject(synthApp(app), 'Deployment', 'api'), 'spec.template.spec') as Record<string, any>;
      expect(spec.containers[0].env).toEqual([{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'log-level', optional: true } } }]);
      expect(spec.containers[0].volumeMounts.map((m: any) => [m.mountPath, m.readOnly ?? false])).toEqual([
        ['/tmp', false], ['/etc/api/tls', true], ['/etc/api/config', true], ['/var/run/vault', true], ['/var/lib/api', false],
      ]);
      const volumes = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
      expect(volumes['secret-api-tls'].secret).toEqual({ secretName: 'api-tls', defaultMode: 0o440 });
      expect(volumes['token-vault'].projected.sources).toEqual([{ serviceAccountToken: { audience: 'vault', expirationSeconds: 900, path: 'token' } }]);
      expect(volumes['pvc-api-cache'].persistentVolumeClaim).toEqual({ claimName: 'api-cache' });
      expect(spec.volumes.find((v: any) => v.emptyDir)?.emptyDir).toEqual({ sizeLimit: '256Mi' });
      expect(spec.automountServiceAccountToken).toBe(false);
    });

    test.each([
      [{ mounts: [{ path: '/etc/x', volume: PodVolume.fromSecret('x'), writable: true }] }, /mounts\[0\]\.writable: true is not allowed for a secret volume .*Fix: leave writable unset/],
      [{ mounts: [{ path: '/tmp', volume: PodVolume.fromSecret('x') }], writablePaths: ['/tmp'] }, /mounts\[0\]\.path: "\/tmp" is mounted twice/],
      [{ mounts: [{ path: '/t', volume: PodVolume.fromServiceAccountToken({ audience: 'vault', expirationSeconds: 60 }) }] }, /volume\.expirationSeconds: 60 is .*Fix: use at least 600 seconds/],
      [{ envValueFrom: { 'PASS WORD': EnvValueFrom.secretKey('s', 'k') } }, /envValueFrom: "PASS WORD" is not a valid environment variable name/],
      [{ env: { TOKEN: 'x' }, envValueFrom: { TOKEN: EnvValueFrom.secretKey('s', 'k') } }, /envValueFrom: "TOKEN" is also set in env/],
      [{ envValueFrom: { A: EnvValueFrom.secretKey('S_3', 'k') } }, /envValueFrom\["A"\]\.name: "S_3" is not a valid DNS-1123 subdomain/],
      [{ writablePathSizesMiB: { '/var': 10 } }, /writablePathSizesMiB: "\/var" is not one of the writablePaths/],
      [{ resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '512m', limit: '1Gi' } } }, /resources\.memory\.request: "512m" is in thousandths of a byte .*Fix: write 512Mi for mebibytes or 512M for megabytes/],
    ])('bad configuration fails with path, field, value and fix: %#', (overrides, message) => {
      const { chart } = dataApp();
      expect(() => new HardenedDeployment(chart, 'api', { containers: [container({ name: 'api', ...overrides } as never)] })).toThrow(message);
    });

    test('a credential in a plain env value fails synth (HARDENED-16) with the fix; an exception with a reason accepts it', () => {
      const { app, chart } = dataApp();
      const api = new HardenedDeployment(chart, 'api', { containers: [container({ name: 'api', env: { DB_PASSWORD: 'hunter2', PASSWORD_MIN_LENGTH: '12', LOG_LEVEL: 'info' } })] });
      expect(() => synthApp(app)).toThrow(/HARDENED-16: Deployment data\/api container "api" sets DB_PASSWORD to a plain value \(spec\.template\.spec\.containers\[0\]\.env\[0\]\.value\)[\s\S]*Fix: take the value from a Secret key[\s\S]*HARDENED-16: Deployment data\/api container "api" sets PASSWORD_MIN_LENGTH/);
      PolicyException.add(api, { id: 'HARDENED-16', reason: 'PASSWORD_MIN_LENGTH is a policy setting and DB_PASSWORD a local test fixture.' });
      expect(() => synthApp(app)).not.toThrow();
    });
  });

  describe('exposure through an Ingress', () => {
    const controller = Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });

    test('TLS required, the Service port differs from the container port, the controller gets exactly the container port', () => {
      const { app, chart } = dataApp();
      const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web', ports: [{ number: 8080, name: 'http', servicePort: 80 }] })] });
      web.exposeViaIngress({ host: 'shop.example.com', paths: ['/', '/api'], ingressClassName: 'nginx', tls: IngressTls.fromCertManager('letsencrypt'), controller });
      const objects = synthApp(app);
      const ingress = findObject(objects, 'Ingress', 'web');
      expect(ingress.metadata?.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
      expect(ingress.spec).toEqual({
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }],
        rules: [{ host: 'shop.example.com', http: { paths: ['/', '/api'].map(path => ({ path, pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } })) } }],
      });
      expect(field(findObject(objects, 'Service', 'web'), 'spec.ports')).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
      expect(field(findObject(objects, 'NetworkPolicy', 'web-allow-ingress'), 'spec.ingress')).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      }]);
      expect(web.ingressHosts).toEqual([{ host: 'shop.example.com', paths: ['/', '/api'] }]);
      objects.forEach(validateAgainstKubernetesSchema);
      // the Service is a cdk8s-plus Service, so cdk8s-plus Ingress backends accept it
      expect(IngressBackend.fromService(web.service!)).toBeDefined();
    });

    test.each([
      [{ host: 'https://shop.example.com' }, /exposeViaIngress\.host: "https:\/\/shop\.example\.com" is not a host name/],
      [{ tls: undefined }, /exposeViaIngress\.tls: \(unset\) is not set\. Fix: give IngressTls\.fromSecret/],
      [{ ingressClassName: '' }, /exposeViaIngress\.ingressClassName: "" is not a valid DNS-1123 subdomain/],
      [{ paths: ['api'] }, /exposeViaIngress\.paths\[0\]: "api" is not an absolute URL path/],
      [{ containerPort: 9999 }, /exposeViaIngress\.containerPort: 9999 is not a TCP port of the main containers\. Fix: give one of \[8080\]/],
    ])('bad exposure fails: %j', (overrides, message) => {
      const { chart } = dataApp();
      const web = new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
      expect(() => web.exposeViaIngress({ host: 'shop.example.com', ingressClassName: 'nginx', tls: IngressTls.fromSecret('shop-tls'), controller, ...overrides } as never)).toThrow(message);
    });

    test('a workload whose name starts with a digit cannot have a Service (DNS-1035)', () => {
      const { chart } = dataApp();
      expect(() => new HardenedDeployment(chart, '3d-render', { containers: [container({ name: 'web' })] }))
        .toThrow(/\[data-workloads\/3d-render\] name: "3d-render" is not a valid Service name .*Fix: start the workload name with a letter/);
    });
  });

  describe('cross-checks against the namespace', () => {
    test('a limit above the LimitRange max fails synth', () => {
      const { app, chart } = dataApp();
      new HardenedDeployment(chart, 'big', { containers: [container({ name: 'big', resources: { cpu: { request: '1', limit: '6' }, memory: { request: '1Gi', limit: '2Gi' } } })] });
      expect(() => synthApp(app)).toThrow(/\[data-workloads\/big\] containers\["big"\]\.resources\.cpu\.limit: "6" is above the cpu maximum 4 of the LimitRange of namespace "data".*Fix: lower the limit to 4 or less, or raise maxLimit/);
    });

    test('a quota that cannot hold the declared replicas fails synth', () => {
      const app = testApp();
      new HardenedNamespace(new Chart(app, 'cluster'), 'tiny', { resourceQuota: { 'pods': '4', 'requests.cpu': '1', 'limits.memory': '1Gi' } });
      new HardenedDeployment(new Chart(app, 'w', { namespace: 'tiny' }), 'web', { replicas: 4, containers: [container({ name: 'web' })] });
      expect(() => synthApp(app)).toThrow(/quota: the workloads of namespace "tiny" run up to 5 pods \(web 5\), more than its ResourceQuota allows \(pods: 4\)[\s\S]*declare limits of 1280Mi memory at their most pods, more than its ResourceQuota allows \(limits\.memory: 1Gi\)/);
    });
  });

  describe('every kind together (property)', () => {
    type Kind = 'deployment' | 'statefulset' | 'job' | 'cronjob';
    const kinds: Kind[] = ['deployment', 'statefulset', 'job', 'cronjob'];

    function build(plan: { kinds: Kind[]; flows: [number, number][] }) {
      const app = testApp();
      const cluster = new Chart(app, 'cluster');
      ['a', 'b'].forEach(n => new HardenedNamespace(cluster, n));
      const workloads: HardenedWorkload[] = plan.kinds.map((kind, i) => {
        const chart = new Chart(app, `c${i}`, { namespace: i % 2 === 0 ? 'a' : 'b' });
        const name = `w${i}`;
        switch (kind) {
          case 'deployment': return new HardenedDeployment(chart, name, { containers: [container({ name })] });
          case 'statefulset': return new HardenedStatefulSet(chart, name, { containers: [container({ name })], volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }] });
          case 'job': return new HardenedJob(chart, name, { containers: [batch(name)] });
          default: return new HardenedCronJob(chart, name, { schedule: '@daily', containers: [batch(name)] });
        }
      });
      const declared = new Set<string>();
      for (const [from, to] of plan.flows) {
        const server = workloads[to];
        if (from === to || server instanceof HardenedJob || server instanceof HardenedCronJob) continue; // batch pods listen on nothing
        workloads[from].allowTo(server, { ports: [Port.tcp(8080)] });
        declared.add(`${workloads[from].namespaceName}/${workloads[from].name} -> ${server.namespaceName}/${server.name}`);
      }
      return { app, declared };
    }

    test('every pod template passes restricted, every allowed flow was declared, output is deterministic', () => {
      const plan = fc.record({
        kinds: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 6 }),
        flows: fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 8 }),
      }).map(p => ({ kinds: p.kinds, flows: p.flows.map(([a, b]) => [a % p.kinds.length, b % p.kinds.length] as [number, number]) }));
      fc.assert(fc.property(plan, p => {
        const first = build(p);
        const objects = synthApp(first.app);
        for (const o of objects) expect(checkPodSecurity(o, 'restricted', 'v1.28')).toEqual([]);
        const edges = computeReachability(objects).edges.filter(e => `${e.from.namespace}/${e.from.name}` !== `${e.to.namespace}/${e.to.name}`);
        expect(new Set(edges.map(e => `${e.from.namespace}/${e.from.name} -> ${e.to.namespace}/${e.to.name}`))).toEqual(first.declared);
        expect(JSON.stringify(synthApp(build(p).app))).toBe(JSON.stringify(objects));
      }), { numRuns: 25 });
    });
  });
});

test('every new kind is exported and images stay digest-pinned', () => {
  expect(ContainerImage.fromDigest(`r.example.com/x@${DIGEST}`).pinned).toBe(true);
});
