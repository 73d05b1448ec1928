import { UNPINNED_IMAGES_ANNOTATION as CONSTRUCT_ANNOTATION } from '../../../constructs';
import { HARDENED_PACK, UNPINNED_IMAGES_ANNOTATION } from '../../../policy/rules';
import { imageDigest } from '../../../policy/rules/images/image-digest';
import { imageTag } from '../../../policy/rules/images/image-tag';
import { DIGEST, evaluate, goodDeployment, variant, violations } from './_fixtures';

describe('HARDENED-1 image-digest', () => {
  test('compliant: every image pinned by sha256 digest (a tag before the digest is fine)', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.initContainers = [{ name: 'init', image: `registry.example.com/init:1.2@${DIGEST}` }];
    });
    expect(evaluate(imageDigest, o)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: a tag, or a malformed digest, in any container list', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.containers[0].image = 'registry.example.com/team/app:1.4.2';
      d.spec.template.spec.initContainers = [{ name: 'init', image: 'registry.example.com/init@sha256:abc' }];
    });
    expect(violations(evaluate(imageDigest, o))).toEqual([
      { message: 'init container "init" image "registry.example.com/init@sha256:abc" is not pinned by digest', path: 'spec.template.spec.initContainers[0].image' },
      { message: 'container "app" image "registry.example.com/team/app:1.4.2" is not pinned by digest', path: 'spec.template.spec.containers[0].image' },
    ]);
  });

  test('an image accepted by tag with a reason through the construct API (annotation) passes', () => {
    expect(UNPINNED_IMAGES_ANNOTATION).toBe(CONSTRUCT_ANNOTATION);
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.containers[0].image = 'registry.example.com/team/app:1.4.2';
      d.spec.template.spec.containers.push({ ...d.spec.template.spec.containers[0], name: 'other' });
      d.spec.template.metadata.annotations = { [UNPINNED_IMAGES_ANNOTATION]: 'app: vendor publishes no digests for this image' };
    });
    expect(violations(evaluate(imageDigest, o)).map(v => v.path)).toEqual(['spec.template.spec.containers[1].image']);
  });

  test('not applicable to objects without a pod', () => {
    expect(evaluate(imageDigest, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual({ status: 'not-applicable' });
  });
});

describe('HARDENED-2 no-latest-tag', () => {
  test('compliant: a versioned tag, or a digest whatever the tag', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.containers[0].image = 'registry.example.com:5000/team/app:1.4.2';
      d.spec.template.spec.initContainers = [{ name: 'init', image: `busybox:latest@${DIGEST}` }];
    });
    expect(evaluate(imageTag, o)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: latest, and no tag (a registry port is not a tag)', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.containers[0].image = 'nginx:latest';
      d.spec.template.spec.initContainers = [{ name: 'init', image: 'registry.example.com:5000/init' }];
    });
    expect(violations(evaluate(imageTag, o))).toEqual([
      { message: 'init container "init" image "registry.example.com:5000/init" has no tag, so it runs whatever "latest" is at pull time', path: 'spec.template.spec.initContainers[0].image' },
      { message: 'container "app" image "nginx:latest" uses the tag "latest"', path: 'spec.template.spec.containers[0].image' },
    ]);
  });

  test('both image rules are in the pack', () => {
    expect(HARDENED_PACK.rules.slice(0, 2)).toEqual([imageDigest, imageTag]);
  });
});
