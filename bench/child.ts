/**
 * One benchmark run, in a fresh process (started by bench/run.js): prints one JSON line.
 *
 *   node .bench/child.js <suite> <workloads> <outdir>
 *
 * - hardened, baseline: build the blueprint and synthesize it into outdir; time covers construction
 *   and synth (not module loading).
 * - check, parse, report, diff: synthesize the hardened blueprint first (not timed), then time the
 *   analysis of its files as the command line runs it: `check --hardened` (reading included),
 *   `parse` (js-yaml's parse of the same files and nothing else: the floor `check` is measured
 *   against), `report` (reading and the Markdown report), `diff` (reading two versions and
 *   comparing them; the second opens one more flow from every tenth workload).
 * Peak RSS is this process's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { diffManifests } from '../analysis/diff';
import { HardenedApp } from '../constructs';
import { runCheck } from '../src/cli/check';
import { buildSecurityReport } from '../src/security-report-file';
import { loadManifests } from '../src/yaml-input';
import { buildBaseline, buildHardened } from './blueprints';

const SUITES = ['hardened', 'baseline', 'check', 'parse', 'report', 'diff'] as const;
type Suite = typeof SUITES[number];

function synthHardened(workloads: number, outdir: string, extraPorts = false): number {
  const app = new HardenedApp({ outdir });
  buildHardened(app, workloads, extraPorts);
  app.synth();
  return app.node.findAll().filter(c => ApiObject.isApiObject(c)).length;
}

function main(): void {
  const [suiteArg, workloadsArg, outdir] = process.argv.slice(2);
  const suite = suiteArg as Suite;
  const workloads = Number(workloadsArg);
  if (!SUITES.includes(suite) || !Number.isInteger(workloads) || !outdir) {
    throw new Error(`usage: child <${SUITES.join('|')}> <workloads> <outdir>`);
  }
  let objects: number;
  let seconds: number;
  if (suite === 'hardened' || suite === 'baseline') {
    const start = performance.now();
    let app: App;
    if (suite === 'hardened') {
      app = new HardenedApp({ outdir });
      buildHardened(app, workloads);
    } else {
      app = new App({ outdir });
      buildBaseline(app, workloads);
    }
    const built = performance.now();
    app.synth();
    const done = performance.now();
    objects = app.node.findAll().filter(c => ApiObject.isApiObject(c)).length;
    seconds = (done - start) / 1000;
    const cpu = process.cpuUsage();
    process.stderr.write(`  ${suite} ${workloads}: construct ${((built - start) / 1000).toFixed(2)} s, synth ${((done - built) / 1000).toFixed(2)} s, `
      + `cpu (all threads, incl. start-up) ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s\n`);
  } else {
    objects = synthHardened(workloads, outdir);
    if (suite === 'diff') synthHardened(workloads, `${outdir}-after`, true);
    const start = performance.now();
    if (suite === 'check') {
      const run = runCheck({ paths: [outdir], hardened: true });
      if (run.exitCode === 2) throw new Error(run.errors.join('\n'));
    } else if (suite === 'parse') {
      const files = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml'));
      for (const f of files) jsyaml.loadAll(fs.readFileSync(path.join(outdir, f), 'utf8'));
    } else if (suite === 'report') {
      buildSecurityReport(loadManifests([outdir]));
    } else {
      const read = (dir: string) => loadManifests([dir]).map(m => m.object);
      const d = diffManifests(read(outdir), read(`${outdir}-after`));
      if (d.items.length === 0) throw new Error('the diff found nothing: the bench measures nothing');
    }
    seconds = (performance.now() - start) / 1000;
  }
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ suite, workloads, objects, seconds: Number(seconds.toFixed(3)), peakRssMiB })}\n`);
}

main();
