/** The upstream Pod Security fixtures and the workloads that wrap them, for the admission proofs. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { KubeObject } from '../../policy/kube-object';
import type { PssLevel } from '../../policy/pss';
import { podTemplateOf } from '../../policy';
import { HardenedApp, type HardenedAppProps } from '../../constructs';
import { buildDefaultBlueprint } from '../../src/blueprint';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'pod-security');

export interface PssFixture {
  readonly level: PssLevel;
  readonly version: string;
  readonly expect: 'pass' | 'fail';
  readonly rel: string;
  readonly pod: KubeObject;
}

/** Every fixture, by level, version, pass/fail and name. */
export function loadFixtures(): PssFixture[] {
  const out: PssFixture[] = [];
  for (const level of fs.readdirSync(FIXTURES).sort()) {
    const levelDir = path.join(FIXTURES, level);
    if (!fs.statSync(levelDir).isDirectory()) continue;
    for (const version of fs.readdirSync(levelDir).sort()) {
      for (const expect of ['pass', 'fail'] as const) {
        const dir = path.join(levelDir, version, expect);
        if (!fs.existsSync(dir)) continue;
        for (const name of fs.readdirSync(dir).sort().filter(n => n.endsWith('.yaml'))) {
          out.push({ level: level as PssLevel, version, expect, rel: `${level}/${version}/${expect}/${name}`, pod: parse(fs.readFileSync(path.join(dir, name), 'utf8')) as KubeObject });
        }
      }
    }
  }
  return out;
}

/** The pod itself and a Deployment, a StatefulSet and a CronJob wrapping its metadata and spec. */
export function wrappings(pod: KubeObject): { readonly form: string; readonly object: KubeObject }[] {
  const template = { metadata: pod.metadata, spec: pod.spec };
  return [
    { form: 'Pod', object: pod },
    { form: 'Deployment', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wrapped', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'x' } }, template } } },
    { form: 'StatefulSet', object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'wrapped', namespace: 'ns' }, spec: { serviceName: 'x', selector: { matchLabels: { app: 'x' } }, template } } },
    { form: 'CronJob', object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'wrapped' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } } },
  ];
}

/**
 * The objects the rule forms are compared on: every fixture as Pod, Deployment, StatefulSet and
 * CronJob, the pod-bearing objects of the default blueprint (which pass), and variants of its api
 * Deployment that each break or bend one rule (image references, probes, resources, identity,
 * namespace, containers).
 */
export function ruleCorpus(target: HardenedAppProps = {}): { readonly name: string; readonly object: KubeObject }[] {
  const app = new HardenedApp(target);
  buildDefaultBlueprint(app);
  const blueprint = app.synthObjects().objects.map(o => o.object).filter(o => podTemplateOf(o) !== undefined);
  const api = blueprint.find(o => o.metadata?.name === 'api')!;
  const container = (o: KubeObject) => (o.spec as Json).template.spec.containers[0] as Json;
  const variant = (name: string, change: (copy: Json) => void) => {
    const copy = JSON.parse(JSON.stringify(api)) as Json;
    change(copy);
    return { name: `api ${name}`, object: copy as KubeObject };
  };
  const images = ['nginx', 'nginx:latest', 'nginx:1.27', 'registry:5000/team/app', 'registry:5000/team/app:v2', 'registry:5000/team/app:latest',
    'app@sha256:abc', 'app:latest@sha256:' + 'b'.repeat(64), 'app@sha512:' + 'c'.repeat(128), 'a/b/c:latest-1', 'a/b:x:latest', ''];
  return [
    ...loadFixtures().flatMap(f => wrappings(f.pod).map(({ form, object }) => ({ name: `${f.rel} as ${form}`, object }))),
    ...blueprint.map(o => ({ name: `blueprint ${o.kind} ${o.metadata?.name}`, object: o })),
    ...images.map(image => variant(`image ${JSON.stringify(image)}`, o => { container(o as KubeObject).image = image; })),
    variant('without readiness probe', o => { delete container(o as KubeObject).readinessProbe; }),
    variant('as a Job without probes', o => { o.kind = 'Job'; o.apiVersion = 'batch/v1'; delete container(o as KubeObject).livenessProbe; }),
    variant('without limits.memory', o => { delete container(o as KubeObject).resources.limits.memory; }),
    variant('with an init container without resources', o => { o.spec.template.spec.initContainers = [{ name: 'init', image: container(o as KubeObject).image }]; }),
    variant('with a writable root filesystem', o => { container(o as KubeObject).securityContext.readOnlyRootFilesystem = false; }),
    variant('as serviceAccountName default', o => { o.spec.template.spec.serviceAccountName = 'default'; }),
    variant('with serviceAccount (deprecated) only', o => { delete o.spec.template.spec.serviceAccountName; o.spec.template.spec.serviceAccount = 'api'; }),
    variant('without a service account', o => { delete o.spec.template.spec.serviceAccountName; }),
    variant('in namespace default', o => { o.metadata.namespace = 'default'; }),
    variant('without a namespace', o => { delete o.metadata.namespace; }),
    variant('with a second main container', o => { o.spec.template.spec.containers.push({ ...container(o as KubeObject), name: 'second' }); }),
    variant('with a native sidecar', o => { o.spec.template.spec.initContainers = [{ ...container(o as KubeObject), name: 'proxy', restartPolicy: 'Always' }]; }),
  ];
}

