/** The seccomp profile of a pod and its containers. Enum-like. */
export class SeccompProfile {
  /** The container runtime's default profile. */
  public static readonly RUNTIME_DEFAULT = new SeccompProfile('RuntimeDefault');

  /** A profile file on the node, relative to the kubelet's seccomp directory, e.g. `profiles/api.json`. */
  public static localhost(localhostProfile: string): SeccompProfile {
    return new SeccompProfile('Localhost', localhostProfile);
  }

  private constructor(
    /** `RuntimeDefault` or `Localhost`. `Unconfined` is deliberately not offered. */
    public readonly type: string,
    /** The profile path of a `Localhost` profile. @default - none */
    public readonly localhostProfile?: string,
  ) {}

  /** The `seccompProfile` object of a security context. */
  public toJson(): Record<string, string> {
    return this.localhostProfile === undefined ? { type: this.type } : { type: this.type, localhostProfile: this.localhostProfile };
  }
}
