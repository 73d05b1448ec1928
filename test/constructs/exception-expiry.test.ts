import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { EXCEPTIONS_ANNOTATION, HardenedApp, HardenedDeployment, HardenedNamespace, PolicyException } from '../../constructs';
import { evaluatePolicy, exceptionExpiry, formatExceptionsAnnotation, parseExceptionsAnnotation, type RuleException } from '../../policy';
import { diffExceptions } from '../../analysis/diff';
import { container } from '../support/fixtures';

const REASON = 'Single-primary database; a second replica would be a second primary.';

function single(expires?: string) {
  const app = new HardenedApp({ outdir: path.join(os.tmpdir(), 'cdk8s-hardened-expiry-never-written') });
  new HardenedNamespace(new Chart(app, 'cluster'), 'shop');
  const db = new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'db', { containers: [container({ name: 'db' })], replicas: 1 });
  PolicyException.add(db, { id: 'HARDENED-10', reason: REASON, ...(expires !== undefined ? { expires } : {}) });
  return app;
}

afterEach(() => jest.useRealTimers());

describe('exception expiry', () => {
  test('the engine: valid, expiring within 30 days, expired (covers nothing)', () => {
    const e: RuleException = { id: 'HARDENED-10', reason: REASON, expires: '2027-01-31' };
    expect(['2026-12-01', '2027-01-01', '2027-01-31', '2027-02-01'].map(d => exceptionExpiry(e, d))).toEqual(['valid', 'expiring', 'expiring', 'expired']);
    const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'db', namespace: 'shop' }, spec: { replicas: 1, template: { spec: { containers: [] } } } };
    const before = evaluatePolicy([object], { exceptionsOf: () => [e], today: '2027-01-31' });
    const after = evaluatePolicy([object], { exceptionsOf: () => [e], today: '2027-02-01' });
    expect(before.findings.find(f => f.rule === 'HARDENED-10')?.exceptedBy).toEqual([e]);
    expect(after.findings.find(f => f.rule === 'HARDENED-10')?.exceptedBy).toEqual([]);
    expect(after.expiredExceptions).toEqual([e]);
  });

  test('the annotation carries the date, and a bad date is dropped with a problem', () => {
    const value = formatExceptionsAnnotation([{ id: 'HARDENED-10', reason: REASON, expires: '2027-03-31' }]);
    expect(parseExceptionsAnnotation(value).exceptions).toEqual([{ id: 'HARDENED-10', reason: REASON, expires: '2027-03-31' }]);
    expect(parseExceptionsAnnotation(JSON.stringify([{ id: 'HARDENED-10', reason: REASON, expires: '2027-02-30' }])).problems)
      .toEqual([`annotation ${EXCEPTIONS_ANNOTATION}[0]: expires "2027-02-30" is not a date (YYYY-MM-DD)`]);
  });

  test('synth: annotated with its date; warns when it is near; fails once it has passed, naming the fix', () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }).setSystemTime(new Date('2027-01-15T12:00:00Z'));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const objects = single('2027-01-31').synthObjects().objects.map(o => o.object);
      expect(objects.find(o => o.kind === 'Deployment')?.metadata?.annotations?.[EXCEPTIONS_ANNOTATION]).toBe(JSON.stringify([{ id: 'HARDENED-10', reason: REASON, expires: '2027-01-31' }]));
      expect(warn.mock.calls.map(c => String(c[0]))).toEqual([expect.stringMatching(/^warning: \[w\/db\] PolicyException HARDENED-10 .* expires on 2027-01-31: fix the finding or renew it before then\.$/)]);
    } finally {
      warn.mockRestore();
    }
    jest.setSystemTime(new Date('2027-02-01T00:00:01Z'));
    let message = '';
    try {
      single('2027-01-31').synthObjects();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/HARDENED-10: Deployment shop\/db runs 1 replica/);
    expect(message).toMatch(/\[w\/db\] PolicyException\.expires: "2027-01-31" has passed: .*Fix: fix the finding, or renew the exception with a new expires date/);
    expect(message).not.toMatch(/covers no finding/);
  });

  test('a date that is not a date fails at once', () => {
    expect(() => single('31.01.2027')).toThrow(/\[w\/db\] PolicyException\.expires: "31\.01\.2027" is not a date\. Fix: write the last day/);
  });

  test('diff: a renewal opens, an earlier date tightens, an expired entry opens, an expiring one is listed', () => {
    const deployment = (exceptions: RuleException[]) => [{
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'db', namespace: 'shop', annotations: { [EXCEPTIONS_ANNOTATION]: formatExceptionsAnnotation(exceptions) } },
      spec: { template: { spec: { containers: [] } } },
    }];
    const at = (expires?: string): RuleException => ({ id: 'HARDENED-10', reason: REASON, ...(expires ? { expires } : {}) });
    const changes = (a: RuleException[], b: RuleException[]) => diffExceptions(deployment(a), deployment(b), undefined, '2027-01-15').map(i => [i.change, i.effect]);
    expect(changes([at('2027-01-31')], [at('2027-06-30')])).toEqual([['exception-extended', 'opens']]);
    expect(changes([at('2027-06-30')], [at('2027-03-31')])).toEqual([['exception-shortened', 'tightens']]);
    expect(changes([at('2027-06-30')], [at()])).toEqual([['exception-extended', 'opens']]);
    expect(changes([at('2027-01-01')], [at('2027-01-01')])).toEqual([['exception-expired', 'opens']]);
    expect(changes([at('2027-01-31')], [at('2027-01-31')])).toEqual([['exception-expiring', 'neutral']]);
  });
});
