#!/usr/bin/env node
'use strict';
// Command line of cdk8s-hardened.
// - Installed package (no TypeScript sources in it): runs the compiled lib/src/cli/main.js.
// - Inside this repository (src/cli/main.ts exists): runs the TypeScript sources directly, so no
//   build is needed after `npm ci` (see src/tools/register-ts.js; esbuild is a devDependency).
const fs = require('fs');
const path = require('path');

if (fs.existsSync(path.join(__dirname, '..', 'src', 'cli', 'main.ts'))) {
  require('../src/tools/register-ts.js');
  require('../src/cli/main.ts').runCli();
} else {
  require('../lib/src/cli/main.js').runCli();
}
