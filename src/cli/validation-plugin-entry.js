'use strict';
// Plain-JS entry for the cdk8s validation plugin (cdk8s-cli `require`s this file), e.g. in cdk8s.yaml:
//   validations:
//     - package: ./src/cli/validation-plugin-entry.js
//       version: 0.1.0
//       class: PodSecurityValidation
// See docs/validation-plugin.md.
require('../tools/register-ts.js');
module.exports = require('./validation-plugin.ts');
