import { IConstruct } from 'constructs';
import { ConnectivityGraph, FlowDirection } from './connectivity';
import { HardenedInputError } from './errors';
import { DEFAULT_KUBERNETES_VERSION, kubernetesEndOfLifeWarning, parseKubernetesVersion } from './kubernetes-version';
import { istioFeatures, IstioFeatures } from './mesh/istio-version';
import { HARDENED_PACK, rulePackProblems, todayUtc, type KubeObject, type RulePack } from '../policy';
import type { IHardenedNamespace, IHardenedWorkload, IPolicyException } from './model-entries';

export type { IHardenedNamespace, IHardenedWorkload, IPolicyException, WorkloadResourceUsage } from './model-entries';

/** Context key that sets the Kubernetes version of a whole app (see {@link AppModel.kubernetesVersion}). */
export const KUBERNETES_VERSION_CONTEXT = 'cdk8s-hardened:kubernetesVersion';

/** Context key that sets the Istio version of a whole app (see {@link AppModel.istio}). */
export const ISTIO_VERSION_CONTEXT = 'cdk8s-hardened:istioVersion';

/**
 * A layer derives objects from the finished model in the prepare step of synth (before
 * validation and rendering): NetworkPolicies from the connectivity graph today; mesh and
 * admission policies are further layers.
 */
export interface IModelLayer {
  /** A short name for errors, e.g. `network-policies`. */
  readonly name: string;
  /** Creates the layer's constructs. Runs once per synth, after every user construct exists. */
  prepare(model: AppModel): void;
  /**
   * Checks the final objects (rendered once, laid out), after the policy pass; returns errors,
   * `[construct path] message`, and may record warnings (`AppModel.warn`).
   * @default - no check
   */
  checkFinal?(model: AppModel, objects: readonly { readonly object: KubeObject; readonly path: string }[]): string[];
}

/** Marks the root construct that owns an {@link AppModel} (a `HardenedApp`). */
export interface IModelRoot extends IConstruct {
  /** The app's model. */
  readonly model: AppModel;
}

const MODEL_ROOT = Symbol.for('cdk8s-hardened.ModelRoot');

/** True when `c` is a root that owns a model (a `HardenedApp`). */
export function isModelRoot(c: IConstruct): c is IModelRoot {
  return (c as unknown as Record<symbol, unknown>)[MODEL_ROOT] === true;
}

/** Marks `root` as a model root; `HardenedApp` calls it on itself. @internal */
export function markModelRoot(root: IModelRoot): void {
  Object.defineProperty(root, MODEL_ROOT, { value: true });
}

/** Props of {@link AppModel}. */
export interface AppModelProps {
  /**
   * The Kubernetes minor version the blueprint targets, `1.N` in KUBERNETES_RELEASES: the one
   * place that decides every version-dependent output (see {@link AppModel.kubernetesVersion}).
   * @default - context key `cdk8s-hardened:kubernetesVersion`, else "1.36" (DEFAULT_KUBERNETES_VERSION)
   */
  readonly kubernetesVersion?: string;
  /**
   * The Istio minor version the mesh layer writes for: it decides whether ambient mode exists
   * (from 1.24) and the proxy's install values. Read only when the app uses the mesh; a line
   * whose stated Kubernetes range does not include `kubernetesVersion`, or past its end of life,
   * warns at synth.
   * @default - context key `cdk8s-hardened:istioVersion`, else the newest Istio line that supports
   * the Kubernetes version ("1.31" for "1.36"; none for "1.37": synth fails and says how to override)
   */
  readonly istioVersion?: string;
  /**
   * The rule packs the app's policy pass runs: exceptions may name their rules.
   * @default [HARDENED_PACK]
   */
  readonly rulePacks?: readonly RulePack[];
}

/**
 * The one registry of an app: its namespaces, workloads, the connectivity graph, the policy
 * exceptions and the target versions. Constructs register here; the layers derive objects from
 * it once, in the prepare step of `HardenedApp` synth; the policy pass reads the exceptions.
 *
 * Only a `HardenedApp` has a model: our constructs under a plain cdk8s `App` fail at once with an
 * error that says to use `HardenedApp` (a plain `App` would skip the policy pass).
 */
