import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { rbacRuleProblems, reasonProblem } from '../policy';
import * as v from './_validate';
import { IPeer, Peer, Port } from './connectivity';
import { HardenedInputError } from './errors';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';

/**
 * Where the workloads that call the Kubernetes API reach the API server: its endpoint addresses
 * (what `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes` lists;
 * NetworkPolicies judge the endpoint after the Service's address is translated) and port.
 * Declared once per cluster and passed to every `grantApi`.
 */
export class KubernetesApiServer {
  /**
   * The API server at `addresses` (CIDRs, e.g. the control-plane nodes' `/32`s) on `port`.
   * @param port the endpoint port: 6443 on kubeadm, kind and k3s clusters, 443 on most managed
   * ones (the Service's 443 is translated to it before NetworkPolicies judge the packet)
   */
  public static at(addresses: readonly string[], port: number): KubernetesApiServer {
    return new KubernetesApiServer([...addresses], port);
  }

  private constructor(
    /** The endpoint CIDRs. */
    public readonly addresses: readonly string[],
    /** The endpoint port. */
    public readonly port: number,
  ) {}

  /** The peers a granted workload's egress opens to. @internal */
  public _peers(): IPeer[] {
    return this.addresses.map(a => Peer.ipBlock(a));
  }
}

/** One rule of the workload's Role: what it may do, on what. */
export interface ApiGrant {
  /**
   * The API groups, `""` for the core group (configmaps, secrets, pods); no wildcards.
   */
  readonly apiGroups: readonly string[];
  /** The resources (`configmaps`, `leases`, `pods/log`); no wildcards, no exec, attach, portforward, nodes/proxy or token minting. */
  readonly resources: readonly string[];
  /** The verbs (get, list, watch, create, update, patch, delete, deletecollection); no wildcards, no escalate, bind or impersonate. */
  readonly verbs: readonly string[];
  /**
   * Only these objects. Not with `create` or `deletecollection`, which RBAC cannot restrict by name.
   * @default - every object of the resources in the namespace
   */
  readonly resourceNames?: readonly string[];
}

/** Options of `HardenedWorkload.grantApi`. */
export interface GrantApiOptions {
  /** Where the API server is: the workload's NetworkPolicy egress opens to it, and to nothing else of the control plane. */
  readonly server: KubernetesApiServer;
  /** The rules of the workload's Role, each checked for least privilege (HARDENED-17) when given. */
  readonly rules: readonly ApiGrant[];
  /**
   * Grant cluster-wide (a ClusterRole and ClusterRoleBinding) instead of in the workload's
   * namespace, for a reviewer: why the namespace is not enough.
   * @default - namespaced: a Role and RoleBinding
   */
  readonly clusterScope?: { readonly reason: string };
  /**
   * Lifetime of the projected API token, in seconds; the kubelet rotates it before it expires.
   * @default 3600 (RESTRICTED_DEFAULTS.serviceAccountTokenExpirationSeconds)
   */
  readonly tokenExpirationSeconds?: number;
}

/** The workload a grant is for (what `ApiAccess` needs of it). */
export interface ApiAccessSubject {
  /** The workload's name, also its ServiceAccount's. */
  readonly name: string;
  /** Its namespace. */
  readonly namespaceName: string;
  /** The labels of its objects. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Where the projected API token is mounted: where client libraries look for the in-cluster credential. */
export const API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A workload's access to the Kubernetes API: a Role (or, with a reason, a ClusterRole) with the
 * granted rules, bound to the workload's own ServiceAccount only. The workload mounts a projected
 * token for the API server (audience: the API server; expiry `tokenExpirationSeconds`) with the
 * cluster CA and its namespace, where client libraries find them; automountServiceAccountToken
 * stays false. Further grants add rules to the same Role.
 */
export class ApiAccess extends Construct {
  /** The Role or ClusterRole. */
  public readonly role: ApiObject;
  /** The RoleBinding or ClusterRoleBinding to the workload's ServiceAccount. */
  public readonly binding: ApiObject;
  /** Whether the grant is cluster-wide. */
  public readonly clusterScoped: boolean;
  /** The token's lifetime, in seconds. */
  public readonly tokenExpirationSeconds: number;
  /** Where the workload reaches the API server. */
  public readonly server: KubernetesApiServer;
  private readonly rules: Record<string, unknown>[] = [];

