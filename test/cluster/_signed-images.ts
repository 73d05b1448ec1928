/**
 * Signed images (issue 23), on the real API server with the upstream CRDs of policy-controller
 * v0.15.1 and Kyverno 1.19.0 installed (the suite's CRD test): every ClusterImagePolicy and
 * ImageValidatingPolicy our constructs write is accepted by a dry-run create with strict field
 * validation (structural schema, oneOf, enums, list types and x-kubernetes-validations); hand-made
 * bad objects are rejected by the schema; and the bad declarations that only we refuse are shown
 * to be admitted by the server, so the refusal at synth is ours. The server is the oracle for
 * the schema; whether a signature verifies is for the engines, which do not run here.
 */
import { HardenedInputError, SignatureAction, SignatureEngine, SignatureTrust, type ImageAuthority } from '../../constructs';
import type { KubeClient, KubeJson } from '../../src/cluster/kube-client';
import { withoutWarnings } from '../support/manifests';
import { ecKeyPair, signedApp, TEAM_KEYLESS } from '../support/signed-images';
import { admission } from './_support';

const KEY = ecKeyPair();
const KEYED: ImageAuthority = { name: 'team-key', images: ['ghcr.io/acme/tools'], trust: SignatureTrust.publicKey(KEY.publicPem) };

function policies(engine: SignatureEngine, action: SignatureAction): KubeJson[] {
  const kind = engine === SignatureEngine.KYVERNO ? 'ImageValidatingPolicy' : 'ClusterImagePolicy';
  return withoutWarnings(() => signedApp({ signatures: { engine, action, authorities: [TEAM_KEYLESS, KEYED] } }))
    .filter(o => o.kind === kind).map(o => JSON.parse(JSON.stringify(o)) as KubeJson);
}

/** `object` with `edit` applied to a deep copy, renamed. */
function variant(object: KubeJson, name: string, edit: (o: Record<string, any>) => void): KubeJson {
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, any>;
  copy.metadata.name = name;
  edit(copy);
  return copy as KubeJson;
}

