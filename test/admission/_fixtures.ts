/** The upstream Pod Security fixtures and the workloads that wrap them, for the admission proofs. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { KubeObject } from '../../policy/kube-object';
import type { PssLevel } from '../../policy/pss';

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
