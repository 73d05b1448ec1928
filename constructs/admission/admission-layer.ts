import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  allowedCapabilitiesRule, allowedHostPathsRule, allowedRegistriesRule, celLibraryProblems, gatekeeperVariables, podSecurityAdmissionRules,
  AdmissionRuleSource, ruleAdmissionRules, ruleParameters, validatingPolicyVariables, type AdmissionExemption, type AdmissionRule, type ParameterSchema,
} from '../../policy/admission';
import { effectivePssVersion, POD_BEARING_KINDS, podTemplateOf, type KubeObject } from '../../policy';
import type { AppModel, IModelLayer } from '../app-model';
import { HardenedInputError } from '../errors';
import { KUBERNETES_FEATURES } from '../kubernetes-version';
import { ConstraintTemplate } from '../imports/templates.gatekeeper.sh';
import { atLeastAsStrict, PodSecurityLevel, podSecurityVersionFor } from '../pod-security';
import {
  ADMISSION_APPLY_PHASE_LABEL, ADMISSION_RULE_LABEL, AdmissionAction, AdmissionEngine, type AdmissionProps,
} from './admission-props';
import { admissionParameters, type AdmissionParameters } from './admission-parameters';

/** The Argo CD sync waves: templates and policies before the constraints and bindings that need them. */
const SYNC_WAVE = { first: '-20', second: '-10' } as const;
/** Argo CD: a Constraint's CRD does not exist before Gatekeeper reads its template; skip the dry run for it. */
const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

/** `runAsNonRoot` -> `run-as-non-root`, `capabilities_restricted` -> `capabilities-restricted`, `HARDENED-1` -> `hardened-1`. */
export function admissionObjectName(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
}

/** The Gatekeeper constraint kind of a rule: `HardenedRunAsNonRoot`, `HardenedRule1`, `HardenedAllowedHostPaths`. */
export function constraintKind(id: string): string {
  const m = /^HARDENED-(\d+)$/.exec(id);
  if (m) return `HardenedRule${m[1]}`;
  return `Hardened${id.split(/[-_]/).map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('')}`;
}

const VAP_ACTIONS: Record<AdmissionAction, string[]> = {
  [AdmissionAction.DENY]: ['Deny'],
  [AdmissionAction.WARN]: ['Warn', 'Audit'],
  [AdmissionAction.AUDIT]: ['Audit'],
};
const GATEKEEPER_ACTIONS: Record<AdmissionAction, string> = {
  [AdmissionAction.DENY]: 'deny',
  [AdmissionAction.WARN]: 'warn',
  [AdmissionAction.AUDIT]: 'dryrun',
};

function byGroup(): { group: string; kinds: string[]; resources: string[]; version: string }[] {
  const groups = new Map<string, { group: string; kinds: string[]; resources: string[]; version: string }>();
  for (const k of POD_BEARING_KINDS) {
    const g = groups.get(k.group) ?? { group: k.group, kinds: [], resources: [], version: k.version };
    groups.set(k.group, g);
    g.kinds.push(k.kind);
    g.resources.push(k.resource);
    if (k.kind === 'Pod') g.resources.push('pods/ephemeralcontainers');
  }
  return [...groups.values()];
}

/**
 * The admission layer: from the rules' admission forms, one ValidatingAdmissionPolicy and its
 * Binding, and one Gatekeeper ConstraintTemplate and its Constraint, per rule; all in one
 * cluster-scoped chart (`admission`), each labelled `cdk8s-hardened.io/rule: <id>`. Objects
 * excepted in code (`PolicyException`) are exempt from the matching rule by namespace, kind and
 * name (and the objects their controllers create for them).
 */
export class AdmissionLayer implements IModelLayer {
  public readonly name = 'admission';
  /** The rules the layer enforces, after {@link prepare}. */
  public rules: readonly AdmissionRule[] = [];
  private readonly scope: IConstruct;
  private readonly props: AdmissionProps;