export function signedImagesServerTests(minor: string, client: () => KubeClient, tally: string[] = []): void {
  test('signed images: every generated ClusterImagePolicy and ImageValidatingPolicy is accepted with strict field validation; the schema rejects bad ones', async () => {
    const generated = [
      ...policies(SignatureEngine.SIGSTORE_POLICY_CONTROLLER, SignatureAction.ENFORCE), ...policies(SignatureEngine.SIGSTORE_POLICY_CONTROLLER, SignatureAction.WARN),
      ...policies(SignatureEngine.KYVERNO, SignatureAction.ENFORCE), ...policies(SignatureEngine.KYVERNO, SignatureAction.WARN),
    ];
    expect(generated.map(o => o.kind).sort()).toEqual(['ClusterImagePolicy', 'ClusterImagePolicy', 'ClusterImagePolicy', 'ClusterImagePolicy', 'ImageValidatingPolicy', 'ImageValidatingPolicy', 'ImageValidatingPolicy', 'ImageValidatingPolicy']);
    const refusedOurs: string[] = [];
    for (const o of generated) {
      const verdict = await admission(client(), o);
      if (!verdict.admitted) refusedOurs.push(`${o.kind} ${o.metadata?.name}: ${verdict.message}`);
    }
    expect(refusedOurs).toEqual([]);

    const cip = generated.find(o => o.kind === 'ClusterImagePolicy')!;
    const ivp = generated.find(o => o.kind === 'ImageValidatingPolicy')!;
    const bad: { name: string; object: KubeJson; message: RegExp }[] = [
      { name: 'ClusterImagePolicy: unknown field keyless.issuer', object: variant(cip, 'bad-unknown', o => { o.spec.authorities[0].keyless.issuer = 'https://accounts.google.com'; }), message: /unknown field/ },
      { name: 'ClusterImagePolicy: images is not a list', object: variant(cip, 'bad-images', o => { o.spec.images = 'registry.example.com/**'; }), message: /spec.images/ },
      { name: 'ClusterImagePolicy: mode is not a string', object: variant(cip, 'bad-mode', o => { o.spec.mode = true; }), message: /spec.mode/ },
      { name: 'ClusterImagePolicy v1beta1: needs the conversion webhook of the controller', object: variant(cip, 'bad-v1beta1', o => { o.apiVersion = 'policy.sigstore.dev/v1beta1'; }), message: /conversion|webhook|cosign-system/i },
      { name: 'ImageValidatingPolicy: validationActions Block (enum)', object: variant(ivp, 'bad-action', o => { o.spec.validationActions = ['Block']; }), message: /validationActions/ },
      { name: 'ImageValidatingPolicy: Deny twice (list-type set)', object: variant(ivp, 'bad-dup', o => { o.spec.validationActions = ['Deny', 'Deny']; }), message: /Duplicate value|duplicate/i },
      { name: 'ImageValidatingPolicy: attestor with cosign and notary (oneOf)', object: variant(ivp, 'bad-oneof', o => { o.spec.attestors[0].notary = { certs: { value: 'x' } }; }), message: /oneOf|must validate one and only one/i },
      { name: 'ImageValidatingPolicy: glob and expression (oneOf)', object: variant(ivp, 'bad-match', o => { o.spec.matchImageReferences[0].expression = 'true'; }), message: /oneOf|must validate one and only one/i },
      { name: 'ImageValidatingPolicy: no validations (required)', object: variant(ivp, 'bad-required', o => { delete o.spec.validations; }), message: /validations: Required/ },
      { name: 'ImageValidatingPolicy: keyless without identities (required)', object: variant(ivp, 'bad-identities', o => { o.spec.attestors[0].cosign.keyless = {}; }), message: /identities: Required/ },
    ];
    const wrong: string[] = [];
    for (const b of bad) {
      const verdict = await admission(client(), b.object);
      if (verdict.admitted || !b.message.test(verdict.message)) wrong.push(`${b.name}: ${verdict.admitted ? 'admitted' : verdict.message}`);
    }
    expect(wrong).toEqual([]);

    // bad declarations the schema admits: only our synth refuses them
    const ours: { name: string; object: KubeJson; authority: ImageAuthority }[] = [
      { name: 'issuer over http', object: variant(cip, 'ours-http', o => { o.spec.authorities[0].keyless.identities[0].issuer = 'http://token.actions.githubusercontent.com'; }),
        authority: { ...TEAM_KEYLESS, trust: SignatureTrust.keyless({ issuer: 'http://token.actions.githubusercontent.com', subject: 'x@example.com' }) } },
      { name: 'unanchored subject expression', object: variant(cip, 'ours-unanchored', o => { o.spec.authorities[0].keyless.identities[0].subjectRegExp = 'example'; }),
        authority: { ...TEAM_KEYLESS, trust: SignatureTrust.keyless({ issuer: 'https://accounts.google.com', subjectRegExp: 'example' }) } },
      { name: 'no issuer at all', object: variant(cip, 'ours-noissuer', o => { delete o.spec.authorities[0].keyless.identities[0].issuer; }),
        authority: { ...TEAM_KEYLESS, trust: SignatureTrust.keyless({ subject: 'x@example.com' }) } },
      { name: 'a private key as the key', object: variant(ivp, 'ours-private', o => { o.spec.attestors[0].cosign = { key: { data: KEY.privatePem } }; }),
        authority: { ...KEYED, trust: SignatureTrust.publicKey(KEY.privatePem) } },
      { name: 'a glob with *', object: variant(ivp, 'ours-glob', o => { o.spec.matchImageReferences = [{ glob: 'registry.example.com/*/app' }]; }),
        authority: { ...TEAM_KEYLESS, images: ['registry.example.com/*/app'] } },
    ];
    const notOnlyOurs: string[] = [];
    for (const c of ours) {
      const verdict = await admission(client(), c.object);
      let refused = false;
      try {
        withoutWarnings(() => signedApp({ signatures: { authorities: [c.authority] } }));
      } catch (e) {
        refused = e instanceof HardenedInputError;
      }
      if (!verdict.admitted || !refused) notOnlyOurs.push(`${c.name}: server ${verdict.admitted ? 'admits' : `rejects (${verdict.message})`}, synth ${refused ? 'refuses' : 'accepts'}`);
    }
    expect(notOnlyOurs).toEqual([]);
    tally.push(`${minor}: signed images: ${generated.length} generated policies accepted (strict), ${bad.length} bad objects rejected by the CRD schemas, ${ours.length} bad declarations admitted by the server and refused only by our synth`);
  }, 120_000);
}
