/** The image scan gate (Trivy JSON, SchemaVersion 2) and the registry allow-list at synth. */
import * as path from 'path';
import { createHash } from 'crypto';
import { HardenedApp } from '../../constructs';
import { imagesOf, SCAN_GATE_FILE, scanGateReporter } from '../../constructs/admission';
import { evaluateScanGate, allowedRegistriesPack, type TrivyReport } from '../../policy/supply-chain';
import { HARDENED_PACK } from '../../policy';
import { buildDefaultBlueprint } from '../../src/blueprint';

const digest = (name: string) => `sha256:${createHash('sha256').update(name).digest('hex')}`;
const API = `registry.example.com/storefront/api@${digest('api')}`;
const NOW = new Date('2026-12-01T12:00:00Z');

function report(artifact: string, vulnerabilities?: { id: string; severity: string; fixed?: string }[], extra: Partial<TrivyReport> = {}): TrivyReport {
  return {
    SchemaVersion: 2,
    ArtifactName: artifact,
    Results: [{
      Target: 'img (debian 12)',
      ...(vulnerabilities ? {
        Vulnerabilities: vulnerabilities.map(v => ({ VulnerabilityID: v.id, PkgName: 'openssl', InstalledVersion: '3.0.11-1', FixedVersion: v.fixed, Status: v.fixed ? 'fixed' : 'affected', Severity: v.severity })),
      } : {}),
    }],
    ...extra,
  };
}