export class AppModel {
  /**
   * The model of the app that `scope` belongs to.
   * @throws HardenedInputError when the app is not a `HardenedApp`
   */
  public static of(scope: IConstruct): AppModel {
    const root = scope.node.root;
    if (!isModelRoot(root)) {
      throw new HardenedInputError(scope, 'scope', root.constructor?.name ?? typeof root,
        'is in an app that is not a HardenedApp, so the rule pack, the exceptions and the Pod Security proof would not run at synth',
        "create the app with `new HardenedApp()` (import { HardenedApp } from 'cdk8s-hardened') instead of `new App()`; in tests, read the objects with `app.synthObjects()`");
    }
    return root.model;
  }

  /** Who may talk to whom: NetworkPolicies (and next, mesh policies) derive from it. */
  public readonly connectivity = new ConnectivityGraph();
  private readonly root: IConstruct;
  private readonly props: AppModelProps;
  private version?: number;
  private istioLine?: IstioFeatures;

  private readonly _namespaces = new Map<string, IHardenedNamespace>();
  private readonly _workloads: IHardenedWorkload[] = [];
  private readonly _workloadsByNamespace = new Map<string, IHardenedWorkload[]>();
  private readonly _exceptions: IPolicyException[] = [];
  private readonly _exceptionsByScope = new Map<IConstruct, IPolicyException[]>();
  private readonly layers: IModelLayer[] = [];
  private readonly _warnings: string[] = [];
  private prepared = false;

  /** The rule packs the policy pass runs (validated: no rule id twice); exceptions may name their rules. */
  public readonly rulePacks: readonly RulePack[];

  constructor(root: IConstruct, props: AppModelProps = {}) {
    this.root = root;
    this.props = props;
    this.rulePacks = [...(props.rulePacks ?? [HARDENED_PACK])];
    const problems = rulePackProblems(this.rulePacks);
    if (problems.length > 0) {
      throw new HardenedInputError(this.where, 'rulePacks', this.rulePacks.map(p => p?.name), problems.join('; '), 'give each rule pack a name and rules with ids used once across all packs');
    }
  }

  /**
   * The Kubernetes minor version the app targets, e.g. `1.36`; read once, on first use (so
   * context set on the app after it is created still counts). It alone decides every
   * version-dependent output: the Pod Security `*-version` labels and the version `latest` is
   * judged at (Pod Security Admission evaluates `latest`, and any newer version, as the server's
   * own), the AppArmor annotation (to 1.29) or field (from 1.30), native sidecars (from 1.29),
   * ValidatingAdmissionPolicy v1beta1 (1.28, 1.29) or v1 (from 1.30), and the Istio default.
   */
  public get kubernetesVersion(): string {
    return `1.${this.kubernetesMinor}`;
  }

