/**
 * One benchmark run, in a fresh process (started by bench/run.js): builds a blueprint,
 * synthesizes it into outdir and prints one JSON line. Time covers construction and synth
 * (not module loading); peak RSS is this process's.
 *
 *   node .bench/child.js <hardened|baseline> <workloads> <outdir>
 */
import { performance } from 'perf_hooks';
import { ApiObject, App } from 'cdk8s';
import { HardenedApp } from '../constructs';
import { buildBaseline, buildHardened } from './blueprints';

function main(): void {
  const [suite, workloadsArg, outdir] = process.argv.slice(2);
  const workloads = Number(workloadsArg);
  if ((suite !== 'hardened' && suite !== 'baseline') || !Number.isInteger(workloads) || !outdir) {
    throw new Error('usage: child <hardened|baseline> <workloads> <outdir>');
  }
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
  const objects = app.node.findAll().filter(c => ApiObject.isApiObject(c)).length;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const cpu = process.cpuUsage();
  process.stderr.write(`  ${suite} ${workloads}: construct ${((built - start) / 1000).toFixed(2)} s, synth ${((done - built) / 1000).toFixed(2)} s, `
    + `cpu (all threads, incl. start-up) ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s\n`);
  process.stdout.write(`${JSON.stringify({ suite, workloads, objects, seconds: Number(((done - start) / 1000).toFixed(3)), peakRssMiB })}\n`);
}

main();
