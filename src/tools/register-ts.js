'use strict';
/**
 * Lets plain `node` require the project's TypeScript sources (used by bin/cdk8s-hardened.js and the
 * cdk8s validation plugin entry), so no build step is needed after `npm ci`.
 *
 * Each .ts file is transpiled on require with esbuild's transformSync (types are stripped, not
 * checked; `npm run typecheck` does that). The hook replaces any `.ts` handler already installed
 * (Node >= 22.18 ships one that strips types only), and is installed once per process.
 */
const fs = require('fs');

const MARK = Symbol.for('cdk8s-hardened.register-ts');

if (!require.extensions[MARK]) {
  const { transformSync } = require('esbuild');
  process.setSourceMapsEnabled?.(true);
  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'inline',
    });
    module._compile(code, filename);
  };
  // the default blueprint imports the package by its name, as a user's app does: from its sources
  // here (an installed package resolves the name to its own lib/ through package.json exports)
  const Module = require('module');
  const path = require('path');
  const root = path.join(__dirname, '..', 'index.ts');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveSelf(request, parent, ...rest) {
    if (request === 'cdk8s-hardened' && parent && parent.filename && parent.filename.endsWith('.ts')) return root;
    return resolve.call(this, request, parent, ...rest);
  };
  require.extensions[MARK] = true;
}
