/**
 * Where a finding's rule is documented. Pod Security checks: the Kubernetes page of the standard
 * (an absolute URL, also SARIF's `helpUri`). The rules of the `hardened` pack: their section of
 * `docs/rules.md`, which ships in the package (relative to the package root: the project has no
 * published documentation site, so no absolute URL is invented for it). Rules of other packs: none.
 */
import { FindingSource, HARDENED_PACK } from '../../../policy';

/** The Kubernetes documentation of the Pod Security Standards. */
export const PSS_DOCS_URL = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

const HARDENED_ANCHORS = new Map(HARDENED_PACK.rules.map(r => [r.id, `docs/rules.md#${githubAnchor(`${r.id} ${r.name}`)}`]));

/** The help link of a rule: an absolute URL, or a path inside the cdk8s-hardened package; `undefined` when none is known. */
export function helpLink(rule: string, source: FindingSource): string | undefined {
  if (source !== FindingSource.RULE) return PSS_DOCS_URL;
  return HARDENED_ANCHORS.get(rule);
}

/** Whether a help link is an absolute URL (SARIF's helpUri takes only those). */
export function isAbsoluteUrl(link: string): boolean {
  return /^https:\/\//.test(link);
}

/** GitHub's heading anchor: lowercase, punctuation other than `-` and `_` dropped, spaces to `-`. */
function githubAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}
