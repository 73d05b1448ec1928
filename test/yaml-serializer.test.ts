/**
 * The YAML we write reads back as exactly the objects we rendered, in the `yaml` package's YAML
 * 1.2 parser and in its YAML 1.1 mode (the dialect of go-yaml, which kubectl and the Kubernetes
 * tooling use: `on`, `yes`, `0777`, `1_000`, `1:20` are not strings there). The oracle is the
 * `yaml` package, which we did not write and do not use to write.
 */
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { serializeDocuments } from '../constructs/_yaml-serializer';
import { buildDefaultBlueprint } from '../src/blueprint';
import { testApp } from './support/manifests';

function readBack(yaml: string, version: '1.1' | '1.2'): unknown {
  const doc = YAML.parseDocument(yaml, { version });
  expect(doc.errors).toEqual([]);
  return doc.toJS();
}

const TRICKY = [
  'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', 'Null', '~', '', ' ', '0777', '0o17', '0x1F', '0b101', '1_000', '1_000.5', '+12', '-.5', '.5',
  '1e3', '1.0e+3', '6.8523015e+5', '1:20', '190:20:30.15', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '=', '<<', '- x', '-U',
  'a: b', 'a:b', '#x', 'x #y', '@x', '`x', '%x', '!x', '&x', '*x', '|', '>', '?', ':x', 'x:', '[a]', '{a}', '"q"', "'q'", 'multi\nline', 'trailing\n',
  'trailing ', ' leading', '\ttab', 'é', '\u2028', 'line\r\nbreak', '9007199254740993', '010', '08', '-0', '0.', '1__0', '_1', '0b', '0x',
];

describe('serializeDocuments', () => {
  test('strings that other YAML types could claim stay strings in YAML 1.1 and 1.2', () => {
    const object = { data: Object.fromEntries(TRICKY.map((v, i) => [`k${i}`, v])), list: TRICKY, [TRICKY[0]]: TRICKY[4] };
    const [yaml] = serializeDocuments([object]);
    expect(readBack(yaml, '1.2')).toEqual(object);
    expect(readBack(yaml, '1.1')).toEqual(object);
  });

  test('random JSON values round-trip in both YAML versions', () => {
    const scalarish = fc.oneof(
      fc.constantFrom(...TRICKY),
      fc.stringMatching(/^[-+]?[0-9_:.xobeEn]{0,8}$/),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    const json = fc.letrec(tie => ({
      value: fc.oneof({ depthSize: 'small' }, scalarish, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map(d => (Object.is(d, -0) ? 0 : d)), fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(scalarish, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(fc.property(fc.dictionary(scalarish, json, { maxKeys: 6 }), object => {
      const [yaml] = serializeDocuments([object]);
      const expected = JSON.parse(JSON.stringify(object));
      expect(readBack(yaml, '1.2')).toEqual(expected);
      expect(readBack(yaml, '1.1')).toEqual(expected);
    }), { numRuns: Number(process.env.YAML_ROUND_TRIP_RUNS ?? 2000) });
  });

  test('every object of the default blueprint reads back unchanged, without anchors or folded lines', () => {
    const app = testApp();
    buildDefaultBlueprint(app);
    const objects = app.synthObjects().objects.map(o => o.object);
    const docs = serializeDocuments(objects);
    docs.forEach((yaml, i) => {
      expect(readBack(yaml, '1.1')).toEqual(objects[i]);
      expect(readBack(yaml, '1.2')).toEqual(objects[i]);
      expect(yaml).not.toMatch(/(^|\s)[&*]ref_/);
    });
  });

  test('an object shared by two fields is written out twice, not as an alias', () => {
    const labels = { app: 'web' };
    const [yaml] = serializeDocuments([{ metadata: { labels }, spec: { selector: { matchLabels: labels } } }]);
    expect(yaml).toBe('metadata:\n  labels:\n    app: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n');
  });
});
