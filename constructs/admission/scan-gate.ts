import * as fs from 'fs';
import * as path from 'path';
import { podTemplateOf, type KubeObject } from '../../policy';
import { evaluateScanGate, type ScanGateOptions, type TrivyReport } from '../../policy/supply-chain/trivy-gate';
import { SynthValidationError } from '../errors';
import type { Reporter } from '../hardened-app';

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
    const reports = [...(props.reports ?? []), ...(props.reportDir ? readReports(props.reportDir) : [])];
    const images = imagesOf(objects);
    const result = evaluateScanGate(images, reports, props);
    for (const w of result.warnings) console.warn(`warning: scan gate: ${w}`);
    if (result.errors.length > 0) throw new SynthValidationError(result.errors.map(e => `[scan gate] ${e}`), 'Image scan gate failed');
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

function readReports(dir: string): TrivyReport[] {
  return fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort().map(f => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as TrivyReport;
    } catch (e) {
      throw new Error(`scan gate: ${path.join(dir, f)} is not a Trivy JSON report: ${(e as Error).message}`);
    }
  });
}
