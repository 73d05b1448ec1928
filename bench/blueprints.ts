/**
 * The benchmark's blueprints: `workloads` services, 10 per namespace, one chart per namespace.
 * Hardened: a HardenedNamespace and HardenedDeployments, each allowed to reach its neighbour
 * (the next workload; the last of a namespace reaches the first of the next namespace).
 * With `extraPorts`, every tenth workload also reaches the workload after its neighbour (the diff suite's change).
 * Baseline: plain cdk8s-plus-28, Deployment + Service + ServiceAccount with `isolate: true`.
 */
import { createHash } from 'crypto';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ContainerImage, HardenedDeployment, HardenedNamespace, Port } from '../constructs';

export const WORKLOADS_PER_NAMESPACE = 10;

function image(name: string): string {
  return `registry.example.com/bench/${name}@sha256:${createHash('sha256').update(name).digest('hex')}`;
}

export function buildHardened(app: App, workloads: number, extraPorts = false): void {
  const all: HardenedDeployment[] = [];
  for (let n = 0; n * WORKLOADS_PER_NAMESPACE < workloads; n++) {
    const chart = new Chart(app, `ns-${n}`);
    const namespace = new HardenedNamespace(chart, `ns-${n}`);
    for (let k = 0; k < WORKLOADS_PER_NAMESPACE && all.length < workloads; k++) {
      all.push(new HardenedDeployment(chart, `app-${k}`, {
        namespace,
        containers: [{
          name: 'app',
          image: ContainerImage.fromDigest(image(`app-${k}`)),
          ports: [{ number: 8080, name: 'http' }],
          resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
          readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
          liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
          writablePaths: ['/tmp'],
        }],
      }));
    }
  }
  if (all.length < 2) return;
  all.forEach((w, i) => w.allowTo(all[(i + 1) % all.length], { ports: [Port.tcp(8080)] }));
  // the "after" side of the diff suite: every tenth workload also reaches the workload after its neighbour
  if (extraPorts) all.forEach((w, i) => { if (i % 10 === 0) w.allowTo(all[(i + 2) % all.length], { ports: [Port.tcp(8080)] }); });
}

export function buildBaseline(app: App, workloads: number): void {
  let count = 0;
  for (let n = 0; count < workloads; n++) {
    const chart = new Chart(app, `ns-${n}`, { namespace: `ns-${n}` });
    for (let k = 0; k < WORKLOADS_PER_NAMESPACE && count < workloads; k++, count++) {
      const serviceAccount = new kplus.ServiceAccount(chart, `app-${k}-sa`, { metadata: { name: `app-${k}` } });
      const deployment = new kplus.Deployment(chart, `app-${k}`, {
        metadata: { name: `app-${k}` },
        serviceAccount,
        isolate: true,
        containers: [{ name: 'app', image: image(`app-${k}`), portNumber: 8080 }],
      });
      deployment.exposeViaService({ name: `app-${k}`, ports: [{ port: 8080 }] });
    }
  }
}