  /** Per rule: the namespaces it leaves out and the objects it exempts, for {@link selfCheck}. */
  private readonly scopeOf = new Map<string, { readonly out: readonly string[]; readonly exempt: readonly AdmissionExemption[] }>();
  private readonly parameters: AdmissionParameters;

  constructor(scope: IConstruct, props: AdmissionProps = {}) {
    this.scope = scope;
    this.props = props;
    this.parameters = admissionParameters(scope, props);
  }

  /** The registry allow-list (`allowedRegistries`), validated; undefined when there is none. */
  public get allowedRegistries(): readonly string[] | undefined {
    return this.parameters.allowedRegistries;
  }

  /**
   * What the app's own policies would deny of the app's own pod-bearing objects (final JSON): the
   * cluster would then refuse the blueprint itself (a registry list without the blueprint's
   * registry, a host path or capability it uses but does not allow). One error per object and rule.
   */
  public selfCheck(objects: readonly { readonly object: KubeObject; readonly path: string }[]): string[] {
    const errors: string[] = [];
    for (const { object, path } of objects) {
      const namespace = object.metadata?.namespace;
      if (podTemplateOf(object) === undefined || typeof namespace !== 'string') continue;
      // the parameterized rules only: the policy pass already judged Pod Security and the hardened rules on these objects
      for (const rule of this.rules.filter(r => r.source === AdmissionRuleSource.PARAMETERIZED)) {
        const scope = this.scopeOf.get(rule.id);
        if (!scope || scope.out.includes(namespace) || scope.exempt.some(e => e.namespace === namespace && e.kind === object.kind && e.name === object.metadata?.name)) continue;
        if (!rule.admits(object)) {
          errors.push(`[${path}] admission.${rule.id}: ${object.kind} ${namespace}/${object.metadata?.name} would be denied by the app's own admission policy (${rule.description}). Fix: correct the admission parameters (admission.allowedRegistries, allowedHostPaths, allowedCapabilities) or the workload.`);
        }
      }
    }
    return errors;
  }

  public prepare(model: AppModel): void {
    const minor = model.kubernetesMinor;
    // every target (KUBERNETES_RELEASES, 1.28 and later) has ValidatingAdmissionPolicy: v1beta1 to 1.29, v1 from 1.30
    const p = this.props;
    const params = this.parameters;
    const level = params.level;
    // the version the target's Pod Security Admission judges `latest` and newer pins at
    const version = effectivePssVersion(podSecurityVersionFor(this.scope, 'admission.podSecurityVersion', p.podSecurityVersion, minor), minor);
    const rules: AdmissionRule[] = [
      ...podSecurityAdmissionRules(level === PodSecurityLevel.BASELINE ? 'baseline' : 'restricted', version),
      ...(p.hardenedRules === false ? [] : ruleAdmissionRules()),
      allowedHostPathsRule(params.allowedHostPaths),
      allowedCapabilitiesRule(params.allowedCapabilities),
      ...(params.allowedRegistries ? [allowedRegistriesRule(params.allowedRegistries)] : []),
    ];
    for (const r of rules) {
      for (const v of r.validations) {
        const problems = celLibraryProblems(v.expression, minor);
        if (problems.length > 0) throw new Error(`admission rule ${r.id}: ${problems.join('; ')}`);
      }
    }
    for (const id of Object.keys(p.ruleActions ?? {})) {
      if (!rules.some(r => r.id === id)) {
        throw new HardenedInputError(this.scope, `admission.ruleActions.${id}`, p.ruleActions![id], 'names no rule the layer enforces', `use one of ${rules.map(r => r.id).join(', ')}`);
      }
    }
    this.rules = rules;
    const exemptions = exemptionsByRule(model);
    // workloads that accept an image by tag (ContainerImage.fromTag, with a reason): exempt from
    // HARDENED-1 by namespace, kind and name, like a PolicyException; known when they were built
    exemptions.set(IMAGE_DIGEST_RULE, mergeExemptions(exemptions.get(IMAGE_DIGEST_RULE) ?? [], acceptedTagExemptions(model)));
    const chart = new Chart(this.scope, 'admission');
    const engines = params.engines;
    const excluded = [...params.excludedNamespaces];
    // namespaces of the blueprint that enforce a lower Pod Security level (with a reason): Pod
    // Security Admission holds them to their own level through their labels
    // and those that pin another Pod Security version: it holds them to the checks of that version
    const lowered = model.namespaces.filter(ns => !excluded.includes(ns.name)
      && (!atLeastAsStrict(ns.enforced.level, level) || effectivePssVersion(ns.enforced.version, minor) !== version)).map(ns => ns.name);
    for (const rule of rules) {
      const action = p.ruleActions?.[rule.id] ?? p.action ?? AdmissionAction.DENY;
      const exempt = exemptions.get(rule.id) ?? [];
      const out = rule.source === AdmissionRuleSource.POD_SECURITY ? [...excluded, ...lowered] : excluded;
      this.scopeOf.set(rule.id, { out, exempt });
      if (engines.includes(AdmissionEngine.VALIDATING_ADMISSION_POLICY)) writeValidatingPolicy(chart, rule, exempt, action, out, minor);
      if (engines.includes(AdmissionEngine.GATEKEEPER)) writeGatekeeper(chart, rule, exempt, action, out);
    }
  }
}

