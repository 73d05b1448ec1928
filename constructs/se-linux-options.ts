/** SELinux types that Pod Security Standards baseline and restricted allow. */
export enum SeLinuxType {
  /** The default type of container processes. */
  CONTAINER_T = 'container_t',
  /** The type of init containers. */
  CONTAINER_INIT_T = 'container_init_t',
  /** The type of KVM-based sandboxes (Kata). */
  CONTAINER_KVM_T = 'container_kvm_t',
  /** Containers that run a container engine; allowed by Pod Security Standards from v1.31 only. */
  CONTAINER_ENGINE_T = 'container_engine_t',
}

/**
 * SELinux options for a pod. `user` and `role` are not offered: Pod Security Standards forbid
 * setting them.
 */
export interface SeLinuxOptions {
  /**
   * The SELinux type.
   * @default - the runtime's default (container_t)
   */
  readonly type?: SeLinuxType;
  /**
   * The MCS level, e.g. `s0:c123,c456`.
   * @default - the runtime assigns a unique level
   */
  readonly level?: string;
}
