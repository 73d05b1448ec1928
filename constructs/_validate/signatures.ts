import { createPublicKey } from 'crypto';
import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Inputs of image signature trust (constructs/image-signatures.ts): image prefixes, OIDC issuers
// and subjects, regular expressions, PEM public keys. Each refusal names what the engine would do
// with the value, or why we refuse a value the engine accepts.

/**
 * `registry.example.com`, `registry.example.com:5000/team`, `ghcr.io/acme/app`: a host (and port)
 * with an optional repository path; the same grammar as `admission.allowedRegistries`.
 */
export const IMAGE_PREFIX = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * The characters policy-controller v0.15 accepts in a ClusterImagePolicy glob
 * (`pkg/apis/glob/glob.go`, `validGlob`); a glob outside them is refused by its webhook.
 */
const SIGSTORE_GLOB_CHARACTERS = /^[a-zA-Z0-9\-_:/*.]+$/;

/** An image prefix: registry host[:port][/repository path], no wildcard, no scheme, no tag or digest. */
export function imagePrefix(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value === 'string' && /[*?[\]{}]/.test(value)) {
    const engineHint = SIGSTORE_GLOB_CHARACTERS.test(value) ? '' : ' (policy-controller refuses its characters outright)';
    throw new HardenedInputError(scope, field, value, `is a glob pattern${engineHint}; "*" means "no /" to policy-controller and "anything" to Kyverno, so one pattern cannot mean the same to both`,
      'write the registry or repository prefix the images start with, e.g. "ghcr.io/acme"; the engine\'s glob ("ghcr.io/acme/**" or "ghcr.io/acme/*") is written for you');
  }
  if (typeof value !== 'string' || !IMAGE_PREFIX.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a registry or repository prefix (host[:port][/path], lower case, no scheme, tag, digest or trailing /)',
      'write it as images name it, e.g. "registry.example.com" or "ghcr.io/acme/app"');
  }
  if (!value.includes('.') && !value.includes(':') && !value.startsWith('localhost')) {
    throw new HardenedInputError(scope, field, value, 'has no registry host (a name without a dot or port is a Docker Hub repository, which the engines normalize to index.docker.io/...)',
      `name the registry, e.g. "docker.io/${value}" or "ghcr.io/${value}"`);
  }
  return value;
}

/** An OIDC issuer: an https URL without credentials, query or fragment (what Fulcio writes into the certificate). */
export function oidcIssuer(scope: IConstruct, field: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new HardenedInputError(scope, field, value, 'is not an https URL of an OIDC issuer (no credentials, query or fragment)',
      'use the issuer URL exactly as the identity provider publishes it, e.g. "https://token.actions.githubusercontent.com" or "https://accounts.google.com"; for a pattern use issuerRegExp');
  }
  return value as string;
}

/** A subject matched exactly: non-empty, no surrounding blanks. */
export function exactSubject(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim() !== value) {
    throw new HardenedInputError(scope, field, value, 'is not a certificate subject (empty, or with surrounding blanks)',
      'give the signer\'s identity as it appears in the certificate, e.g. "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main" or "release@acme.example"');
  }
  return value;
}

/** Constructs of JavaScript regular expressions that Go's RE2 (policy-controller, Kyverno) refuses. */
const NOT_RE2: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\(\?<?[=!]/, what: 'a lookahead or lookbehind' },
  { pattern: /\\[1-9]|\\k</, what: 'a back-reference' },
  { pattern: /\(\?<[A-Za-z]/, what: 'a named group written (?<name>; RE2 of Go before 1.22 only reads (?P<name>' },
];

/**
 * A regular expression matched against an issuer or subject: compiles, uses only RE2 syntax, and is
 * anchored (`^...$`): the engines search unanchored, so `acme` would trust `https://github.com/not-acme/...`.
 */
export function anchoredRegExp(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new HardenedInputError(scope, field, value, 'is not a regular expression', 'write an RE2 regular expression anchored with ^ and $');
  }
  try {
    // RE2's inline flags ((?i), (?s)...) are no JavaScript syntax: drop them before compiling
    new RegExp(value.replace(/\(\?[imsU]+\)/g, ''));
  } catch (e) {
    throw new HardenedInputError(scope, field, value, `does not compile (${(e as Error).message})`, 'fix the expression; escape literal dots as \\.');
  }
  const notRe2 = NOT_RE2.find(n => n.pattern.test(value));
  if (notRe2) {
    throw new HardenedInputError(scope, field, value, `uses ${notRe2.what}, which Go's RE2 (policy-controller, Kyverno) does not compile`, 'rewrite it without that construct');
  }
  if (!value.startsWith('^') || !value.endsWith('$') || value.endsWith('\\$')) {
    throw new HardenedInputError(scope, field, value, 'is not anchored with ^ and $; the engines search for a match anywhere, so it trusts every identity that merely contains it',
      `anchor it: "^${value.replace(/^\^/, '').replace(/\$$/, '')}$"`);
  }
  return value;
}

/** The algorithms cosign verifies with a public key (ECDSA, RSA, Ed25519). */
const KEY_TYPES = new Set(['ec', 'rsa', 'ed25519']);

/** A PEM public key: exactly one `PUBLIC KEY` block that parses as an ECDSA, RSA or Ed25519 key. Private keys are refused. */
export function publicKeyPem(scope: IConstruct, field: string, value: unknown): string {
  const shown = typeof value === 'string' && value.length > 80 ? `${value.slice(0, 60)}...` : value;
  if (typeof value === 'string' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) {
    throw new HardenedInputError(scope, field, '(a private key, not shown)', 'is a private key; the policy needs only the public half, and the manifests are not secret',
      'remove this key from the code, rotate it, and give its public key ("cosign public-key --key ..." or the cosign.pub file)');
  }
  const blocks = typeof value === 'string' ? value.match(/-----BEGIN ([A-Z ]+)-----/g) ?? [] : [];
  if (typeof value !== 'string' || blocks.length !== 1 || blocks[0] !== '-----BEGIN PUBLIC KEY-----' || !/-----END PUBLIC KEY-----\s*$/.test(value)) {
    throw new HardenedInputError(scope, field, shown, 'is not one PEM "PUBLIC KEY" block',
      'give the contents of cosign.pub: "-----BEGIN PUBLIC KEY-----", base64 lines, "-----END PUBLIC KEY-----"');
  }
  let type: string | undefined;
  try {
    type = createPublicKey({ key: value, format: 'pem' }).asymmetricKeyType;
  } catch (e) {
    throw new HardenedInputError(scope, field, shown, `does not parse as a public key (${(e as Error).message})`, 'copy cosign.pub again, unchanged');
  }
  if (type === undefined || !KEY_TYPES.has(type)) {
    throw new HardenedInputError(scope, field, shown, `is a ${type ?? 'unknown'} key, which cosign does not verify signatures with`, 'use an ECDSA (cosign generate-key-pair), RSA or Ed25519 key');
  }
  return value.trim() + '\n';
}