/** The rule that images accepted by tag (`ContainerImage.fromTag`) are exempt from. */
const IMAGE_DIGEST_RULE = 'HARDENED-1';

/** The workloads of the app that accept an image by tag, as exemptions (namespace, kind, name). */
function acceptedTagExemptions(model: AppModel): AdmissionExemption[] {
  return model.workloads.filter(w => w.acceptsTaggedImages).map(w => ({
    namespace: w.namespaceName, kind: w.podTemplateObject.kind, name: w.podTemplateObject.name,
  }));
}

function sortExemptions(list: AdmissionExemption[]): AdmissionExemption[] {
  return list.sort((a, b) => `${a.namespace}/${a.kind}/${a.name}`.localeCompare(`${b.namespace}/${b.kind}/${b.name}`));
}

/** Every object a PolicyException covers, by the rule it excepts: pod-bearing objects only, by namespace, kind and name. */
function exemptionsByRule(model: AppModel): Map<string, AdmissionExemption[]> {
  const out = new Map<string, AdmissionExemption[]>();
  const podKinds = new Set(POD_BEARING_KINDS.map(k => `${k.group}/${k.kind}`));
  for (const exception of model.exceptions) {
    for (const c of exception.scope.node.findAll()) {
      if (!ApiObject.isApiObject(c) || !podKinds.has(`${c.apiGroup}/${c.kind}`)) continue;
      const namespace = c.metadata.namespace;
      if (namespace === undefined) continue;
      const list = out.get(exception.id) ?? [];
      if (!list.some(e => e.namespace === namespace && e.kind === c.kind && e.name === c.name)) list.push({ namespace, kind: c.kind, name: c.name });
      out.set(exception.id, list);
    }
  }
  for (const list of out.values()) sortExemptions(list);
  return out;
}

function labels(rule: AdmissionRule, phase: 1 | 2): Record<string, string> {
  return { [ADMISSION_RULE_LABEL]: rule.id, [ADMISSION_APPLY_PHASE_LABEL]: String(phase) };
}

function annotations(phase: 1 | 2, needsCrd = false): Record<string, string> {
  return {
    'argocd.argoproj.io/sync-wave': phase === 1 ? SYNC_WAVE.first : SYNC_WAVE.second,
    ...(needsCrd ? { 'argocd.argoproj.io/sync-options': SKIP_DRY_RUN } : {}),
  };
}

/** The exemptions of both lists, each once, sorted. */
function mergeExemptions(a: readonly AdmissionExemption[], b: readonly AdmissionExemption[]): AdmissionExemption[] {
  const all = [...a];
  for (const e of b) {
    if (!all.some(x => x.namespace === e.namespace && x.kind === e.kind && x.name === e.name)) all.push(e);
  }
  return sortExemptions(all);
}

