#!/usr/bin/env node
/**
 * `npm run bench`: synthesizes blueprints of 100, 1,000 and 5,000 hardened workloads with
 * HardenedApp, and the same shape in plain cdk8s-plus-28 with App.synth() as the baseline.
 * Each run is a fresh child process (its own peak RSS) writing into its own temp dir; one JSON
 * line per run on stdout: { suite, workloads, objects, seconds, peakRssMiB }. A summary of the
 * targets goes to stderr. Not a test, not run in CI.
 *
 *   npm run bench [-- --sizes 100,1000 --suites hardened,baseline --repeat 3]
 *
 * Suites: hardened and baseline (synth), and check, parse, report and diff (the command line's analysis of
 * the hardened blueprint's files; see bench/child.ts). With --repeat, every configuration runs that
 * many times (interleaved) and the summary uses each configuration's median run.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sizes = option('sizes', '100,1000,5000').split(',').map(Number);
const suites = option('suites', 'hardened,baseline,check,parse,report,diff').split(',');
const repeat = Number(option('repeat', '1'));

// Compile the child from source, so the bench always measures the current code.
const bundle = path.join(root, '.bench', 'child.js');
esbuild.buildSync({
  entryPoints: [path.join(__dirname, 'child.ts')],
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  packages: 'external', outfile: bundle, logLevel: 'warning',
});

/** One run in a fresh child process, output in a fresh temp dir; returns its JSON line, parsed. */
function run(suite, workloads) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-hardened-bench-${suite}-${workloads}-`));
  try {
    const line = execFileSync(process.execPath, [bundle, suite, String(workloads), path.join(outdir, 'dist')], {
      cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
      env: { ...process.env, CDK8S_OUTDIR: '' },
    }).trim();
    process.stdout.write(`${line}\n`);
    return JSON.parse(line);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const results = [];
for (let round = 0; round < repeat; round++) {
  for (const workloads of sizes) {
    for (const suite of suites) results.push(run(suite, workloads));
  }
}

// the median of a configuration's runs (with --repeat 3, the middle one), a robust estimate on a shared machine
const find = (suite, workloads) => {
  const runs = results.filter(r => r.suite === suite && r.workloads === workloads).sort((a, b) => a.seconds - b.seconds);
  return runs.length === 0 ? undefined : runs[Math.floor((runs.length - 1) / 2)];
};
const checks = [];
const h5 = find('hardened', 5000), b5 = find('baseline', 5000), h1 = find('hardened', 1000), b1 = find('baseline', 1000);
if (h5 && b5) checks.push(['hardened/baseline time at 5,000 <= 0.2', h5.seconds / b5.seconds, 0.2]);
if (h1 && b1) checks.push(['hardened/baseline time at 1,000 <= 1.5', h1.seconds / b1.seconds, 1.5]);
if (h5 && h1) checks.push(['hardened time(5,000)/time(1,000) <= 5.5', h5.seconds / h1.seconds, 5.5]);
const h20 = find('hardened', 20000), h10 = find('hardened', 10000);
if (h20 && h10) checks.push(['hardened time(20,000)/time(10,000) <= 2.2', h20.seconds / h10.seconds, 2.2]);
for (const workloads of sizes) {
  const synth = find('hardened', workloads);
  for (const suite of ['report', 'diff']) {
    const r = find(suite, workloads);
    if (r && synth) checks.push([`${suite}/synth time at ${workloads} <= 2`, r.seconds / synth.seconds, 2]);
    if (r) checks.push([`${suite} ${workloads} peak RSS < 1024 MiB`, r.peakRssMiB, 1023]);
  }
  const c = find('check', workloads), p = find('parse', workloads);
  if (c && p) checks.push([`check/js-yaml parse time at ${workloads} <= 2`, c.seconds / p.seconds, 2]);
}
for (const workloads of sizes) {
  for (const suite of ['hardened', 'baseline']) {
    if (!suites.includes(suite)) continue;
    const peak = Math.max(...results.filter(r => r.suite === suite && r.workloads === workloads).map(r => r.peakRssMiB));
    checks.push([`${suite} ${workloads} peak RSS < 1536 MiB`, peak, 1535]);
  }
}
for (const [label, value, limit] of checks) {
  process.stderr.write(`${value <= limit ? 'ok  ' : 'MISS'} ${label}: ${Number(value.toFixed(3))}\n`);
}
