#!/usr/bin/env node
'use strict';
// Command line of cdk8s-hardened; runs the TypeScript sources directly (see src/tools/register-ts.js).
require('../src/tools/register-ts.js');
require('../src/cli/main.ts').runCli();
