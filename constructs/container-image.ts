/** Options of {@link ContainerImage.fromTag}. */
export interface ContainerImageFromTagOptions {
  /** Why a mutable tag is acceptable here; shown to reviewers in the output. */
  readonly reason: string;
}

/**
 * A container image reference. Pinned by digest by default; a mutable tag only with a reason,
 * which is written into the workload's annotations for reviewers.
 */
export class ContainerImage {
  /** An image pinned by digest: `registry/name@sha256:<64 hex>` (a tag before `@` is allowed and ignored by the runtime). */
  public static fromDigest(reference: string): ContainerImage {
    return new ContainerImage(reference, true);
  }

  /** An image by mutable tag, e.g. `registry/name:1.2.3`, accepted explicitly with a reason. `latest` is refused. */
  public static fromTag(reference: string, options: ContainerImageFromTagOptions): ContainerImage {
    return new ContainerImage(reference, false, options.reason);
  }

  private constructor(
    /** The image reference as written in the pod spec. */
    public readonly reference: string,
    /** True when the reference is pinned by digest. */
    public readonly pinned: boolean,
    /** Why an unpinned tag is accepted. @default - pinned, no reason needed */
    public readonly tagReason?: string,
  ) {}
}
