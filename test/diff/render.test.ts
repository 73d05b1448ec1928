/** Markdown and JSON of the security diff: order of sections, and a comment that fits GitHub's limit. */
import { diffManifests, renderDiffJson, renderDiffMarkdown } from '../../analysis/diff';
import { scaleBlueprint } from '../report/_scale';

const before = scaleBlueprint(6, 6);
// the change: DNS policies gone (tightens), the chain moved from 8080 to 9090 (opens and tightens), an image by tag (opens)
const after = scaleBlueprint(6, 6)
  .map((o) => JSON.parse(JSON.stringify(o).replace(/"port":8080/g, '"port":9090').replace(`svc-2@sha256:${'0'.repeat(64)}`, 'svc-2:latest')))
  .filter((o) => o.metadata?.name !== 'dns');
const diff = diffManifests(before, after);

describe('Markdown', () => {
  it('summary line first, then opens, tightens, the diagram; within GitHub comment size', () => {
    const md = renderDiffMarkdown(diff);
    const lines = md.split('\n');
    expect(lines[0]).toBe(`**Security review: ${diff.counts.opens} changes open or relax, ${diff.counts.tightens} tighten, 0 neutral — needs a security approval**.`);
    const heads = lines.filter((l) => l.startsWith('### '));
    expect(heads).toEqual([`### Opens or relaxes (${diff.counts.opens})`, `### Tightens (${diff.counts.tightens})`, '### Changed flows']);
    expect(md.length).toBeLessThan(60_000);
  });

  it('too long for one comment: tightening rows go first, every opening row stays, a line says how many are left out', () => {
    const full = renderDiffMarkdown(diff);
    const md = renderDiffMarkdown(diff, { maxChars: 12_000 });
    expect(full.length).toBeGreaterThan(12_000);
    expect(md.length).toBeLessThanOrEqual(12_000);
    const opensRows = diff.items.filter((i) => i.effect === 'opens').length;
    expect(md.split('\n').filter((l) => l.startsWith('| reachability') || l.startsWith('| supply-chain')).length).toBeGreaterThanOrEqual(opensRows);
    expect(md).toMatch(/_\d+ more not shown here \(the comment would be too long\): see `--format json`\._/);
  });
});

describe('JSON', () => {
  it('carries every item and the verdict', () => {
    const doc = JSON.parse(renderDiffJson(diff, { oldLabel: 'a', newLabel: 'b' }));
    expect(doc.old).toBe('a');
    expect(doc.verdict).toBe('opens');
    expect(doc.items).toHaveLength(diff.items.length);
    expect(doc.summary).toEqual(diff.counts);
  });
});

describe('grouping', () => {
  it('the same change of three or more objects is one row; fewer stay one row each', () => {
    const constraint = (name: string, enforcementAction: string) => ({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'CdkHardenedRule', metadata: { name }, spec: { enforcementAction } });
    const names = ['a', 'b', 'c', 'd'];
    const md = renderDiffMarkdown(diffManifests(names.map((n) => constraint(n, 'deny')), names.map((n) => constraint(n, 'warn'))));
    expect(md).toContain('| admission | 4 objects: `CdkHardenedRule/a`, `CdkHardenedRule/b` and 2 more | action deny → warn (now warn only) |');
    const two = renderDiffMarkdown(diffManifests(names.slice(0, 2).map((n) => constraint(n, 'deny')), names.slice(0, 2).map((n) => constraint(n, 'warn'))));
    expect(two).toContain('| admission | `CdkHardenedRule/a` | action deny → warn (now warn only) |');
    expect(two).toContain('| admission | `CdkHardenedRule/b` | action deny → warn (now warn only) |');
  });
});
