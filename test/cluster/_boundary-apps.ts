/**
 * Apps whose props sit at the edges of what the API server accepts: names of 52/53/63/64
 * characters per kind, label values and keys set through the escape hatch, cron schedules,
 * ports, quantities, Ingress hosts and paths. Each is either refused at synth (with an error
 * that names it) or must be accepted whole by the real API server; the suite applies them.
 */
import { Chart, JsonPatch } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import {
  HardenedCronJob, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet, HardenedWorkload, IngressTls, Peer, type HardenedContainerProps,
} from '../../constructs';
import type { KubeJson } from '../../src/cluster/kube-client';
import { container } from '../support/fixtures';
import { testApp } from '../support/manifests';

/** One app at an edge. */
export interface BoundaryApp {
  readonly name: string;
  /** Synthesizes it (throws when synth refuses it). */
  synth(): KubeJson[];
}

type Kind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob';
const KINDS: readonly Kind[] = ['Deployment', 'StatefulSet', 'Job', 'CronJob'];
const batch = (name: string, extra: Partial<HardenedContainerProps> = {}) => container({ name, ports: [], readiness: undefined, liveness: undefined, ...extra });

function workload(kind: Kind, chart: Chart, name: string, extra: Partial<HardenedContainerProps> = {}, schedule = '30 2 * * *'): HardenedWorkload {
  switch (kind) {
    case 'Deployment': return new HardenedDeployment(chart, 'w', { name, containers: [container({ name: 'app', ...extra })] });
    case 'StatefulSet': return new HardenedStatefulSet(chart, 'w', { name, containers: [container({ name: 'app', ...extra })], volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }] });
    case 'Job': return new HardenedJob(chart, 'w', { name, containers: [batch('app', extra)] });
    default: return new HardenedCronJob(chart, 'w', { name, schedule, containers: [batch('app', extra)] });
  }
}

/** Every boundary app for a Kubernetes `minor` target; namespaces are `edge-N`, unique per app. */
export function boundaryApps(minor: string, istioVersion?: string): BoundaryApp[] {
  const apps: BoundaryApp[] = [];
  const add = (name: string, body: (chart: Chart, cluster: Chart, namespace: string) => void, namespaceName?: (n: string) => string) => {
    const n = `edge-${apps.length}`;
    apps.push({
      name,
      synth: () => {
        const app = testApp({ kubernetesVersion: minor, istioVersion });
        const cluster = new Chart(app, 'cluster');
        const ns = new HardenedNamespace(cluster, 'ns', { name: namespaceName ? namespaceName(n) : n });
        body(new Chart(app, 'workloads', { namespace: ns.name }), cluster, ns.name);
        return app.synthObjects().objects.map(o => o.object as KubeJson);
      },
    });
  };

  for (const kind of KINDS) {
    for (const length of [52, 53, 63, 64]) add(`${kind} name of ${length} characters`, chart => void workload(kind, chart, `w${'x'.repeat(length - 1)}`));
  }
  for (const length of [63, 64]) add(`namespace name of ${length} characters`, chart => void workload('Deployment', chart, 'web'), n => `${n}-${'n'.repeat(length - n.length - 1)}`);

  for (const schedule of ['0 0 * * 7', '0 0 * * 0-7', '*/5 * * * *', '@daily', '@every 1h', 'TZ=Etc/UTC 0 0 * * *', '0 0 31 2 *', '60 0 * * *', '0 0 * * MON-FRI', '0 0 L * *', '0 0 1-31/2 * *']) {
    add(`CronJob schedule ${JSON.stringify(schedule)}`, chart => void workload('CronJob', chart, 'cron', {}, schedule));
  }

  for (const [port, name] of [[1, 'low'], [65535, 'high'], [8080, 'a'.repeat(15)], [8080, 'a'.repeat(16)], [8080, 'http-2'], [8080, '1st']] as const) {
    add(`container port ${port} named ${JSON.stringify(name)}`, chart => void workload('Deployment', chart, 'web', {
      ports: [{ number: port, name }], readiness: Probe.fromTcpSocket({ port }), liveness: Probe.fromTcpSocket({ port }),
    }));
  }

  const labels: [string, string][] = [
    ['example.com/tier', 'v'.repeat(63)], ['example.com/tier', 'v'.repeat(64)], ['tier', '-leading-dash'], ['tier', 'has space'],
    ['k'.repeat(63), 'x'], ['k'.repeat(64), 'x'], ['Example.COM/x', 'x'], ['tier', ''],
  ];
  for (const kind of ['Deployment', 'CronJob'] as const) {
    for (const [key, value] of labels) {
      add(`pod-template label ${JSON.stringify(key)}=${JSON.stringify(value)} on a ${kind} (escape hatch)`, chart => {
        const w = workload(kind, chart, 'web');
        const template = kind === 'CronJob' ? '/spec/jobTemplate/spec/template' : '/spec/template';
        w.podTemplateObject.addJsonPatch(JsonPatch.add(`${template}/metadata/labels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value));
      });
    }
  }

  for (const [cpu, memory] of [['0.5', '1.5Gi'], ['1', '128974848'], ['250m', '129e6'], ['2', '123Mi'], ['1500m', '1G'], ['0.001', '1Ki']]) {
    add(`requests cpu ${cpu} memory ${memory}`, chart => void workload('Deployment', chart, 'web', {
      resources: { cpu: { request: cpu, limit: '2' }, memory: { request: memory, limit: '2Gi' } },
    }));
  }

  const ingress = (chart: Chart, host: string, paths?: string[]) => {
    const w = workload('Deployment', chart, 'web') as HardenedDeployment;
    w.exposeViaIngress({ host, ...(paths ? { paths } : {}), ingressClassName: 'nginx', tls: IngressTls.fromSecret('web-tls'), controller: Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }) });
  };
  for (const host of ['shop.example.com', '*.example.com', '10.0.0.1', 'SHOP.example.com', `${'a'.repeat(63)}.example.com`, `${'a'.repeat(64)}.example.com`, 'localhost', 'shop.example.com.']) {
    add(`Ingress host ${JSON.stringify(host)}`, chart => ingress(chart, host));
  }
  for (const paths of [['/'], ['/api', '/api/v2'], ['/a b'], ['/api/*'], ['api']]) add(`Ingress paths ${JSON.stringify(paths)}`, chart => ingress(chart, 'shop.example.com', paths));

  for (const writable of [['/tmp'], ['/var/cache/nginx', '/run'], ['/tmp/../etc'], ['/a b']]) {
    add(`writable paths ${JSON.stringify(writable)}`, chart => void workload('Deployment', chart, 'web', { writablePaths: writable }));
  }
  return apps;
}
