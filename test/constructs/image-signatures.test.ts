import { Chart } from 'cdk8s';
import {
  ContainerImage, HardenedDeployment, HardenedInputError, HardenedNamespace, ImageSignatures, IstioMesh, NamespaceMesh, SignatureAction, SignatureEngine, SignatureTrust, SynthValidationError, UncoveredImages,
  type ImageAuthority, type KeylessIdentity,
} from '../../constructs';
import { registryDisagreement } from '../../policy';
import { container, DIGEST } from '../support/fixtures';
import { findObject, objectsOfKind, testApp, withoutWarnings } from '../support/manifests';
import { validateAgainstSignatureCrd } from '../support/signature-crds';
import { ecKeyPair, signedApp, TEAM_KEYLESS } from '../support/signed-images';

const KEY = ecKeyPair();
const keyless = (identity: KeylessIdentity): ImageAuthority => ({ ...TEAM_KEYLESS, trust: SignatureTrust.keyless(identity) });
const keyed = (pem: string): ImageAuthority => ({ ...TEAM_KEYLESS, name: 'team-key', trust: SignatureTrust.publicKey(pem) });

describe('ClusterImagePolicy (Sigstore policy-controller)', () => {
  const objects = signedApp({ signatures: { authorities: [TEAM_KEYLESS, { ...keyed(KEY.publicPem), images: ['ghcr.io/acme/tools'] }] }, images: [`registry.example.com/team/app@${DIGEST}`] });

  test('one policy per authority, glob <prefix>/**, keyless identity or key, mode enforce', () => {
    const keylessPolicy = findObject(objects, 'ClusterImagePolicy', 'cdk8s-hardened-team-releases');
    expect(keylessPolicy.apiVersion).toBe('policy.sigstore.dev/v1alpha1');
    expect(keylessPolicy.spec).toEqual({
      images: [{ glob: 'registry.example.com/team/**' }],
      authorities: [{ name: 'signer', keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/example/team/\\.github/workflows/release\\.yml@refs/tags/v.+$' }] } }],
      mode: 'enforce',
    });
    const keyPolicy = findObject(objects, 'ClusterImagePolicy', 'cdk8s-hardened-team-key');
    expect(keyPolicy.spec).toEqual({ images: [{ glob: 'ghcr.io/acme/tools/**' }], authorities: [{ name: 'signer', key: { data: KEY.publicPem, hashAlgorithm: 'sha256' } }], mode: 'enforce' });
    expect(objectsOfKind(objects, 'ClusterImagePolicy').map(o => o.metadata?.namespace)).toEqual([undefined, undefined]);
    objectsOfKind(objects, 'ClusterImagePolicy').forEach(validateAgainstSignatureCrd);
  });

  test('every namespace of the app carries policy.sigstore.dev/include: "true"', () => {
    expect(findObject(objects, 'Namespace', 'shop').metadata?.labels?.['policy.sigstore.dev/include']).toBe('true');
  });

  test('WARN writes mode: warn', () => {
    const warned = signedApp({ signatures: { action: SignatureAction.WARN } });
    expect((findObject(warned, 'ClusterImagePolicy', 'cdk8s-hardened-team-releases').spec as { mode: string }).mode).toBe('warn');
  });
});

describe('ImageValidatingPolicy (Kyverno)', () => {
  const objects = signedApp({ signatures: { engine: SignatureEngine.KYVERNO, authorities: [TEAM_KEYLESS, { ...keyed(KEY.publicPem), images: ['ghcr.io/acme/tools'] }] } });

  test('one policy per authority on Pods of the app\'s namespaces, glob <prefix>/*, one attestor, Deny', () => {
    const policy = findObject(objects, 'ImageValidatingPolicy', 'cdk8s-hardened-team-releases');
    expect(policy.apiVersion).toBe('policies.kyverno.io/v1');
    const spec = policy.spec as Record<string, any>;
    expect(spec.validationActions).toEqual(['Deny']);
    expect(spec.failurePolicy).toBe('Fail');
    expect(spec.matchImageReferences).toEqual([{ glob: 'registry.example.com/team/*' }]);
    expect(spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { 'app.kubernetes.io/managed-by': 'cdk8s-hardened' } });
    expect(spec.attestors).toEqual([{ name: 'signer', cosign: { keyless: { identities: [{ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: expect.stringMatching(/^\^https/) }] } } }]);
    expect(spec.validations[0].expression).toMatch(/verifyImageSignatures\(image, \[attestors\.signer\]\) > 0/);
    expect((findObject(objects, 'ImageValidatingPolicy', 'cdk8s-hardened-team-key').spec as Record<string, any>).attestors).toEqual([{ name: 'signer', cosign: { key: { data: KEY.publicPem, hashAlgorithm: 'sha256' } } }]);
    objectsOfKind(objects, 'ImageValidatingPolicy').forEach(validateAgainstSignatureCrd);
  });

  test('no policy.sigstore.dev label, no ClusterImagePolicy; WARN is Warn + Audit', () => {
    expect(findObject(objects, 'Namespace', 'shop').metadata?.labels?.['policy.sigstore.dev/include']).toBeUndefined();
    expect(objectsOfKind(objects, 'ClusterImagePolicy')).toEqual([]);
    const warned = signedApp({ signatures: { engine: SignatureEngine.KYVERNO, action: SignatureAction.WARN } });
    expect((findObject(warned, 'ImageValidatingPolicy', 'cdk8s-hardened-team-releases').spec as Record<string, any>).validationActions).toEqual(['Warn', 'Audit']);
  });
});

/** Bad declarations, each refused with path, field, value and fix; the field and a word of the problem. */
const REFUSED: readonly { readonly name: string; readonly authority: ImageAuthority; readonly field: string; readonly problem: RegExp }[] = [
  { name: 'issuer not https', authority: keyless({ issuer: 'http://token.actions.githubusercontent.com', subject: 'x@example.com' }), field: 'authorities[0].trust.keyless[0].issuer', problem: /not an https URL/ },
  { name: 'issuer not a URL', authority: keyless({ issuer: 'token.actions.githubusercontent.com', subject: 'x@example.com' }), field: 'authorities[0].trust.keyless[0].issuer', problem: /not an https URL/ },
  { name: 'issuer with credentials', authority: keyless({ issuer: 'https://u:p@issuer.example.com', subject: 'x@example.com' }), field: 'authorities[0].trust.keyless[0].issuer', problem: /credentials/ },
  { name: 'no issuer (trusts every issuer)', authority: keyless({ subject: 'x@example.com' }), field: 'authorities[0].trust.keyless[0].issuer', problem: /would trust every issuer/ },
  { name: 'issuer and issuerRegExp', authority: keyless({ issuer: 'https://accounts.google.com', issuerRegExp: '^https://.*$', subject: 'x@example.com' }), field: 'authorities[0].trust.keyless[0].issuer', problem: /both given/ },
  { name: 'no subject', authority: keyless({ issuer: 'https://accounts.google.com' }), field: 'authorities[0].trust.keyless[0].subject', problem: /every subject/ },
  { name: 'regex does not compile', authority: keyless({ issuer: 'https://accounts.google.com', subjectRegExp: '^(abc$' }), field: 'authorities[0].trust.keyless[0].subjectRegExp', problem: /does not compile/ },
  { name: 'regex unanchored', authority: keyless({ issuer: 'https://accounts.google.com', subjectRegExp: 'acme' }), field: 'authorities[0].trust.keyless[0].subjectRegExp', problem: /not anchored/ },
  { name: 'regex lookahead (not RE2)', authority: keyless({ issuer: 'https://accounts.google.com', subjectRegExp: '^(?!evil).*$' }), field: 'authorities[0].trust.keyless[0].subjectRegExp', problem: /RE2/ },
  { name: 'regex back-reference (not RE2)', authority: keyless({ issuerRegExp: '^https://(a)\\1$', subject: 'x@example.com' }), field: 'authorities[0].trust.keyless[0].issuerRegExp', problem: /back-reference/ },
  { name: 'keyless without identity', authority: { ...TEAM_KEYLESS, trust: SignatureTrust.keyless() }, field: 'authorities[0].trust.keyless', problem: /no identity/ },
  { name: 'PEM garbage', authority: keyed('-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n'), field: 'authorities[0].trust.publicKey', problem: /does not parse/ },
  { name: 'PEM certificate, not a key', authority: keyed('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), field: 'authorities[0].trust.publicKey', problem: /not one PEM "PUBLIC KEY" block/ },
  { name: 'PEM private key', authority: keyed(KEY.privatePem), field: 'authorities[0].trust.publicKey', problem: /is a private key/ },
  { name: 'two PEM blocks', authority: keyed(KEY.publicPem + KEY.publicPem), field: 'authorities[0].trust.publicKey', problem: /not one PEM/ },
  { name: 'glob * (engines disagree on it)', authority: { ...TEAM_KEYLESS, images: ['registry.example.com/team/*'] }, field: 'authorities[0].images[0]', problem: /glob pattern/ },
  { name: 'glob ? (policy-controller refuses its characters)', authority: { ...TEAM_KEYLESS, images: ['registry.example.com/team/ap?'] }, field: 'authorities[0].images[0]', problem: /refuses its characters/ },
  { name: 'prefix with scheme', authority: { ...TEAM_KEYLESS, images: ['https://registry.example.com'] }, field: 'authorities[0].images[0]', problem: /not a registry or repository prefix/ },
  { name: 'prefix with digest', authority: { ...TEAM_KEYLESS, images: [`registry.example.com/team/app@${DIGEST}`] }, field: 'authorities[0].images[0]', problem: /not a registry or repository prefix/ },
  { name: 'prefix without registry host', authority: { ...TEAM_KEYLESS, images: ['library/nginx'] }, field: 'authorities[0].images[0]', problem: /no registry host/ },
  { name: 'no images', authority: { ...TEAM_KEYLESS, images: [] }, field: 'authorities[0].images', problem: /is empty/ },
  { name: 'name not a DNS label', authority: { ...TEAM_KEYLESS, name: 'Team_Releases' }, field: 'authorities[0].name', problem: /./ },
];

describe('refused at construction, with path, field, value and fix', () => {
  test.each(REFUSED.map(c => [c.name, c] as const))('%s', (_name, c) => {
    let error: unknown;
    try {
      signedApp({ signatures: { authorities: [c.authority] } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HardenedInputError);
    const e = error as HardenedInputError;
    expect(e.constructPath).toBe('cluster/signatures');
    expect(e.field).toBe(c.field);
    expect(e.message).toMatch(c.problem);
    expect(e.fix.length).toBeGreaterThan(10);
    expect(e.message).not.toContain('PRIVATE KEY-----\nMI'); // a private key is never echoed
  });

  test('valid forms are accepted: exact subject, (?i) flag, ed25519 and RSA keys, a registry with a port', () => {
    const ed = generateKey('ed25519');
    const rsa = generateKey('rsa');
    expect(() => signedApp({ signatures: { authorities: [
      keyless({ issuerRegExp: '^(?i)https://token\\.actions\\.githubusercontent\\.com$', subject: 'release@example.com' }),
      { ...keyed(ed), name: 'ed', images: ['registry.example.com:5000/ed'] },
      { ...keyed(rsa), name: 'rsa', images: ['ghcr.io/acme'] },
    ] } })).not.toThrow();
  });

  test('empty authorities, duplicate names, a second ImageSignatures, a namespaced chart', () => {
    expect(() => signedApp({ signatures: { authorities: [] } })).toThrow(/authorities: \[\] is empty/);
    expect(() => signedApp({ signatures: { authorities: [TEAM_KEYLESS, TEAM_KEYLESS] } })).toThrow(/authorities\[1\]\.name: "team-releases" is used by another authority/);
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    new ImageSignatures(cluster, 'a', { authorities: [TEAM_KEYLESS] });
    expect(() => new ImageSignatures(cluster, 'b', { authorities: [TEAM_KEYLESS] })).toThrow(/\[cluster\/b\] ImageSignatures: "b" is a second ImageSignatures/);
    const other = testApp();
    expect(() => new ImageSignatures(new Chart(other, 'ns', { namespace: 'shop' }), 'c', { authorities: [TEAM_KEYLESS] })).toThrow(/\[ns\/c\] scope: "shop" is a chart with a namespace/);
  });

  test('a namespace label policy.sigstore.dev/include other than "true" is refused', () => {
    expect(() => signedApp({ namespaceLabels: { 'policy.sigstore.dev/include': 'false' } })).toThrow(/\[cluster\/shop\] labels\["policy.sigstore.dev\/include"\]: "false" turns off signature enforcement/);
  });
});

describe('at synth: images no authority covers', () => {
  const outside = `ghcr.io/other/app@${DIGEST}`;

  test('fail synth, naming the workload and the image', () => {
    expect(() => signedApp({ images: [`registry.example.com/team/app@${DIGEST}`, outside] })).toThrow(SynthValidationError);
    expect(() => signedApp({ images: [outside] })).toThrow(/\[cluster\/signatures\] authorities: image "ghcr\.io\/other\/app@sha256:[0-9a-f]+" of Deployment shop\/app0 \(workloads\/app0\/Resource\/Resource\) is covered by no authority .* Fix:/);
  });

  test('a look-alike registry is not covered (compared as <prefix>/)', () => {
    expect(() => signedApp({ images: [`registry.example.com/teamevil/app@${DIGEST}`] })).toThrow(/covered by no authority/);
    expect(() => signedApp({ images: [`registry.example.com.evil.io/team/app@${DIGEST}`] })).toThrow(/covered by no authority/);
  });

  test('warn instead, with a reason; a reason that says nothing is refused', () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
    try {
      signedApp({ images: [outside], signatures: { uncoveredImages: UncoveredImages.warn('The vendor agent is verified by the vendor operator before rollout.') } });
    } finally {
      warn.mockRestore();
    }
    expect(warnings.filter(w => w.includes('covered by no authority'))).toEqual([expect.stringContaining('accepted: The vendor agent is verified')]);
    expect(() => withoutWarnings(() => signedApp({ images: [outside], signatures: { uncoveredImages: UncoveredImages.warn('todo') } }))).toThrow(/uncoveredImages.reason: "todo" is not a meaningful reason/);
  });
});

describe('the registry allow-list of the admission layer and the signature prefixes agree', () => {
  test('pure: every allowed registry under a prefix, every prefix under an allowed registry', () => {
    expect(registryDisagreement(['registry.example.com'], ['registry.example.com'])).toEqual({ unsignedRegistries: [], unlistedPrefixes: [] });
    expect(registryDisagreement(['registry.example.com/team'], ['registry.example.com'])).toEqual({ unsignedRegistries: [], unlistedPrefixes: ['registry.example.com'] });
    expect(registryDisagreement(['registry.example.com'], ['registry.example.com/team'])).toEqual({ unsignedRegistries: ['registry.example.com'], unlistedPrefixes: [] });
    expect(registryDisagreement(['registry.example.com'], ['registry.example.com.evil.io'])).toEqual({ unsignedRegistries: ['registry.example.com'], unlistedPrefixes: ['registry.example.com.evil.io'] });
  });

  test('agreement synthesizes; an allowed registry no authority signs, or a prefix the list denies, is refused', () => {
    expect(() => withoutWarnings(() => signedApp({ admission: { allowedRegistries: ['registry.example.com/team'] } }))).not.toThrow();
    expect(() => withoutWarnings(() => signedApp({ admission: { allowedRegistries: ['registry.example.com/team', 'ghcr.io/acme'] } })))
      .toThrow(/\[HardenedApp\] admission.allowedRegistries: \["ghcr.io\/acme"\] admits images that no authority of cluster\/signatures covers/);
    expect(() => withoutWarnings(() => signedApp({
      admission: { allowedRegistries: ['registry.example.com/team'] },
      signatures: { authorities: [TEAM_KEYLESS, { ...keyed(KEY.publicPem), images: ['ghcr.io/acme'] }] },
    }))).toThrow(/\[cluster\/signatures\] authorities\[\]\.images: \["ghcr.io\/acme"\] are outside admission.allowedRegistries/);
  });
});

function generateKey(type: 'ed25519' | 'rsa'): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateKeyPairSync } = require('crypto') as typeof import('crypto');
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('the injected sidecar proxy', () => {
  // a sidecar-mode namespace gets Istio's proxy in every pod: the authorities must cover it too
  function meshed(proxyImage?: string): () => unknown {
    return () => {
      const app = testApp();
      const cluster = new Chart(app, 'cluster');
      new IstioMesh(cluster, 'mesh', proxyImage !== undefined ? { proxyImage: ContainerImage.fromDigest(proxyImage) } : {});
      new HardenedNamespace(cluster, 'shop', { mesh: NamespaceMesh.sidecar() });
      new HardenedDeployment(new Chart(app, 'w', { namespace: 'shop' }), 'web', { containers: [container({ name: 'web', image: ContainerImage.fromDigest(`registry.example.com/team/web@${DIGEST}`) })] });
      new ImageSignatures(new Chart(app, 'sig'), 'signatures', { authorities: [TEAM_KEYLESS] });
      return withoutWarnings(() => app.synthObjects());
    };
  }

  test('not declared: synth fails, naming the sidecar namespaces and the fix', () => {
    expect(meshed()).toThrow(/the sidecar-mode namespaces shop get Istio's injected proxy image, which the app does not declare.*Fix: declare IstioMesh proxyImage/s);
  });

  test('declared but covered by no authority: synth fails; covered: synth passes, and the install values pin it', () => {
    expect(meshed(`docker.io/istio/proxyv2@${DIGEST}`)).toThrow(/the injected proxy image "docker\.io\/istio\/proxyv2@sha256:[0-9a-f]+" \(IstioMesh proxyImage\) is covered by no authority/);
    expect(meshed(`registry.example.com/team/proxyv2@${DIGEST}`)).not.toThrow();
    const app = testApp();
    const mesh = new IstioMesh(new Chart(app, 'cluster'), 'mesh', { proxyImage: ContainerImage.fromDigest(`registry.example.com/team/proxyv2@${DIGEST}`) });
    expect(mesh.installValues()).toHaveProperty('global.proxy.image', `registry.example.com/team/proxyv2@${DIGEST}`);
    expect(() => new IstioMesh(new Chart(testApp(), 'c'), 'mesh', { proxyImage: ContainerImage.fromTag('istio/proxyv2:1.31.0', { reason: 'the vendor publishes no digests for it' }) })).toThrow(/proxyImage: "istio\/proxyv2:1\.31\.0" is not an image pinned by digest/);
  });
});
