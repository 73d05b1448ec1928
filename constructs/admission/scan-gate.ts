import * as fs from 'fs';
import * as path from 'path';
import { podTemplateOf, type KubeObject } from '../../policy';
import { evaluateScanGate, type ScanGateOptions } from '../../policy/supply-chain/trivy-gate';
import type { TrivyReport } from '../../policy/supply-chain/trivy-report';
import { SynthValidationError } from '../errors';
import type { Reporter } from '../hardened-app';
import { gateProblem } from '../../policy/supply-chain/trivy-report';

/** The file the scan gate writes next to the manifests. */
export const SCAN_GATE_FILE = 'SCAN-GATE.md';

/** Props of {@link scanGateReporter}. */
export interface ScanGateProps extends ScanGateOptions {
  /** Trivy JSON reports (`trivy image --format json`), already parsed. @default [] */
  readonly reports?: readonly TrivyReport[];
  /** A directory of Trivy JSON reports (`*.json`), read at synth. @default - none */
  readonly reportDir?: string;
}

/** Every image reference of the pod-bearing objects (containers, init and ephemeral containers). */
export function imagesOf(objects: readonly KubeObject[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const pod = podTemplateOf(o);
    if (!pod) continue;
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      const items = pod.spec[list];
      if (!Array.isArray(items)) continue;
      for (const c of items) if (typeof c?.image === 'string' && c.image !== '') out.add(c.image);
    }
  }
  return [...out].sort();
}

/**
 * A synth step (a `HardenedApp` reporter) that fails synth when an image of the blueprint has a
 * Trivy finding at or above the threshold that no unexpired allowance accepts, when its report is
 * stale (another digest) or missing; it writes `SCAN-GATE.md` with every finding and allowance.
 *
 * @example
 *   new HardenedApp({ reporters: [scanGateReporter({ reportDir: 'scans', allowList: [...] })] });
 */
export function scanGateReporter(props: ScanGateProps = {}): Reporter {
  return (objects) => {
    const read = props.reportDir !== undefined ? readReports(props.reportDir) : { reports: [], sources: [], errors: [] };
    const given = props.reports ?? [];
    const reports = [...given, ...read.reports];
    const images = imagesOf(objects);
    const result = evaluateScanGate(images, reports, { ...props, reportSources: [...given.map((_, i) => `reports[${i}]`), ...read.sources] });
    const errors = [...read.errors, ...result.errors];
    for (const w of result.warnings) console.warn(`warning: scan gate: ${w}`);
    if (errors.length > 0) throw new SynthValidationError(errors.map(e => `[scan gate] ${e}`), 'Image scan gate failed');
    const rows = result.findings.map(f => `| ${f.image} | ${f.vulnerabilityId} | ${f.pkgName} | ${f.severity} | ${f.acceptedBy ? `${f.acceptedBy.reason} (until ${f.acceptedBy.expires})` : ''} |`);
    const md = [
      '# Image scan gate', '',
      `Threshold: ${props.threshold ?? 'HIGH'}. Images: ${images.length}, reports: ${reports.length}, accepted findings: ${result.findings.length}.`, '',
      ...(rows.length > 0 ? ['| Image | Vulnerability | Package | Severity | Accepted because |', '|---|---|---|---|---|', ...rows] : ['No finding at or above the threshold.']),
      '',
    ].join('\n');
    return { [SCAN_GATE_FILE]: md };
  };
}

/**
 * The `*.json` files of `dir`, parsed, each named by its path; a directory that cannot be read
 * and a file that is not JSON are errors (the gate fails closed), never an empty list.
 */
function readReports(dir: string): { reports: TrivyReport[]; sources: string[]; errors: string[] } {
  const reports: TrivyReport[] = []; // unverified: evaluateScanGate checks each
  const sources: string[] = [];
  const errors: string[] = [];
  let files: string[];
  try {
    if (typeof dir !== 'string' || dir === '') throw Object.assign(new Error('not a path'), { code: 'EINVAL' });
    files = fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? (e as Error).message})`;
    return { reports, sources, errors: [gateProblem('reportDir', dir, problem, `write the Trivy reports (\`trivy image --format json\`) to a directory and set reportDir to it (relative paths are from ${process.cwd()})`)] };
  }
  for (const f of files) {
    const file = path.join(dir, f);
    try {
      reports.push(JSON.parse(fs.readFileSync(file, 'utf8')) as TrivyReport);
      sources.push(file);
    } catch (e) {
      errors.push(gateProblem(file, `${fs.existsSync(file) ? fs.statSync(file).size : 0} bytes`, `is not JSON (${(e as Error).message})`,
        `regenerate it with \`trivy image --format json --output ${file} <image>\`; a truncated report is not read as clean`));
    }
  }
  return { reports, sources, errors };
}