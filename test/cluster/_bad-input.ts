/**
 * The bad-input catalogue's claims about the API server, checked on the real one (issue 20): for
 * each value, the server's verdict on the raw object (a dry-run create of a synthesized object
 * with the one field set to it) and our synth's verdict on the prop. A value the server rejects
 * must be refused at synth; a value it admits is either synthesized (the catalogue's valid
 * inputs: every time zone name of our list, `@every 1h`, the host `localhost`) or refused for a
 * reason of ours that the case states (a schedule that never runs, a Prefix path that is a
 * regular expression). The server is the oracle; nothing here models it.
 */
import { Chart } from 'cdk8s';
import {
  HardenedCronJob, HardenedDeployment, HardenedInputError, HardenedNamespace, HardenedStatefulSet, IngressTls, Peer, Port, SynthValidationError, type HardenedContainerProps,
} from '../../constructs';
import { TIME_ZONE_NAMES } from '../../constructs/_validate/time-zones';
import type { KubeClient, KubeJson } from '../../src/cluster/kube-client';
import { container } from '../support/fixtures';
import { testApp, withoutWarnings } from '../support/manifests';
import { admission, applyAll, asManifests } from './_support';

const NS = 'bad-input';
const batch = (name: string): HardenedContainerProps => container({ name, ports: [], readiness: undefined, liveness: undefined });
const controller = Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });

/** What a test app is given: its workloads chart. */
type Build = (chart: Chart) => void;

/** The objects of a valid app in namespace `bad-input` built by `build` (throws when synth refuses). */
function synth(minor: string, build: Build): KubeJson[] {
  const app = testApp({ kubernetesVersion: minor, ...(minor === '1.37' ? { istioVersion: '1.31' } : {}) });
  new HardenedNamespace(new Chart(app, 'cluster'), 'ns', { name: NS });
  build(new Chart(app, 'workloads', { namespace: NS }));
  return withoutWarnings(() => app.synthObjects().objects.map(o => o.object as KubeJson));
}

/** Whether synth refuses the app with an error of ours (path, field, value, fix), and the first line. */
function synthVerdict(minor: string, build: Build): { refused: boolean; message: string } {
  try {
    synth(minor, build);
    return { refused: false, message: '' };
  } catch (e) {
    if (!(e instanceof HardenedInputError) && !(e instanceof SynthValidationError)) throw e;
    return { refused: true, message: e.message.split('\n').slice(0, 2).join(' ') };
  }
}

const cron = (props: { schedule?: string; timeZone?: string }): Build => chart => void new HardenedCronJob(chart, 'cj', { schedule: '@daily', ...props, containers: [batch('cj')] });
const web = (chart: Chart) => new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web' })] });
const ingress = (host: string, paths?: string[]): Build => chart => void web(chart).exposeViaIngress({ host, ...(paths ? { paths } : {}), ingressClassName: 'nginx', tls: IngressTls.fromSecret('web-tls'), controller });

/** One claim: the raw object with the value (from a valid base object), and the prop that sets it. */
interface Claim {
  readonly name: string;
  /** The server must reject the raw object (true) or admit it (false). */
  readonly serverRejects: boolean;
  /** Our synth must refuse the prop (a server rejection always implies it). */
  readonly synthRefuses: boolean;
  readonly kind: string;
  set(object: Record<string, any>): void;
  readonly build: Build;
}

function claims(): Claim[] {
  const out: Claim[] = [];
  const schedule = (s: string, serverRejects: boolean, synthRefuses: boolean, why: string) => out.push({
    name: `CronJob schedule ${JSON.stringify(s)} (${why})`, serverRejects, synthRefuses, kind: 'CronJob', set: o => { o.spec.schedule = s; }, build: cron({ schedule: s }),
  });
  schedule('@every 1h', false, false, 'robfig/cron ParseStandard');
  schedule('@every 1h30m', false, false, 'robfig/cron ParseStandard');
  schedule('@every 500ms', false, true, 'ours: the parser runs it every second instead');
  schedule('@every 0s', false, true, 'ours: the parser runs it every second instead');
  schedule('0 0 30 2 *', false, true, 'ours: never runs');
  schedule('0 0 31 4,6,9,11 *', false, true, 'ours: never runs');
  schedule('0 0 29 2 *', false, false, 'runs in leap years');
  schedule('0 0 * * 7', true, true, 'day of week 7');
  schedule('TZ=UTC 0 0 * * *', true, true, 'TZ in the schedule');
  schedule('0 0 * * * *', true, true, 'six fields');
  const zone = (z: string, rejects: boolean) => out.push({
    name: `CronJob timeZone ${JSON.stringify(z)}`, serverRejects: rejects, synthRefuses: rejects, kind: 'CronJob', set: o => { o.spec.timeZone = z; }, build: cron({ timeZone: z }),
  });
  for (const z of ['utc', 'Local', 'Europe/Atlantis', 'europe/berlin', 'US/eastern', 'Asia/Kolkata ']) zone(z, true);
  const path = (p: string, serverRejects: boolean, why: string) => out.push({
    name: `Ingress path ${JSON.stringify(p)} (${why})`, serverRejects, synthRefuses: true, kind: 'Ingress', set: o => { o.spec.rules[0].http.paths[0].path = p; }, build: ingress('shop.example.com', [p]),
  });
  path('/a%2Fb', true, '%2F');
  path('/a%2fb', true, '%2f');
  path('/a/./b', true, '/./');
  path('/a/.', true, 'a trailing /.');
  path('/api/(.*)', false, 'ours: a regular expression, matched literally');
  path('/static/*', false, 'ours: a glob, matched literally');
  const host = (h: string, serverRejects: boolean) => out.push({
    name: `Ingress host ${JSON.stringify(h)}`, serverRejects, synthRefuses: serverRejects, kind: 'Ingress', set: o => { o.spec.rules[0].host = h; o.spec.tls[0].hosts = [h]; }, build: ingress(h),
  });
  host('localhost', false);
  host('api-shop.example.com', false);
  host('10.0.0.1', true);
  out.push({
    name: 'NetworkPolicy port protocol ICMP', serverRejects: true, synthRefuses: true, kind: 'NetworkPolicy',
    set: o => { o.spec.egress[0].ports[0].protocol = 'ICMP'; },
    build: chart => web(chart).allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [{ protocol: 'ICMP', port: 443 } as unknown as Port] }),
  });
  out.push({
    name: 'StatefulSet claim storage "1500m" (ours: thousandths of a byte)', serverRejects: false, synthRefuses: true, kind: 'StatefulSet',
    set: o => { o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '1500m'; },
    build: chart => void new HardenedStatefulSet(chart, 'db', { containers: [container({ name: 'db' })], volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1500m' }] }),
  });
  return out;
}

/** The base objects the claims edit: a valid app with each kind a claim sets a field of. */
function base(minor: string): KubeJson[] {
  return synth(minor, chart => {
    const w = web(chart);
    w.exposeViaIngress({ host: 'shop.example.com', ingressClassName: 'nginx', tls: IngressTls.fromSecret('web-tls'), controller });
    w.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(443)] });
    new HardenedCronJob(chart, 'cj', { schedule: '@daily', containers: [batch('cj')] });
    new HardenedStatefulSet(chart, 'db', { containers: [container({ name: 'db' })], volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }] });
  });
}

