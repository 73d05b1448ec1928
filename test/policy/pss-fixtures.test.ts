/**
 * Conformance: every upstream pod-security-admission fixture, checked in place.
 * pass/ files must give no finding; fail/ files must give a finding of the check they are named
 * after (or of the restricted check overriding it). Each fixture is also wrapped into a
 * Deployment and a CronJob, which must give the same findings at the prefixed paths.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { KubeObject } from '../../policy/kube-object';
import { checkPodSecurity, type PssFinding, type PssLevel } from '../../policy/pss';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'pod-security');

interface Fixture {
  readonly level: PssLevel;
  readonly version: string;
  readonly expect: 'pass' | 'fail';
  readonly file: string;
  readonly rel: string;
}

function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const level of fs.readdirSync(FIXTURES).sort()) {
    const levelDir = path.join(FIXTURES, level);
    if (!fs.statSync(levelDir).isDirectory()) {
      continue;
    }
    for (const version of fs.readdirSync(levelDir).sort()) {
      for (const expect of ['pass', 'fail'] as const) {
        const dir = path.join(levelDir, version, expect);
        if (!fs.existsSync(dir)) {
          continue;
        }
        for (const name of fs.readdirSync(dir).sort()) {
          if (name.endsWith('.yaml')) {
            out.push({ level: level as PssLevel, version, expect, file: path.join(dir, name), rel: `${level}/${version}/${expect}/${name}` });
          }
        }
      }
    }
  }
  return out;
}

function minorOf(version: string): number {
  return Number(version.split('.')[1]);
}

/** The check a fail/ fixture must trip: its name stem, or at restricted the check that overrides it. */
function expectedCheck(f: Fixture): string {
  const stem = path.basename(f.file, '.yaml').replace(/\d+$/, '');
  if (f.level !== 'restricted') {
    return stem;
  }
  const minor = minorOf(f.version);
  if (stem === 'capabilities_baseline' && minor >= 22) return 'capabilities_restricted';
  if (stem === 'hostpathvolumes') return 'restrictedvolumes';
  if (stem === 'seccompprofile_baseline' && minor >= 19) return 'seccompprofile_restricted';
  if (stem === 'procmount' && minor >= 35) return 'procmount_restricted';
  return stem;
}

function wrapDeployment(pod: KubeObject): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'wrapped', namespace: 'ns' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: pod.metadata, spec: pod.spec } },
  };
}

function wrapCronJob(pod: KubeObject): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'wrapped' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: pod.metadata, spec: pod.spec } } } },
  };
}

function reprefix(findings: readonly PssFinding[], prefix: string): PssFinding[] {
  return findings.map((f) => ({ ...f, path: f.path.replace(/^(spec|metadata)\b/, `${prefix}.$1`) }));
}

const fixtures = listFixtures();
let checked = 0;

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`pod-security fixtures checked: ${checked} of ${fixtures.length} (each also as Deployment and CronJob)`);
});

describe(`upstream Pod Security fixtures (${fixtures.length} files)`, () => {
  test('the fixture tree is complete (274 files per SOURCE.md)', () => {
    expect(fixtures.length).toBe(274);
    expect(fixtures.filter((f) => f.expect === 'pass')).toHaveLength(66);
  });

  test.each(fixtures.map((f) => [f.rel, f] as const))('%s', (_rel, f) => {
    const pod = parse(fs.readFileSync(f.file, 'utf8')) as KubeObject;
    const findings = checkPodSecurity(pod, f.level, f.version);
    if (f.expect === 'pass') {
      expect(findings).toEqual([]);
    } else {
      const want = expectedCheck(f);
      expect(findings.map((x) => x.check.toLowerCase())).toContain(want);
      for (const finding of findings) {
        expect(finding.path).toMatch(/^(spec|metadata)[.[]/);
        expect(finding.message.length).toBeGreaterThan(0);
        expect(finding.fix).toMatch(/\.$/);
      }
    }
    expect(checkPodSecurity(wrapDeployment(pod), f.level, f.version)).toEqual(reprefix(findings, 'spec.template'));
    expect(checkPodSecurity(wrapCronJob(pod), f.level, f.version)).toEqual(reprefix(findings, 'spec.jobTemplate.spec.template'));
    checked++;
  });
});
