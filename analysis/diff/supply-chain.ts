/**
 * Supply-chain items: per container, an image moved from a digest to a tag (opens) or back
 * (tightens), a new digest or a new image (neutral); per input set, registries newly used (opens)
 * or no longer used (tightens).
 */
import type { KubeObject } from '../../policy/kube-object';
import { imagesOf } from '../report/posture';
import { compareStrings } from '../report/read';
import { extractWorkloads } from '../report/workloads';
import { workloadIdentity, type WorkloadIdentity } from './identity';
import { DiffItem, listSome } from './model';

/** An image reference split into its parts. */
export interface ImageRef {
  /** The registry host; `docker.io` when the reference names none. */
  readonly registry: string;
  /** The repository path without registry, tag or digest. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference (`registry.example.com/a/b:tag@sha256:…`, `nginx`, `localhost:5000/x`). */
export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  let rest = at >= 0 ? image.slice(0, at) : image;
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  return {
    registry: hasRegistry ? first : 'docker.io',
    repository: hasRegistry ? rest.slice(slash + 1) : rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

interface ContainerImage {
  readonly namespace: string;
  readonly subject: string;
  readonly image: string;
  readonly ref: ImageRef;
}

function imagesByContainer(objects: readonly KubeObject[], identity: WorkloadIdentity): Map<string, ContainerImage> {
  const out = new Map<string, ContainerImage>();
  for (const w of extractWorkloads(objects)) {
    for (const i of imagesOf(w.podSpec)) {
      if (i.image === '') continue;
      const subject = `${w.namespace}/${w.kind}/${w.name} container ${i.container}`;
      out.set(`${identity(w)}/${i.container}`, { namespace: w.namespace, subject, image: i.image, ref: parseImageRef(i.image) });
    }
  }
  return out;
}

const shortDigest = (d: string): string => (d.length > 19 ? `${d.slice(0, 19)}…` : d);

/** The supply-chain items between two sets of objects. */
export function diffSupplyChain(before: readonly KubeObject[], after: readonly KubeObject[], identity?: WorkloadIdentity): DiffItem[] {
  const id = identity ?? workloadIdentity(extractWorkloads(before), extractWorkloads(after));
  const a = imagesByContainer(before, id);
  const b = imagesByContainer(after, id);
  const items: DiffItem[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
    const o = a.get(key);
    const n = b.get(key);
    const c = (n ?? o)!;
    const base = { category: 'supply-chain' as const, namespace: c.namespace, subject: c.subject };
    if (!o || !n) {
      // a container on one side only: compared with the baseline, a digest-pinned image
      if (c.ref.digest === undefined) {
        items.push({ ...base, effect: n ? 'opens' : 'tightens', change: n ? 'image-unpinned' : 'image-pinned', message: `${n ? 'new container' : 'container removed'} with an image by tag, not digest: ${c.image}` });
      }
      continue;
    }
    if (o.image === n.image) continue;
    const op = o.ref.digest !== undefined;
    const np = n.ref.digest !== undefined;
    const sameRepo = o.ref.registry === n.ref.registry && o.ref.repository === n.ref.repository;
    if (op && !np) {
      items.push({ ...base, effect: 'opens', change: 'image-unpinned', message: `image moved from a digest to a tag: ${o.image} → ${n.image}` });
    } else if (!op && np) {
      items.push({ ...base, effect: 'tightens', change: 'image-pinned', message: `image pinned by digest: ${o.image} → ${n.image}` });
    } else if (sameRepo && op && np && o.ref.digest !== n.ref.digest) {
      items.push({ ...base, effect: 'neutral', change: 'image-digest', message: `new digest of ${n.ref.registry}/${n.ref.repository}: ${shortDigest(o.ref.digest!)} → ${shortDigest(n.ref.digest!)}` });
    } else {
      items.push({ ...base, effect: 'neutral', change: 'image-changed', message: `image ${o.image} → ${n.image}` });
    }
  }
  const registries = (m: Map<string, ContainerImage>): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const c of m.values()) out.set(c.ref.registry, [...(out.get(c.ref.registry) ?? []), c.subject]);
    return out;
  };
  const ra = registries(a);
  const rb = registries(b);
  for (const r of [...new Set([...ra.keys(), ...rb.keys()])].sort(compareStrings)) {
    if (ra.has(r) === rb.has(r)) continue;
    const users = (rb.get(r) ?? ra.get(r))!;
    items.push({
      category: 'supply-chain',
      effect: rb.has(r) ? 'opens' : 'tightens',
      change: 'registry',
      subject: `registry ${r}`,
      message: rb.has(r) ? `images from a registry not used before: ${listSome(users, 3)}` : `registry no longer used (was: ${listSome(users, 3)})`,
    });
  }
  return items;
}
