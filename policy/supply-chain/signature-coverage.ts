/**
 * Which declared image prefix covers an image, and whether a registry allow-list and a set of
 * signature prefixes name the same registries. Pure: prefixes in the grammar of
 * `admission.allowedRegistries` (`host[:port][/path]`), compared as `<prefix>/` so that
 * `registry.example.com.evil.io` is not under `registry.example.com`.
 */
import { registryPrefix } from '../admission/parameterized/allowed-registries';

/** Whether `inner` is `outer` or below it (`ghcr.io/acme/app` is under `ghcr.io/acme`). */
export function isUnderPrefix(inner: string, outer: string): boolean {
  return registryPrefix(inner).startsWith(registryPrefix(outer));
}

/** The prefixes of `prefixes` that `image` starts with (as `<prefix>/`), in the order given. */
export function coveringPrefixes(image: string, prefixes: readonly string[]): string[] {
  return prefixes.filter(p => image.startsWith(registryPrefix(p)));
}

/** Where an allow-list and the signature prefixes disagree. */
export interface RegistryDisagreement {
  /** Allowed registries with images under them that no signature prefix covers (admitted by the allow-list, unverified or denied by the signature engine). */
  readonly unsignedRegistries: readonly string[];
  /** Signature prefixes outside every allowed registry (trust for images the allow-list denies anyway). */
  readonly unlistedPrefixes: readonly string[];
}

/**
 * The disagreement between a registry allow-list and the signature prefixes: the two agree when
 * every allowed registry lies under a signature prefix and every signature prefix under an
 * allowed registry.
 */
export function registryDisagreement(allowedRegistries: readonly string[], signaturePrefixes: readonly string[]): RegistryDisagreement {
  return {
    unsignedRegistries: allowedRegistries.filter(r => !signaturePrefixes.some(p => isUnderPrefix(r, p))),
    unlistedPrefixes: signaturePrefixes.filter(p => !allowedRegistries.some(r => isUnderPrefix(p, r))),
  };
}
