import { noPlainSecrets } from '../../../policy/rules/secrets/no-plain-secrets';
import { evaluate, violations } from './_fixtures';

describe('HARDENED-12 no-plain-secrets', () => {
  test('compliant: no Secret; objects that only reference secrets are not judged', () => {
    expect(evaluate(noPlainSecrets, { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'shop' } })).toEqual({ status: 'not-applicable' });
    expect(evaluate(noPlainSecrets, { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'db', namespace: 'shop' } })).toEqual({ status: 'not-applicable' });
  });

  test('non-compliant: a Secret, naming the keys whose values are exposed (never the values)', () => {
    const result = evaluate(noPlainSecrets, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' },
      data: { password: 'aHVudGVyMg==' }, stringData: { user: 'app' },
    });
    expect(violations(result)).toEqual([{ message: 'is a Secret in the manifests, with the values of "password", "user"', path: 'data' }]);
    expect(JSON.stringify(result)).not.toContain('aHVudGVyMg==');
  });
});
