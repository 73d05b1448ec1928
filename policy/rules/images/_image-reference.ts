/** Parsing of container image references (`[registry/]path[:tag][@digest]`). Private module. */

/** An OCI digest of a registered algorithm: sha256 (64 hex) or sha512 (128 hex). */
const DIGEST = /@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** CEL (RE2) of {@link DIGEST}: the reference ends in a registered digest. */
export const CEL_DIGEST_RE = '@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$';
/** CEL (RE2): the last path segment before any `@` has a tag (a `:` after the last `/`). */
export const CEL_HAS_TAG_RE = '^[^@]*:[^/@]*(@.*)?$';
/** CEL (RE2): the tag (after the first `:` of the last segment) is `latest`. */
export const CEL_LATEST_TAG_RE = '^([^@]*/)?[^/:@]*:latest(@.*)?$';

/** The parts of an image reference that the image rules judge. */
export interface ImageReference {
  /** The digest (`sha256:...`), if the reference is pinned. */
  readonly digest?: string;
  /** The tag, if one is written (before any digest). */
  readonly tag?: string;
}

/** Splits an image reference into tag and digest. The tag is looked for after the last `/`, so a registry port is not a tag. */
export function parseImage(reference: string): ImageReference {
  const digestMatch = DIGEST.exec(reference);
  const beforeDigest = reference.includes('@') ? reference.slice(0, reference.indexOf('@')) : reference;
  const lastSegment = beforeDigest.slice(beforeDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return {
    ...(digestMatch ? { digest: digestMatch[1] } : {}),
    ...(colon >= 0 ? { tag: lastSegment.slice(colon + 1) } : {}),
  };
}
