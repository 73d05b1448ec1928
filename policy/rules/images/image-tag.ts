import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';
import { CEL_DIGEST_RE, CEL_HAS_TAG_RE, CEL_LATEST_TAG_RE, parseImage } from './_image-reference';

/**
 * HARDENED-2: no image runs by the tag `latest` or without any tag (which means `latest`),
 * unless it is pinned by digest (then the runtime ignores the tag).
 *
 * Implements, in part: CIS Kubernetes Benchmark 5.5.1 "Configure Image Provenance using
 * ImagePolicyWebhook admission controller"; NSA/CISA "Kubernetes Pod security / Building secure
 * container images".
 */
export const imageTag: Rule = {
  id: 'HARDENED-2',
  severity: 'error',
  name: 'no-latest-tag',
  summary: 'No image uses the tag "latest" or no tag at all, unless pinned by digest.',
  explanation: '"latest" (which an untagged reference means) changes with every push: two replicas of one Deployment can run different code, a rollback does not roll back, and nobody can tell from the manifest what is running.',
  fix: 'pin the image by digest (`registry/name@sha256:<digest>`), or at least by a versioned tag (`registry/name:1.4.2`)',
  appliesTo: 'pod-bearing objects',
  references: [
    cis('5.5.1', 'Configure Image Provenance using ImagePolicyWebhook admission controller', true),
    nsa('Kubernetes Pod security / Building secure container images', true),
  ],
  admission: {
    cel: `variables.containers.all(c, !has(c.image) || c.image == '' || c.image.matches('${CEL_DIGEST_RE}')`
      + ` || (c.image.matches('${CEL_HAS_TAG_RE}') && !c.image.matches('${CEL_LATEST_TAG_RE}')))`,
  },
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const violations: RuleViolation[] = [];
    for (const c of containersOf(pod, ['initContainers', 'containers', 'ephemeralContainers'])) {
      const image = c.container.image;
      if (typeof image !== 'string' || image === '') continue; // HARDENED-1 reports a missing image
      const ref = parseImage(image);
      if (ref.digest) continue;
      if (ref.tag === undefined) {
        violations.push({ message: `${label(c)} image ${JSON.stringify(image)} has no tag, so it runs whatever "latest" is at pull time`, path: `${c.path}.image` });
      } else if (ref.tag === 'latest') {
        violations.push({ message: `${label(c)} image ${JSON.stringify(image)} uses the tag "latest"`, path: `${c.path}.image` });
      }
    }
    return judge(violations);
  },
};
