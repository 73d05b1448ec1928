/**
 * The AppArmor profile of every container of a pod. Enum-like. Written as the
 * `container.apparmor.security.beta.kubernetes.io/<container>` annotation for a Kubernetes 1.29 or
 * older target, and as `securityContext.appArmorProfile` from 1.30 on.
 */
export class AppArmorProfile {
  /** The container runtime's default profile. */
  public static readonly RUNTIME_DEFAULT = new AppArmorProfile('RuntimeDefault');
  /**
   * Say nothing and let the node decide: for nodes without AppArmor (SELinux distributions),
   * where the kubelet of 1.28 rejects pods that request an AppArmor profile.
   */
  public static readonly NODE_DEFAULT = new AppArmorProfile('NodeDefault');

  /** A profile loaded on the node under this name. */
  public static localhost(profileName: string): AppArmorProfile {
    return new AppArmorProfile('Localhost', profileName);
  }

  private constructor(
    /** `RuntimeDefault`, `Localhost` or `NodeDefault` (nothing written). `Unconfined` is deliberately not offered. */
    public readonly type: string,
    /** The name of a `Localhost` profile. @default - none */
    public readonly localhostProfile?: string,
  ) {}

  /** The annotation value (1.29 and older): `runtime/default` or `localhost/<name>`. */
  public toAnnotation(): string | undefined {
    if (this.type === 'RuntimeDefault') return 'runtime/default';
    if (this.type === 'Localhost') return `localhost/${this.localhostProfile}`;
    return undefined;
  }

  /** The `appArmorProfile` field (1.30 and later). */
  public toField(): Record<string, string> | undefined {
    if (this.type === 'NodeDefault') return undefined;
    return this.localhostProfile === undefined ? { type: this.type } : { type: this.type, localhostProfile: this.localhostProfile };
  }
}
