/**
 * Policy versions (`v1.N` / `latest`) of the Pod Security Standards.
 *
 * Internally a version is its minor number (the major is always 1).
 */

/** The newest minimum version of any check at the upstream commit we follow; `latest` evaluates as this. */
export const PSS_LATEST_VERSION = 'v1.37';

/** Minor number of {@link PSS_LATEST_VERSION}. */
export const PSS_LATEST_MINOR = 37;

/** A parsed policy version. */
export interface PssVersion {
  /** The minor version the checks are evaluated at (versions above the latest are clamped to it). */
  readonly minor: number;
  /** Canonical text: `latest` or `v1.N` (N as given, before clamping). */
  readonly text: string;
}

const VERSION_RE = /^v?(\d+)\.(\d+)$/;
const cache = new Map<string, PssVersion>();

/**
 * Parses a Pod Security Standards policy version.
 *
 * Accepts `latest`, `v1.N` and `1.N` (as in `pod-security.kubernetes.io/enforce-version`).
 * Versions newer than {@link PSS_LATEST_VERSION} are evaluated as that version, like upstream.
 *
 * @throws Error naming the bad value and the accepted forms.
 */
export function parsePssVersion(input: string): PssVersion {
  const cached = cache.get(input);
  if (cached !== undefined) {
    return cached;
  }
  let parsed: PssVersion;
  if (input === 'latest') {
    parsed = { minor: PSS_LATEST_MINOR, text: 'latest' };
  } else {
    const m = typeof input === 'string' ? VERSION_RE.exec(input) : null;
    if (m === null || m[1] !== '1' || m[2].length > 4) {
      throw new Error(`invalid Pod Security version ${JSON.stringify(input)}: expected "latest", "v1.N" or "1.N"`);
    }
    const minor = Number(m[2]);
    parsed = { minor: Math.min(minor, PSS_LATEST_MINOR), text: `v1.${minor}` };
  }
  if (cache.size < 1000) {
    cache.set(input, parsed);
  }
  return parsed;
}

/** Formats a minor version number as `v1.N`. */
export function formatPssVersion(minor: number): string {
  return `v1.${minor}`;
}

/**
 * The version the Pod Security Admission of a Kubernetes 1.`serverMinor` API server evaluates
 * `version` at, `v1.N`: `latest`, and any version newer than the server, are the server's own
 * (upstream clamps to the newest check version the server knows, which gives the same verdicts).
 * @throws Error on a malformed version
 */
export function effectivePssVersion(version: string, serverMinor: number): string {
  return formatPssVersion(Math.min(parsePssVersion(version).minor, serverMinor, PSS_LATEST_MINOR));
}
