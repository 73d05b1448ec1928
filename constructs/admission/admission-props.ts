import type { AllowedHostPath } from '../../policy/admission';
import { PodSecurityLevel } from '../pod-security';

/** The admission controllers the layer writes policies for. */
export enum AdmissionEngine {
  /** Kubernetes ValidatingAdmissionPolicy + Binding (in-process, no webhook). */
  VALIDATING_ADMISSION_POLICY = 'ValidatingAdmissionPolicy',
  /** OPA Gatekeeper ConstraintTemplate (K8sNativeValidation CEL) + Constraint. */
  GATEKEEPER = 'Gatekeeper',
}

/** What a policy does with an object that breaks its rule. */
export enum AdmissionAction {
  /** Reject the request (VAP `Deny`, Gatekeeper `deny`). */
  DENY = 'deny',
  /** Admit it with a warning to the client and an audit annotation (VAP `Warn` + `Audit`, Gatekeeper `warn`). The first step of a rollout. */
  WARN = 'warn',
  /** Admit it silently and record the violation (VAP `Audit`, Gatekeeper `dryrun`). */
  AUDIT = 'audit',
}

/** The namespaces every admission policy leaves alone by default: the control plane, the mesh and the policy controller itself. */
export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = ['kube-system', 'istio-system', 'gatekeeper-system'];

/** The label on every generated template, constraint, policy and binding: the id of the rule it enforces. */
export const ADMISSION_RULE_LABEL = 'cdk8s-hardened.io/rule';

/**
 * The label that says in which pass of a plain `kubectl apply` an admission object goes: `1` for
 * ConstraintTemplates and ValidatingAdmissionPolicies, `2` for Constraints and Bindings (a
 * Constraint needs the CRD that Gatekeeper creates from its template).
 */
export const ADMISSION_APPLY_PHASE_LABEL = 'cdk8s-hardened.io/apply-phase';

/** Props of the admission layer (`HardenedAppProps.admission`). */
export interface AdmissionProps {
  /**
   * The admission controllers to write policies for.
   * @default [AdmissionEngine.VALIDATING_ADMISSION_POLICY, AdmissionEngine.GATEKEEPER]
   */
  readonly engines?: readonly AdmissionEngine[];
  /**
   * What every policy does with a violation. Roll out with `WARN` (or `AUDIT`) first, read the
   * warnings and audit results, then switch to `DENY`.
   * @default AdmissionAction.DENY
   */
  readonly action?: AdmissionAction;
  /**
   * Per rule id (`runAsNonRoot`, `HARDENED-5`, `allowedRegistries`), an action other than {@link action}.
   * @default - every rule uses {@link action}
   */
  readonly ruleActions?: Readonly<Record<string, AdmissionAction>>;
  /**
   * The Pod Security Standards level whose checks are enforced at admission (one policy per check).
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * The Pod Security Standards version of those checks, `v1.N`.
   * No newer than the app's Kubernetes version; `latest` is judged as it. Namespaces that pin
   * another version are left to Pod Security Admission for these checks.
   * @default - the app's Kubernetes version (`v1.36` for 1.36)
   */
  readonly podSecurityVersion?: string;
  /**
   * Whether the rules of the `hardened` pack that one object decides are enforced too.
   * @default true
   */
  readonly hardenedRules?: boolean;
  /**
   * Namespaces no policy applies to.
   * @default DEFAULT_EXCLUDED_NAMESPACES (kube-system, istio-system, gatekeeper-system)
   */
  readonly excludedNamespaces?: readonly string[];
  /**
   * Host paths hostPath volumes may use (`allowedHostPaths`, the seed's `k8spsphostfilesystem`).
   * @default [] - no hostPath volume at all
   */
  readonly allowedHostPaths?: readonly AllowedHostPath[];
  /**
   * Capabilities a container may add (`allowedCapabilities`).
   * @default ["NET_BIND_SERVICE"]
   */
  readonly allowedCapabilities?: readonly string[];
  /**
   * Registries (or repository prefixes) every image must come from (`allowedRegistries`).
   * @default - no registry allow-list
   */
  readonly allowedRegistries?: readonly string[];
}