  /** The Kubernetes minor number of {@link kubernetesVersion}, e.g. 36. */
  public get kubernetesMinor(): number {
    if (this.version === undefined) {
      const text = this.props.kubernetesVersion
        ?? (this.root.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) as string | undefined)
        ?? DEFAULT_KUBERNETES_VERSION;
      this.version = parseKubernetesVersion(this.where, 'kubernetesVersion', text);
      const eol = kubernetesEndOfLifeWarning(this.version, todayUtc());
      if (eol !== undefined) this.warn(this.where, eol);
    }
    return this.version;
  }

  /**
   * The Istio line the app targets and what it offers; resolved on first use.
   * @throws HardenedInputError for an unknown line, or when no line supports the Kubernetes version and none is declared
   */
  public get istio(): IstioFeatures {
    this.istioLine ??= istioFeatures(this.where, 'istioVersion',
      this.props.istioVersion ?? (this.root.node.tryGetContext(ISTIO_VERSION_CONTEXT) as string | undefined), this.kubernetesMinor,
      message => this.warn(this.where, message), todayUtc());
    return this.istioLine;
  }

  /** Records a warning that synth prints (`[construct path] message`). */
  public warn(scope: IConstruct | string, message: string): void {
    this._warnings.push(`[${typeof scope === 'string' ? scope : scope.node.path}] ${message}`);
  }

  /** How errors and warnings about the app's own props name it: its path, or `HardenedApp` for the root. */
  private get where(): IConstruct | string {
    return this.root.node.path === '' ? 'HardenedApp' : this.root;
  }

  /** The warnings recorded so far, in order. */
  public get warnings(): readonly string[] {
    return [...this._warnings];
  }

  /** Registers a namespace; its name must be unique in the app. */
  public addNamespace(namespace: IHardenedNamespace): void {
    const existing = this._namespaces.get(namespace.name);
    if (existing) {
      throw new HardenedInputError(namespace, 'name', namespace.name, `is already used by ${existing.node.path}`, 'give each HardenedNamespace a unique name');
    }
    this._namespaces.set(namespace.name, namespace);
  }

  /** The namespace `name`, if the app has one. */
  public namespace(name: string): IHardenedNamespace | undefined {
    return this._namespaces.get(name);
  }

  /** Every namespace, in the order they were created. */
  public get namespaces(): readonly IHardenedNamespace[] {
    return [...this._namespaces.values()];
  }

  /** Registers a workload. */
  public addWorkload(workload: IHardenedWorkload): void {
    this._workloads.push(workload);
    const list = this._workloadsByNamespace.get(workload.namespaceName) ?? [];
    this._workloadsByNamespace.set(workload.namespaceName, list);
    list.push(workload);
  }

  /** Every workload, in the order they were created. */
  public get workloads(): readonly IHardenedWorkload[] {
    return [...this._workloads];
  }

  /** The workloads of one namespace, in the order they were created. */
  public workloadsIn(namespace: string): readonly IHardenedWorkload[] {
    return this._workloadsByNamespace.get(namespace) ?? [];
  }

  /**
   * Registers an exception.
   * @throws HardenedInputError when the same id and path are already excepted on the same construct
   */
  public addException(exception: IPolicyException): void {
    const list = this._exceptionsByScope.get(exception.scope) ?? [];
    const duplicate = list.find(e => e.id === exception.id && e.path === exception.path);
    if (duplicate) {
      throw new HardenedInputError(exception.scope, 'PolicyException.id', exception.id, `is already excepted on this construct${exception.path !== undefined ? ` for path ${exception.path}` : ''} ("${duplicate.reason}")`,
        'add each exception once; put both reasons into one sentence');
    }
    list.push(exception);
    this._exceptionsByScope.set(exception.scope, list);
    this._exceptions.push(exception);
  }

  /** Every exception of the app, in the order they were added. */
  public get exceptions(): readonly IPolicyException[] {
    return [...this._exceptions];
  }

  /** The exceptions attached to `scope` itself (not its ancestors). */
  public exceptionsAt(scope: IConstruct): readonly IPolicyException[] {
    return this._exceptionsByScope.get(scope) ?? [];
  }

  /** The exceptions that apply to the objects `construct` renders: those on it and on its ancestors. */
  public exceptionsCovering(construct: IConstruct): readonly IPolicyException[] {
    if (this._exceptions.length === 0) return [];
    return construct.node.scopes.flatMap(s => this._exceptionsByScope.get(s) ?? []);
  }

  /** Adds a layer that derives objects from the model at synth. */
  public addLayer(layer: IModelLayer): void {
    this.layers.push(layer);
  }

  /** The errors of every layer's {@link IModelLayer.checkFinal} on the final objects, in layer order. */
  public checkFinal(objects: readonly { readonly object: KubeObject; readonly path: string }[]): string[] {
    return this.layers.flatMap(l => l.checkFinal?.(this, objects) ?? []);
  }

  /** The layer named `name`, if one was added. */
  public layerNamed(name: string): IModelLayer | undefined {
    return this.layers.find(l => l.name === name);
  }

  /** The layer named `name`, added from `create` on first use (e.g. the mesh layer). */
  public ensureLayer<T extends IModelLayer>(name: string, create: () => T): T {
    const existing = this.layers.find(l => l.name === name);
    if (existing) return existing as T;
    const layer = create();
    this.addLayer(layer);
    return layer;
  }

  /**
   * Runs every layer once, in the order they were added, then the NetworkPolicy layer, which
   * writes the finished connectivity graph (layers may add flows, e.g. the mesh's own holes).
   * Called by `HardenedApp` at synth; a second call does nothing.
   */
  public prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    for (const layer of [...this.layers, NETWORK_POLICY_LAYER]) layer.prepare(this);
  }
}

/** Writes one NetworkPolicy per host and direction that has declared flows. */
class NetworkPolicyLayer implements IModelLayer {
  public readonly name = 'network-policies';
  public prepare(model: AppModel): void {
    for (const { host, direction } of model.connectivity.policyHosts()) host._ensureNetworkPolicy(direction as FlowDirection);
  }
}

const NETWORK_POLICY_LAYER = new NetworkPolicyLayer();
