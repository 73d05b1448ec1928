import { IConstruct } from 'constructs';
import * as v from '../_validate';

/** Options of {@link GatewayTls.fromSecret}. */
export interface GatewayTlsSecretOptions {
  /**
   * The namespace of the Secret, when it is not the Gateway's. It must be a HardenedNamespace of
   * the same app: the gateway writes the ReferenceGrant there that lets the Gateway read it (the
   * Gateway API refuses a cross-namespace certificate without one).
   * @default - the Gateway's namespace
   */
  readonly namespace?: string;
}

/** Options of {@link GatewayTls.fromCertManager}. */
export interface GatewayTlsCertManagerOptions {
  /**
   * The Secret cert-manager writes the certificate into, in the Gateway's namespace.
   * @default - `<gateway name>-tls`
   */
  readonly secretName?: string;
  /**
   * Whether `issuer` is a namespaced Issuer rather than a ClusterIssuer.
   * @default false (a ClusterIssuer)
   */
  readonly namespacedIssuer?: boolean;
}

/** Where the HTTPS listeners of a HardenedGateway get their certificate: TLS is always on. */
export class GatewayTls {
  /** A certificate already in the Secret `secretName` (type kubernetes.io/tls). */
  public static fromSecret(secretName: string, options: GatewayTlsSecretOptions = {}): GatewayTls {
    return new GatewayTls(secretName, options.namespace, undefined, false);
  }

  /**
   * A certificate cert-manager issues with `issuer` (its Gateway API support, which reads the
   * listeners' hostnames: the gateway needs `hostnames`).
   */
  public static fromCertManager(issuer: string, options: GatewayTlsCertManagerOptions = {}): GatewayTls {
    return new GatewayTls(options.secretName, undefined, issuer, options.namespacedIssuer ?? false);
  }

  private constructor(
    /** The Secret that holds the certificate. @default - `<gateway name>-tls` */
    public readonly secretName: string | undefined,
    /** The Secret's namespace. @default - the Gateway's namespace */
    public readonly secretNamespace: string | undefined,
    /** The cert-manager issuer, if cert-manager issues the certificate. @default - none */
    public readonly issuer: string | undefined,
    /** Whether the issuer is a namespaced Issuer. */
    public readonly namespacedIssuer: boolean,
  ) {}

  /** The validated Secret, its namespace and the Gateway annotations. @internal */
  public _resolve(scope: IConstruct, field: string, defaultSecretName: string): { secretName: string; secretNamespace?: string; annotations: Record<string, string> } {
    const secretName = v.dnsSubdomain(scope, `${field}.secretName`, this.secretName ?? defaultSecretName);
    const secretNamespace = this.secretNamespace !== undefined ? v.dnsLabel(scope, `${field}.namespace`, this.secretNamespace) : undefined;
    if (this.issuer === undefined) return { secretName, ...(secretNamespace !== undefined ? { secretNamespace } : {}), annotations: {} };
    v.dnsSubdomain(scope, `${field}.issuer`, this.issuer);
    return { secretName, annotations: { [this.namespacedIssuer ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer']: this.issuer } };
  }
}
