/**
 * What the CEL library of a Kubernetes minor version offers, as far as our expressions could
 * reach beyond the 1.28 base: an expression may use a feature only from the version that added it
 * to the admission CEL environment (see "Common Expression Language in Kubernetes").
 */

/** One CEL feature that arrived after the 1.28 library, with the pattern that reveals its use. */
export interface CelFeature {
  readonly name: string;
  /** The first Kubernetes minor whose admission CEL offers it. */
  readonly sinceMinor: number;
  readonly pattern: RegExp;
}

/** The features newer than the Kubernetes 1.28 CEL library that an expression could use. */
export const CEL_FEATURES: readonly CelFeature[] = [
  { name: 'optional field selection `?.` / index `[?`', sinceMinor: 29, pattern: /\.\?[A-Za-z_]|\[\?/ },
  { name: 'optional library (`optional.of`, `.orValue`, `.hasValue`)', sinceMinor: 29, pattern: /\boptional\.(of|none|ofNonZeroValue)\(|\.(orValue|hasValue|value)\(\)/ },
  { name: 'quantity library (`quantity()`, `isQuantity()`)', sinceMinor: 29, pattern: /\b(quantity|isQuantity)\(/ },
  { name: 'cel.bind', sinceMinor: 30, pattern: /\bcel\.bind\(/ },
  { name: 'IP and CIDR library (`ip()`, `cidr()`)', sinceMinor: 30, pattern: /\b(ip|cidr|isIP|isCIDR)\(/ },
  { name: 'string formatting (`.format()`)', sinceMinor: 30, pattern: /\.format\(/ },
  { name: 'semver library', sinceMinor: 33, pattern: /\b(semver|isSemver)\(/ },
];

/**
 * The features `expression` uses that the CEL library of Kubernetes `1.<minor>` lacks (empty when
 * the expression runs there). String literals are ignored.
 */
export function celLibraryProblems(expression: string, minor: number): string[] {
  const code = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return CEL_FEATURES.filter(f => f.sinceMinor > minor && f.pattern.test(code))
    .map(f => `uses ${f.name}, which Kubernetes CEL offers from 1.${f.sinceMinor} (target 1.${minor})`);
}