  /** @internal use `HardenedWorkload.grantApi`, which also mounts the token and opens the egress */
  constructor(scope: Construct, id: string, subject: ApiAccessSubject, options: GrantApiOptions) {
    super(scope, id);
    this.clusterScoped = options.clusterScope !== undefined;
    if (options.clusterScope !== undefined) {
      const problem = reasonProblem(options.clusterScope.reason);
      if (problem) {
        throw new HardenedInputError(this, 'grantApi.clusterScope.reason', options.clusterScope.reason, problem,
          'say why the workload\'s namespace is not enough (a reviewer reads it), or leave clusterScope out');
      }
    }
    const server = options.server;
    this.server = server;
    if (!(server instanceof KubernetesApiServer) || server.addresses.length === 0) {
      throw new HardenedInputError(this, 'grantApi.server', server?.addresses, 'names no API server address', 'pass KubernetesApiServer.at(["<control-plane address>/32"], 6443)');
    }
    server.addresses.forEach((a, i) => {
      v.cidr(this, `grantApi.server.addresses[${i}]`, a);
      const prefix = Number(String(a).split('/')[1]);
      if (String(a).includes(':') ? prefix < 48 : prefix < 16) {
        throw new HardenedInputError(this, `grantApi.server.addresses[${i}]`, a, 'is wider than a control plane, so the workload\'s egress would open that port to much of the network',
          'list the API server endpoints (e.g. the control-plane nodes\' /32s)');
      }
    });
    v.integer(this, 'grantApi.server.port', server.port, 1, 65535, 'use the API server endpoint port, e.g. 6443 or 443');
    this.tokenExpirationSeconds = v.integer(this, 'grantApi.tokenExpirationSeconds', options.tokenExpirationSeconds ?? RESTRICTED_DEFAULTS.serviceAccountTokenExpirationSeconds,
      600, 2 ** 32 - 1, 'use at least 600 seconds (the API server minimum)');
    const name = `${subject.name}-api`;
    const metadata = (namespaced: boolean) => ({
      name: this.clusterScoped ? `${subject.namespaceName}-${name}` : name,
      ...(namespaced ? { namespace: subject.namespaceName } : {}),
      labels: subject.labels,
      ...(this.clusterScoped ? { annotations: { 'cdk8s-hardened.io/cluster-scope-reason': options.clusterScope!.reason } } : {}),
    });
    const roleKind = this.clusterScoped ? 'ClusterRole' : 'Role';
    this.role = new ApiObject(this, 'Role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: roleKind, metadata: metadata(!this.clusterScoped), rules: this.rules });
    this.binding = new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: this.clusterScoped ? 'ClusterRoleBinding' : 'RoleBinding', metadata: metadata(!this.clusterScoped),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: metadata(false).name },
      subjects: [{ kind: 'ServiceAccount', name: subject.name, namespace: subject.namespaceName }],
    });
    this.add(options.rules);
  }

  /** A further `grantApi` of the workload: adds its rules; server, scope and token stay those of the first. */
  public extend(options: GrantApiOptions): this {
    if (options.server !== this.server) {
      throw new HardenedInputError(this, 'grantApi.server', options.server?.addresses, 'differs from the server of the first grantApi', 'pass the same KubernetesApiServer to every grantApi of the workload');
    }
    if (options.clusterScope !== undefined || options.tokenExpirationSeconds !== undefined) {
      throw new HardenedInputError(this, 'grantApi', Object.keys(options), 'sets clusterScope or tokenExpirationSeconds on a further grant', 'set them on the first grantApi; further grants add rules only');
    }
    this.add(options.rules);
    return this;
  }

  /** Adds rules, each checked for least privilege. */
  public add(rules: readonly ApiGrant[]): void {
    if (!Array.isArray(rules) || rules.length === 0) {
      throw new HardenedInputError(this, 'grantApi.rules', rules, 'is empty', 'list what the workload may do, e.g. [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["flags"] }]');
    }
    rules.forEach((rule, i) => {
      const at = `grantApi.rules[${this.rules.length + i}]`;
      for (const group of rule.apiGroups ?? []) {
        if (group !== '' && group !== '*' && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(group)) {
          throw new HardenedInputError(this, `${at}.apiGroups`, group, 'is not an API group', 'use e.g. "" (core), "apps" or "coordination.k8s.io"');
        }
      }
      const problem = rbacRuleProblems(rule)[0];
      if (problem) throw new HardenedInputError(this, `${at}.${problem.field}`, problem.value, problem.problem, problem.fix);
    });
    for (const rule of rules) {
      this.rules.push({
        apiGroups: [...rule.apiGroups], resources: [...rule.resources], verbs: [...rule.verbs],
        ...(rule.resourceNames !== undefined && rule.resourceNames.length > 0 ? { resourceNames: [...rule.resourceNames] } : {}),
      });
    }
  }

  /** The pod volume of the API token, the cluster CA and the namespace (as the kubelet's automount writes them). @internal */
  public _tokenVolume(): Record<string, unknown> {
    return {
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { expirationSeconds: this.tokenExpirationSeconds, path: 'token' } },
          { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
        ],
      },
    };
  }
}

/** The ports of the API server, as `allowTo` takes them. @internal */
export function apiServerPorts(server: KubernetesApiServer): Port[] {
  return [Port.tcp(server.port)];
}