describe('evaluateScanGate', () => {
  test('pass: no findings at or above HIGH; missing Results or Vulnerabilities mean clean', () => {
    expect(evaluateScanGate([API], [report(API, [{ id: 'CVE-1', severity: 'MEDIUM' }])], { now: NOW }).errors).toEqual([]);
    expect(evaluateScanGate([API], [report(API)], { now: NOW }).errors).toEqual([]);
    expect(evaluateScanGate([API], [{ SchemaVersion: 2, ArtifactName: API }], { now: NOW }).errors).toEqual([]);
  });

  test('fail: a HIGH or CRITICAL finding fails, with the fix; the threshold is an option', () => {
    const r = report(API, [{ id: 'CVE-2024-1', severity: 'CRITICAL', fixed: '3.0.13-1' }, { id: 'CVE-2024-2', severity: 'HIGH' }]);
    expect(evaluateScanGate([API], [r], { now: NOW }).errors).toEqual([
      `image ${API}: CRITICAL CVE-2024-1 in openssl 3.0.11-1 (fixed in 3.0.13-1); upgrade, or allow-list it with a reason and an expiry date`,
      `image ${API}: HIGH CVE-2024-2 in openssl 3.0.11-1 (no fix yet); upgrade, or allow-list it with a reason and an expiry date`,
    ]);
    expect(evaluateScanGate([API], [r], { now: NOW, threshold: 'CRITICAL' }).errors).toHaveLength(1);
  });

  test('allow-listed: an unexpired entry with a reason accepts the finding; one expiring soon warns; one accepting nothing warns', () => {
    const r = report(API, [{ id: 'CVE-2024-2', severity: 'HIGH' }]);
    const result = evaluateScanGate([API], [r], {
      now: NOW,
      allowList: [
        { vulnerabilityId: 'CVE-2024-2', image: 'registry.example.com/storefront/api', reason: 'Only reachable through the TLS renegotiation path, which the service disables.', expires: '2026-12-10' },
        { vulnerabilityId: 'CVE-2023-9', reason: 'Old finding in a package that was removed from all images.', expires: '2027-06-01' },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.findings.map(f => [f.vulnerabilityId, f.acceptedBy?.expires])).toEqual([['CVE-2024-2', '2026-12-10']]);
    expect(result.warnings).toEqual([
      'scan allow-list entry 0 (CVE-2024-2): expires on 2026-12-10',
      'scan allow-list entry CVE-2023-9 accepts no finding; remove it',
    ]);
  });

  test('expired: an expired entry fails, and so does the finding it no longer accepts; a bad reason fails too', () => {
    const r = report(API, [{ id: 'CVE-2024-2', severity: 'HIGH' }]);
    const result = evaluateScanGate([API], [r], { now: NOW, allowList: [{ vulnerabilityId: 'CVE-2024-2', reason: 'Mitigated by the network policy, see SEC-42.', expires: '2026-11-30' }] });
    expect(result.errors).toEqual([
      'scan allow-list entry 0 (CVE-2024-2): expired on 2026-11-30; fix the finding or renew the entry with a new reason',
      expect.stringMatching(/HIGH CVE-2024-2/),
    ]);
    expect(evaluateScanGate([API], [r], { now: NOW, allowList: [{ vulnerabilityId: 'CVE-2024-2', reason: 'n/a', expires: '2027-01-01' }] }).errors[0]).toMatch(/reason: "n\/a" is shorter/);
  });

  test('stale: a report of another digest fails, by ArtifactName or by RepoDigests', () => {
    const other = `registry.example.com/storefront/api@${digest('old')}`;
    expect(evaluateScanGate([API], [report(other)], { now: NOW }).errors).toEqual([
      `image ${API}: the report scanned digest ${digest('old')}, not the pinned ${digest('api')}: the report is stale; rescan the pinned image`,
    ]);
    const byTag = (repoDigest: string) => report('registry.example.com/storefront/api:1.4.2', [], { Metadata: { RepoDigests: [repoDigest] } });
    expect(evaluateScanGate([API], [byTag(`registry.example.com/storefront/api@${digest('old')}`)], { now: NOW }).errors[0]).toMatch(/is stale/);
    expect(evaluateScanGate([API], [byTag(API)], { now: NOW }).errors).toEqual([]);
  });

  test('missing report: an error by default, a warning or nothing when configured', () => {
    expect(evaluateScanGate([API], [], { now: NOW }).errors).toEqual([`image ${API}: no Trivy report`]);
    expect(evaluateScanGate([API], [], { now: NOW, missingReport: 'warning' })).toMatchObject({ errors: [], warnings: [`image ${API}: no Trivy report`] });
    expect(evaluateScanGate([API], [], { now: NOW, missingReport: 'ignore' })).toMatchObject({ errors: [], warnings: [] });
  });
});

describe('the gate fails closed on what it cannot read with certainty', () => {
  const critical = (finding: object) => ({ SchemaVersion: 2, ArtifactName: API, Results: [{ Vulnerabilities: [{ VulnerabilityID: 'CVE-2024-1', PkgName: 'openssl', Severity: 'CRITICAL', ...finding }] }] }) as TrivyReport;

  test('a severity spelled otherwise than Trivy writes it fails, naming the report, the field, the value and the fix', () => {
    expect(evaluateScanGate([API], [critical({ Severity: 'critical' })], { now: NOW, reportSources: ['scans/api.json'] }).errors).toEqual([
      'scans/api.json Results[0].Vulnerabilities[0].Severity: "critical" is not a Trivy severity (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL). Fix: write "CRITICAL" (Trivy writes severities in upper case); the gate does not guess',
    ]);
    for (const severity of ['SEVERE', '', null, undefined, 4]) {
      expect(evaluateScanGate([API], [critical({ Severity: severity })], { now: NOW }).errors).toEqual([expect.stringMatching(/^reports\[0\] Results\[0\]\.Vulnerabilities\[0\]\.Severity: .* is not a Trivy severity .*Fix: set a Trivy severity/)]);
    }
  });

  test('UNKNOWN, a severity Trivy writes, ranks lowest: below the threshold, it passes', () => {
    expect(evaluateScanGate([API], [critical({ Severity: 'UNKNOWN' })], { now: NOW }).errors).toEqual([]);
    expect(evaluateScanGate([API], [critical({ Severity: 'UNKNOWN' })], { now: NOW, threshold: 'UNKNOWN' }).errors).toHaveLength(1);
  });

  test('a threshold in lower case blames itself, with the spelling that works', () => {
    expect(evaluateScanGate([API], [critical({ Severity: 'LOW' })], { now: NOW, threshold: 'high' as never }).errors).toEqual([
      'threshold: "high" is not a Trivy severity (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL). Fix: write "HIGH"',
    ]);
  });

  test('an expiry that is no calendar day never waives a finding', () => {
    for (const expires of ['2027-02-30', '2027-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '2027-1-5']) {
      const errors = evaluateScanGate([API], [critical({})], { now: NOW, allowList: [{ vulnerabilityId: 'CVE-2024-1', reason: 'Mitigated by the network policy, see SEC-42.', expires }] }).errors;
      expect(errors).toEqual([
        `scan allow-list entry 0 (CVE-2024-1) expires: "${expires}" is not a calendar date (YYYY-MM-DD). Fix: write the last day the entry applies, a day that exists, e.g. "2027-02-28"`,
        expect.stringMatching(/CRITICAL CVE-2024-1/),
      ]);
    }
    expect(evaluateScanGate([API], [critical({})], { now: NOW, allowList: [{ vulnerabilityId: 'CVE-2024-1', reason: 'Mitigated by the network policy, see SEC-42.', expires: '2028-02-29' }] }).errors).toEqual([]);
  });

  test('a report of the wrong shape is an error, never clean', () => {
    const shapes: [unknown, RegExp][] = [
      [null, /^reports\[0\]: null is not a Trivy report/],
      [[], /^reports\[0\]: \[\] is not a Trivy report/],
      [{ SchemaVersion: 2 }, /^reports\[0\] ArtifactName: \(unset\) does not name the scanned image/],
      [{ SchemaVersion: 2, ArtifactName: API, Results: {} }, /^reports\[0\] Results: \{\} is not an array/],
      [{ SchemaVersion: 2, ArtifactName: API, Results: [null] }, /^reports\[0\] Results\[0\]: null is not an object/],
      [{ SchemaVersion: 2, ArtifactName: API, Results: [{ Vulnerabilities: {} }] }, /^reports\[0\] Results\[0\]\.Vulnerabilities: \{\} is not an array/],
      [{ SchemaVersion: 2, ArtifactName: API, Results: [{ Vulnerabilities: ['CVE-1'] }] }, /^reports\[0\] Results\[0\]\.Vulnerabilities\[0\]: "CVE-1" is not a finding/],
      [{ SchemaVersion: '2', ArtifactName: API }, /^reports\[0\] SchemaVersion: "2" is not 2/],
    ];
    for (const [shape, message] of shapes) {
      expect(evaluateScanGate([API], [shape as TrivyReport], { now: NOW, missingReport: 'ignore' }).errors).toEqual([expect.stringMatching(message)]);
    }
  });
});

describe('scanGateReporter on the default blueprint', () => {
  const reportDir = path.join(__dirname, 'fixtures', 'trivy');

  test('fails synth listing every image without a report', () => {
    const app = new HardenedApp({ reporters: [scanGateReporter({ reportDir, now: NOW })] });
    buildDefaultBlueprint(app);
    expect(() => app.synthFiles()).toThrow(/Image scan gate failed:[\s\S]*\[scan gate\] image registry\.example\.com\/storefront\/postgres@sha256:[0-9a-f]{64}: no Trivy report/);
  });

  test('passes with the reports it has, the rest configured as warnings, and writes SCAN-GATE.md', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = new HardenedApp({ reporters: [scanGateReporter({ reportDir, now: NOW, missingReport: 'warning' })] });
    buildDefaultBlueprint(app);
    const files = app.synthFiles();
    expect(files[SCAN_GATE_FILE]).toMatch(/^# Image scan gate\n\nThreshold: HIGH\. Images: \d+, reports: 2, accepted findings: 0\.\n\nNo finding at or above the threshold\.\n$/);
    expect(warn.mock.calls.map(c => String(c[0])).filter(m => m.includes('scan gate'))).not.toHaveLength(0);
    warn.mockRestore();
  });

  test('the registry allow-list at synth: a pack whose rule fails images from other registries', () => {
    const ok = new HardenedApp({ rulePacks: [HARDENED_PACK, allowedRegistriesPack(['registry.example.com'])] });
    buildDefaultBlueprint(ok);
    expect(imagesOf(ok.synthObjects().objects.map(o => o.object)).every(i => i.startsWith('registry.example.com/'))).toBe(true);
    const bad = new HardenedApp({ rulePacks: [HARDENED_PACK, allowedRegistriesPack(['ghcr.io/acme'])] });
    buildDefaultBlueprint(bad);
    expect(() => bad.synthObjects()).toThrow(/allowedRegistries[\s\S]*is not from an allowed registry/);
  });
});