function writeValidatingPolicy(
  chart: Chart, rule: AdmissionRule, exemptions: readonly AdmissionExemption[], action: AdmissionAction, excluded: readonly string[], minor: number,
): void {
  const apiVersion = minor >= KUBERNETES_FEATURES.validatingAdmissionPolicyV1 ? 'admissionregistration.k8s.io/v1' : 'admissionregistration.k8s.io/v1beta1';
  const name = `cdk8s-hardened-${admissionObjectName(rule.id)}`;
  new ApiObject(chart, `vap-${rule.id}`, {
    apiVersion,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, labels: labels(rule, 1), annotations: { ...annotations(1), 'cdk8s-hardened.io/description': rule.description } },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: byGroup().map(g => ({ apiGroups: [g.group], apiVersions: [g.version], operations: ['CREATE', 'UPDATE'], resources: g.resources })),
      },
      variables: validatingPolicyVariables(rule, exemptions).map(v => ({ name: v.name, expression: v.expression })),
      validations: rule.validations.map(v => ({ expression: v.expression, message: v.message, reason: 'Forbidden' })),
    },
  });
  new ApiObject(chart, `vapb-${rule.id}`, {
    apiVersion,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels: labels(rule, 2), annotations: annotations(2) },
    spec: {
      policyName: name,
      validationActions: VAP_ACTIONS[action],
      matchResources: {
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...excluded] }] },
      },
    },
  });
}

const EXEMPTIONS_SCHEMA: ParameterSchema = {
  type: 'array',
  description: 'Objects excepted in code (PolicyException): namespace, kind and name.',
  items: {
    type: 'object',
    properties: {
      namespace: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' },
      apiVersion: { type: 'string', description: 'Its apiVersion: an owner reference counts only with it (and controller: true).' },
      podOwner: { type: 'boolean', description: 'Whether its controller creates Pods itself.' },
      childKind: { type: 'string', description: 'Kind of the objects its controller creates that own Pods (ReplicaSet, Job), or empty.' },
      childApiVersion: { type: 'string', description: 'Their apiVersion, or empty.' },
      childPattern: { type: 'string', description: 'RE2 pattern of their names, or empty.' },
    },
    required: ['namespace', 'kind', 'name', 'apiVersion', 'podOwner', 'childKind', 'childApiVersion', 'childPattern'],
  },
};

function writeGatekeeper(chart: Chart, rule: AdmissionRule, exemptions: readonly AdmissionExemption[], action: AdmissionAction, excluded: readonly string[]): void {
  const kind = constraintKind(rule.id);
  new ConstraintTemplate(chart, `template-${rule.id}`, {
    metadata: { name: kind.toLowerCase(), labels: labels(rule, 1), annotations: { ...annotations(1), description: rule.description } },
    spec: {
      crd: {
        spec: {
          names: { kind },
          validation: { openApiv3Schema: { type: 'object', properties: { exemptions: EXEMPTIONS_SCHEMA, ...(rule.parameterSchema ?? {}) } } },
        },
      },
      targets: [{
        target: 'admission.k8s.gatekeeper.sh',
        code: [{
          engine: 'K8sNativeValidation',
          source: {
            variables: gatekeeperVariables(rule).map(v => ({ name: v.name, expression: v.expression })),
            validations: rule.validations.map(v => ({ expression: v.expression, message: v.message })),
          },
        }],
      }],
    },
  });
  new ApiObject(chart, `constraint-${rule.id}`, {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind,
    metadata: { name: admissionObjectName(rule.id), labels: labels(rule, 2), annotations: annotations(2, true) },
    spec: {
      enforcementAction: GATEKEEPER_ACTIONS[action],
      match: {
        kinds: byGroup().map(g => ({ apiGroups: [g.group], kinds: g.kinds })),
        excludedNamespaces: [...excluded],
      },
      parameters: ruleParameters(rule, exemptions),
    },
  });
}
