import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConnectivityGraph, FlowDirection, IPolicyHost } from './connectivity';
import { HardenedInputError } from './errors';
import type { HardenedNamespace } from './hardened-namespace';
import { istioFeatures, IstioFeatures } from './mesh/istio-version';
import { kubernetesMinor } from './pod-security';
import type { PolicyException } from './policy-exception';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';

/** Context key that sets the Kubernetes version of a whole app (see {@link AppModel.kubernetesVersion}). */
export const KUBERNETES_VERSION_CONTEXT = 'cdk8s-hardened:kubernetesVersion';

/** Context key that sets the Istio version of a whole app (see {@link AppModel.istio}). */
export const ISTIO_VERSION_CONTEXT = 'cdk8s-hardened:istioVersion';

/** A workload this app runs, with a typed link to the object that carries its pod template. */
export interface IHardenedWorkload extends IPolicyHost {
  /** The workload's name. */
  readonly name: string;
  /** The object whose pod template the Pod Security and rule checks judge (the Deployment, ...). */
  readonly podTemplateObject: ApiObject;
}

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
   * The Kubernetes minor version the blueprint targets: it decides API versions and fields (the
   * AppArmor annotation up to 1.29, the `appArmorProfile` field from 1.30).
   * @default - context key `cdk8s-hardened:kubernetesVersion`, else "1.28" (RESTRICTED_DEFAULTS.kubernetesVersion)
   */
  readonly kubernetesVersion?: string;
  /**
   * The Istio minor version the mesh layer writes for: it decides the `security.istio.io` API
   * version (v1 from 1.22) and whether ambient mode exists (from 1.24). Read only when the app
   * uses the mesh; a version that does not support `kubernetesVersion` fails synth.
   * @default - context key `cdk8s-hardened:istioVersion`, else the newest Istio line that supports
   * the Kubernetes version (1.24 for 1.28)
   */
  readonly istioVersion?: string;
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
  private version?: { readonly text: string; readonly minor: number };
  private istioLine?: IstioFeatures;

  private readonly _namespaces = new Map<string, HardenedNamespace>();
  private readonly _workloads: IHardenedWorkload[] = [];
  private readonly _workloadsByNamespace = new Map<string, IHardenedWorkload[]>();
  private readonly _exceptions: PolicyException[] = [];
  private readonly _exceptionsByScope = new Map<IConstruct, PolicyException[]>();
  private readonly layers: IModelLayer[] = [];
  private prepared = false;

  constructor(root: IConstruct, props: AppModelProps = {}) {
    this.root = root;
    this.props = props;
  }

  /**
   * The Kubernetes minor version the app targets, e.g. `1.28`; read once, on first use (so
   * context set on the app after it is created still counts).
   */
  public get kubernetesVersion(): string {
    return this.targetVersion().text;
  }

  /** The Kubernetes minor number of {@link kubernetesVersion}, e.g. 28. */
  public get kubernetesMinor(): number {
    return this.targetVersion().minor;
  }

  private targetVersion(): { readonly text: string; readonly minor: number } {
    if (!this.version) {
      const text = this.props.kubernetesVersion
        ?? (this.root.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) as string | undefined)
        ?? RESTRICTED_DEFAULTS.kubernetesVersion;
      this.version = { text, minor: kubernetesMinor(this.root, 'kubernetesVersion', text) };
    }
    return this.version;
  }

  /**
   * The Istio line the app targets and what it offers; resolved on first use.
   * @throws HardenedInputError when the Istio version does not support the Kubernetes version
   */
  public get istio(): IstioFeatures {
    this.istioLine ??= istioFeatures(this.root, 'istioVersion',
      this.props.istioVersion ?? (this.root.node.tryGetContext(ISTIO_VERSION_CONTEXT) as string | undefined), this.kubernetesMinor);
    return this.istioLine;
  }

  /** Registers a namespace; its name must be unique in the app. */
  public addNamespace(namespace: HardenedNamespace): void {
    const existing = this._namespaces.get(namespace.name);
    if (existing) {
      throw new HardenedInputError(namespace, 'name', namespace.name, `is already used by ${existing.node.path}`, 'give each HardenedNamespace a unique name');
    }
    this._namespaces.set(namespace.name, namespace);
  }

  /** The HardenedNamespace named `name`, if the app has one. */
  public namespace(name: string): HardenedNamespace | undefined {
    return this._namespaces.get(name);
  }

  /** Every HardenedNamespace, in the order they were created. */
  public get namespaces(): readonly HardenedNamespace[] {
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
  public addException(exception: PolicyException): void {
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
  public get exceptions(): readonly PolicyException[] {
    return [...this._exceptions];
  }

  /** The exceptions attached to `scope` itself (not its ancestors). */
  public exceptionsAt(scope: IConstruct): readonly PolicyException[] {
    return this._exceptionsByScope.get(scope) ?? [];
  }

  /** The exceptions that apply to the objects `construct` renders: those on it and on its ancestors. */
  public exceptionsCovering(construct: IConstruct): readonly PolicyException[] {
    if (this._exceptions.length === 0) return [];
    return construct.node.scopes.flatMap(s => this._exceptionsByScope.get(s) ?? []);
  }

  /** Adds a layer that derives objects from the model at synth. */
  public addLayer(layer: IModelLayer): void {
    this.layers.push(layer);
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