/** The server tests of the catalogue's claims; called from realServerSuite. */
export function badInputServerTests(minor: string, client: () => KubeClient, tally: string[] = []): void {
  test('bad input: each claim about the API server holds on it, and synth refuses every value the server rejects', async () => {
    const objects = base(minor);
    // the namespace and its policies exist; the edited objects are only dry-run created
    expect((await applyAll(client(), asManifests(objects.filter(o => o.kind === 'Namespace' || o.metadata?.namespace === undefined)))).rejected).toEqual([]);
    const of = (kind: string) => {
      const found = objects.find(o => o.kind === kind && (kind !== 'NetworkPolicy' || String(o.metadata?.name).endsWith('allow-egress')));
      if (!found) throw new Error(`no ${kind} in the base app`);
      return JSON.parse(JSON.stringify(found)) as Record<string, any>;
    };
    // the unedited objects are admitted, so a rejection below is the edited field's
    for (const kind of ['CronJob', 'Ingress', 'NetworkPolicy', 'StatefulSet']) expect({ kind, ...(await admission(client(), of(kind) as KubeJson)) }).toEqual({ kind, admitted: true, message: '' });
    const wrong: string[] = [];
    let rejected = 0;
    const all = claims();
    for (const claim of all) {
      const object = of(claim.kind);
      claim.set(object);
      const server = await admission(client(), object as KubeJson);
      const ours = synthVerdict(minor, claim.build);
      if (!server.admitted) rejected++;
      if (server.admitted === claim.serverRejects) wrong.push(`${claim.name}: the server ${server.admitted ? 'admits' : `rejects (${server.message.slice(0, 160)})`}, the case says otherwise`);
      if (ours.refused !== claim.synthRefuses) wrong.push(`${claim.name}: synth ${ours.refused ? `refuses (${ours.message.slice(0, 160)})` : 'accepts'}, the case says otherwise`);
      if (!server.admitted && !ours.refused) wrong.push(`${claim.name}: the server rejects it and synth writes it`);
    }
    expect(wrong).toEqual([]);
    tally.push(`${minor}: bad-input claims: ${all.length} values, ${rejected} rejected by the server and refused at synth, ${all.length - rejected} admitted by the server (${all.filter(c => !c.serverRejects && c.synthRefuses).length} refused by us for a stated reason)`);
  }, 300_000);

  test('CronJob timeZone: every name of our tzdata list is admitted by the server, and synthesized', async () => {
    const cronJob = base(minor).find(o => o.kind === 'CronJob') as Record<string, any>;
    const refusedByServer: string[] = [];
    const refusedBySynth: string[] = [];
    const names = [...TIME_ZONE_NAMES];
    for (const name of names) {
      const object = JSON.parse(JSON.stringify(cronJob));
      object.spec.timeZone = name;
      const server = await admission(client(), object as KubeJson);
      if (!server.admitted) refusedByServer.push(`${name}: ${server.message.slice(0, 120)}`);
    }
    // synth: apps of 10 CronJobs (within the namespace's default quota), one per name
    const written: (string | undefined)[] = [];
    for (let at = 0; at < names.length; at += 10) {
      const chunk = names.slice(at, at + 10);
      written.push(...synth(minor, chart => chunk.forEach((timeZone, i) => void new HardenedCronJob(chart, `cj${i}`, { schedule: '@daily', timeZone, containers: [batch('cj')] })))
        .filter(o => o.kind === 'CronJob').map(o => (o.spec as { timeZone?: string }).timeZone));
    }
    for (const name of names) if (!written.includes(name)) refusedBySynth.push(name);
    expect({ refusedByServer, refusedBySynth }).toEqual({ refusedByServer: [], refusedBySynth: [] });
    expect(names.length).toBeGreaterThan(590);
    tally.push(`${minor}: CronJob timeZone: ${names.length} tzdata names (aliases such as US/Eastern, Asia/Calcutta, Europe/Kiev included) admitted by the server and synthesized`);
  }, 300_000);
}
