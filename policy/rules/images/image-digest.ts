import type { KubeObject } from '../../kube-object';
import { cis, nsa } from '../_references';
import { asRecord, containersOf, label, podOf } from '../_pod';
import { judge, NOT_APPLICABLE, type Rule, type RuleViolation } from '../types';
import { CEL_DIGEST_RE, parseImage } from './_image-reference';

/** The pod annotation in which `ContainerImage.fromTag` records the images accepted by tag, with reasons (`name: reason; ...`). */
export const UNPINNED_IMAGES_ANNOTATION = 'cdk8s-hardened.io/unpinned-images';

function acceptedByTag(annotation: unknown, name: string): boolean {
  if (typeof annotation !== 'string') return false;
  return annotation === `${name}:` || annotation.startsWith(`${name}: `) || annotation.includes(`; ${name}: `);
}

/**
 * HARDENED-1: every image (containers, init and ephemeral containers) is pinned by digest
 * (`@sha256:<64 hex>` or `@sha512:<128 hex>`).
 *
 * A container that the pod's `cdk8s-hardened.io/unpinned-images` annotation lists (written by
 * `ContainerImage.fromTag(ref, { reason })`, the construct API for accepting a tag with a reason)
 * is accepted: the acceptance and its reason are already in the output for reviewers.
 *
 * Implements, in part: CIS Kubernetes Benchmark 5.5.1 "Configure Image Provenance using
 * ImagePolicyWebhook admission controller" (the manifest side: what runs is exactly what was
 * reviewed and scanned); NSA/CISA "Kubernetes Pod security / Building secure container images".
 */
export const imageDigest: Rule = {
  id: 'HARDENED-1',
  severity: 'error',
  name: 'image-digest',
  summary: 'Every container image is pinned by digest.',
  explanation: 'A tag is a mutable pointer: whoever can push to the registry (or sits in the path to it) decides what runs, and a rollback or a new node can silently pull different code than the one that was reviewed and scanned. A digest names exactly one image.',
  fix: 'reference the image as `registry/name@sha256:<digest>` (e.g. from `crane digest`, kept current by Renovate), or accept a tag explicitly with `ContainerImage.fromTag(ref, { reason })`',
  appliesTo: 'pod-bearing objects (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate)',
  references: [
    cis('5.5.1', 'Configure Image Provenance using ImagePolicyWebhook admission controller', true),
    nsa('Kubernetes Pod security / Building secure container images', true),
  ],
  admission: {
    cel: `variables.containers.all(c, has(c.image) && c.image != '' && c.image.matches('${CEL_DIGEST_RE}'))`,
    differences: `the ${UNPINNED_IMAGES_ANNOTATION} annotation is not honoured at admission, since anyone creating an object could write it; an image accepted by tag becomes an exemption of that object by namespace and name, like a PolicyException`,
  },
  evaluate(object: KubeObject) {
    const pod = podOf(object);
    if (!pod) return NOT_APPLICABLE;
    const accepted = asRecord(pod.metadata?.annotations)?.[UNPINNED_IMAGES_ANNOTATION];
    const violations: RuleViolation[] = [];
    for (const c of containersOf(pod, ['initContainers', 'containers', 'ephemeralContainers'])) {
      const image = c.container.image;
      if (typeof image !== 'string' || image === '') {
        violations.push({ message: `${label(c)} has no image`, path: `${c.path}.image` });
      } else if (!parseImage(image).digest && !acceptedByTag(accepted, c.name)) {
        violations.push({ message: `${label(c)} image ${JSON.stringify(image)} is not pinned by digest`, path: `${c.path}.image` });
      }
    }
    return judge(violations);
  },
};
