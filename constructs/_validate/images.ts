import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Container image references (distribution/reference grammar).

const DIGEST_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const TAG_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}$/;

/** A container image reference pinned by digest: `registry/name@sha256:<64 hex>`. */
export function digestImage(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !DIGEST_IMAGE.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not an image reference pinned by digest',
      'pin the image as "registry/name@sha256:<64 lowercase hex digits>" (e.g. from `crane digest`), or use ContainerImage.fromTag(ref, { reason }) to accept a mutable tag explicitly');
  }
  return value;
}

/** A container image reference with an explicit tag (no digest). */
export function taggedImage(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !TAG_IMAGE.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not an image reference with an explicit tag',
      'write "registry/name:tag"; an untagged reference silently means ":latest"');
  }
  if (value.endsWith(':latest')) {
    throw new HardenedInputError(scope, field, value, 'uses the tag "latest", which changes under you',
      'pin a digest with ContainerImage.fromDigest, or at least a versioned tag');
  }
  return value;
}
