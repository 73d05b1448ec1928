/** The installed cdk8s-hardened package as the command line reports it (`--version`, SARIF's tool). */
import * as fs from 'fs';
import * as path from 'path';

/** What the command line says about itself. */
export interface ToolInfo {
  readonly version: string;
  /** package.json `homepage`, when the package has one (SARIF's `informationUri`). */
  readonly homepage?: string;
}

let cached: ToolInfo | undefined;

/**
 * From the nearest `package.json` named `cdk8s-hardened` above this file (the repository's when
 * run from source, the installed package's when run from `lib/`).
 */
export function toolInfo(): ToolInfo {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string; homepage?: string };
      if (pkg.name === 'cdk8s-hardened' && typeof pkg.version === 'string') {
        return (cached = { version: pkg.version, ...(typeof pkg.homepage === 'string' ? { homepage: pkg.homepage } : {}) });
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of cdk8s-hardened above ${__dirname}`);
  }
}
