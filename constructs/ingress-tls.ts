import { IConstruct } from 'constructs';
import * as v from './_validate';

/** Options of {@link IngressTls.fromCertManager}. */
export interface IngressTlsCertManagerOptions {
  /**
   * The Secret cert-manager writes the certificate into.
   * @default - `<workload name>-tls`
   */
  readonly secretName?: string;
  /**
   * Whether `issuer` is a namespaced Issuer rather than a ClusterIssuer.
   * @default false (a ClusterIssuer)
   */
  readonly namespacedIssuer?: boolean;
}

/** Where an Ingress gets its TLS certificate: TLS is always on. */
export class IngressTls {
  /** A certificate already in the Secret `secretName` (type kubernetes.io/tls) of the workload's namespace. */
  public static fromSecret(secretName: string): IngressTls {
    return new IngressTls(secretName, undefined, false);
  }

  /** A certificate that cert-manager issues with `issuer` and keeps in a Secret. */
  public static fromCertManager(issuer: string, options: IngressTlsCertManagerOptions = {}): IngressTls {
    return new IngressTls(options.secretName, issuer, options.namespacedIssuer ?? false);
  }

  private constructor(
    /** The Secret that holds the certificate. @default - `<workload name>-tls` */
    public readonly secretName: string | undefined,
    /** The cert-manager issuer, if cert-manager issues the certificate. */
    public readonly issuer: string | undefined,
    /** Whether the issuer is a namespaced Issuer. */
    public readonly namespacedIssuer: boolean,
  ) {}

  /** The Ingress annotations and the validated Secret name. @internal */
  public _resolve(scope: IConstruct, field: string, defaultSecretName: string): { secretName: string; annotations: Record<string, string> } {
    const secretName = v.dnsSubdomain(scope, `${field}.secretName`, this.secretName ?? defaultSecretName);
    if (this.issuer === undefined) return { secretName, annotations: {} };
    v.dnsSubdomain(scope, `${field}.issuer`, this.issuer);
    return { secretName, annotations: { [this.namespacedIssuer ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer']: this.issuer } };
  }
}
