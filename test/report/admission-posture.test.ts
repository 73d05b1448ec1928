/** The report's admission posture, read back from the admission objects; and the CEL literal reader it uses. */
import * as fc from 'fast-check';
import { Chart } from 'cdk8s';
import { admissionPosture } from '../../analysis/report/admission-posture';
import { AdmissionAction, ContainerImage, HardenedDeployment, HardenedNamespace } from '../../constructs';
import { celLiteral, parseCelLiteral } from '../../policy/admission';
import { container } from '../support/fixtures';
import { testApp, withoutWarnings } from '../support/manifests';

test('parseCelLiteral reads back every value celLiteral writes (property, 500 values)', () => {
  const json = fc.letrec(tie => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter(d => !Object.is(d, -0)),
      fc.string(), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
  })).value;
  fc.assert(fc.property(json, v => {
    expect(parseCelLiteral(celLiteral(v))).toEqual(v);
  }), { numRuns: 500, seed: 4 });
  expect(() => parseCelLiteral("object.metadata.name == 'x'")).toThrow(/not a CEL literal of ours/);
});

test('per rule: the action of each engine, the namespaces left out, and the objects exempted (a tag accepted with a reason)', () => {
  const app = testApp({ admission: { action: AdmissionAction.WARN } });
  new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
  const chart = new Chart(app, 'workloads', { namespace: 'shop' });
  new HardenedDeployment(chart, 'web', { containers: [container({ name: 'web', image: ContainerImage.fromTag('registry.example.com/web:1.2', { reason: 'The vendor publishes no digests for this image yet.' }) })] });
  const objects = withoutWarnings(() => app.synthObjects().objects.map(o => o.object));
  const rows = admissionPosture(objects);
  const digest = rows.find(r => r.rule === 'HARDENED-1');
  expect(digest).toEqual({ rule: 'HARDENED-1', vap: 'Warn, Audit', gatekeeper: 'warn', excludedNamespaces: ['gatekeeper-system', 'istio-system', 'kube-system'], exemptions: ['shop/Deployment/web'] });
  expect(rows.find(r => r.rule === 'runAsNonRoot')?.exemptions).toEqual([]);
  // numeric order: HARDENED-2 before HARDENED-11
  expect(rows.map(r => r.rule).filter(r => r.startsWith('HARDENED-')).slice(0, 3)).toEqual(['HARDENED-1', 'HARDENED-2', 'HARDENED-3']);
});
