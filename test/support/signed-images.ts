/** Apps with ImageSignatures for the unit and the real-server tests (issue 23). */
import { generateKeyPairSync } from 'crypto';
import { Chart } from 'cdk8s';
import {
  ContainerImage, HardenedDeployment, HardenedNamespace, ImageSignatures, SignatureEngine, SignatureTrust,
  type AdmissionProps, type ImageAuthority, type ImageSignaturesProps,
} from '../../constructs';
import type { KubeObject } from '../../policy/kube-object';
import { container, DIGEST } from './fixtures';
import { synthApp, testApp } from './manifests';

/** A fresh ECDSA P-256 key pair as cosign makes them (`cosign generate-key-pair`): PEM public and private key. */
export function ecKeyPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Keyless trust in a GitHub Actions release workflow of `registry.example.com/team`. */
export const TEAM_KEYLESS: ImageAuthority = {
  name: 'team-releases',
  images: ['registry.example.com/team'],
  trust: SignatureTrust.keyless({ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/example/team/\\.github/workflows/release\\.yml@refs/tags/v.+$' }),
};

/** Options of {@link signedApp}. */
export interface SignedAppOptions {
  readonly signatures?: Partial<ImageSignaturesProps>;
  readonly images?: readonly string[];
  readonly admission?: AdmissionProps;
  readonly namespaceLabels?: Record<string, string>;
}

/** Namespace `shop` with one Deployment per image, and ImageSignatures in the cluster chart; synthesized. */
export function signedApp(options: SignedAppOptions = {}): KubeObject[] {
  const app = testApp(options.admission ? { admission: options.admission } : {});
  const cluster = new Chart(app, 'cluster');
  new HardenedNamespace(cluster, 'shop', { ...(options.namespaceLabels ? { labels: options.namespaceLabels } : {}) });
  new ImageSignatures(cluster, 'signatures', { engine: SignatureEngine.SIGSTORE_POLICY_CONTROLLER, authorities: [TEAM_KEYLESS], ...options.signatures });
  const chart = new Chart(app, 'workloads', { namespace: 'shop' });
  (options.images ?? [`registry.example.com/team/app@${DIGEST}`]).forEach((image, i) => {
    new HardenedDeployment(chart, `app${i}`, { containers: [container({ image: ContainerImage.fromDigest(image) })] });
  });
  return synthApp(app);
}
