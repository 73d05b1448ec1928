import { defaultServiceAccount } from '../../../policy/rules/identity/default-service-account';
import { serviceAccountToken } from '../../../policy/rules/identity/service-account-token';
import { evaluate, goodDeployment, goodNeighbours, variant, violations } from './_fixtures';

const noPodSetting = variant(goodDeployment(), d => { delete d.spec.template.spec.automountServiceAccountToken; });

describe('HARDENED-6 no-service-account-token', () => {
  test('compliant: false on the pod, or unset on the pod and false on its ServiceAccount', () => {
    expect(evaluate(serviceAccountToken, goodDeployment(), [])).toEqual({ status: 'compliant' });
    expect(evaluate(serviceAccountToken, noPodSetting)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: true on the pod wins over the ServiceAccount', () => {
    const o = variant(goodDeployment(), d => { d.spec.template.spec.automountServiceAccountToken = true; });
    expect(violations(evaluate(serviceAccountToken, o))).toEqual([
      { message: 'the pod sets automountServiceAccountToken: true', path: 'spec.template.spec.automountServiceAccountToken' },
    ]);
  });

  test('non-compliant: unset on the pod, and the ServiceAccount mounts or is not in the input', () => {
    const mounting = goodNeighbours().map(o => o.kind !== 'ServiceAccount' ? o : variant(o, sa => { delete sa.automountServiceAccountToken; }));
    expect(violations(evaluate(serviceAccountToken, noPodSetting, mounting)).map(v => v.message)).toEqual([
      'the pod does not set automountServiceAccountToken and its ServiceAccount "web" does not set it to false, so a token is mounted',
    ]);
    expect(violations(evaluate(serviceAccountToken, noPodSetting, [])).map(v => v.message)).toEqual([
      'the pod does not set automountServiceAccountToken and its ServiceAccount "web" is not in the input, so a token is mounted unless that account says otherwise',
    ]);
  });
});

describe('HARDENED-7 no-default-service-account', () => {
  test('compliant: a dedicated ServiceAccount', () => {
    expect(evaluate(defaultServiceAccount, goodDeployment())).toEqual({ status: 'compliant' });
  });

  test('non-compliant: "default", or none (which means "default")', () => {
    expect(violations(evaluate(defaultServiceAccount, variant(goodDeployment(), d => { d.spec.template.spec.serviceAccountName = 'default'; })))).toEqual([
      { message: 'the pod runs as the "default" ServiceAccount', path: 'spec.template.spec.serviceAccountName' },
    ]);
    expect(violations(evaluate(defaultServiceAccount, variant(goodDeployment(), d => { delete d.spec.template.spec.serviceAccountName; }))).map(v => v.message)).toEqual([
      'the pod sets no serviceAccountName, so it runs as the namespace\'s "default" ServiceAccount',
    ]);
  });
});
