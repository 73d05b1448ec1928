'use strict';
// jest globalSetup: on a machine without Go, one line (once per run, not per suite) says why the
// real API server suites (test/cluster) are skipped and how to run them.
const { spawnSync } = require('child_process');

module.exports = async function noteWithoutGo() {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    process.stdout.write('\ncluster suites skipped: no `go` on PATH; install Go 1.26+ and run `npm test` again to run test/cluster against a real kube-apiserver (the first build of each minor takes minutes)\n');
  }
};
