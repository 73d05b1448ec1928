import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

/** How the pods of a meshed namespace join the mesh. */
export enum DataPlaneMode {
  /** An injected `istio-proxy` sidecar in every pod (traffic redirected by the Istio CNI plugin). */
  SIDECAR = 'sidecar',
  /** No sidecar: the node's ztunnel carries the pod's traffic over HBONE (port 15008); Istio 1.24+. */
  AMBIENT = 'ambient',
}

/** Options of {@link NamespaceMesh.sidecar}. */
export interface NamespaceMeshSidecarOptions {
  /**
   * The control-plane revision that injects the sidecars (`istio.io/rev=<revision>`), for
   * revision-based installs and canary upgrades.
   * @default - the default revision (`istio-injection=enabled`)
   */
  readonly revision?: string;
}

/**
 * The `mesh` option of a HardenedNamespace: which data-plane mode its pods run in. A meshed
 * namespace gets STRICT mTLS, a deny-by-default AuthorizationPolicy, identity-based ALLOW rules for
 * its declared flows and only the NetworkPolicy holes its mode needs (see docs/mesh.md).
 */
export class NamespaceMesh {
  /** Sidecar mode: `istio-injection=enabled`, or `istio.io/rev=<revision>`. */
  public static sidecar(options: NamespaceMeshSidecarOptions = {}): NamespaceMesh {
    return new NamespaceMesh(DataPlaneMode.SIDECAR, options.revision);
  }

  /** Ambient mode: `istio.io/dataplane-mode=ambient` (Istio 1.24+). L4 authorization only: no waypoint. */
  public static ambient(): NamespaceMesh {
    return new NamespaceMesh(DataPlaneMode.AMBIENT);
  }

  private constructor(
    /** The data-plane mode. */
    public readonly mode: DataPlaneMode,
    /** The injecting revision (sidecar mode). @default - the default revision */
    public readonly revision?: string,
  ) {}

  /** The labels that put the Namespace into the mesh. */
  public namespaceLabels(): Record<string, string> {
    if (this.mode === DataPlaneMode.AMBIENT) return { [DATAPLANE_MODE_LABEL]: 'ambient' };
    return this.revision !== undefined ? { [REVISION_LABEL]: this.revision } : { [INJECTION_LABEL]: 'enabled' };
  }
}

/** Namespace label that turns on sidecar injection by the default revision. */
export const INJECTION_LABEL = 'istio-injection';
/** Namespace label that turns on sidecar injection by one control-plane revision. */
export const REVISION_LABEL = 'istio.io/rev';
/** Namespace (and pod) label of the ambient data-plane mode. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/**
 * Refuses a namespace's extra labels that contradict its data plane: a data-plane label besides
 * the `mesh` prop (the mesh's own label would silently win), or sidecar and ambient labels at once.
 * @internal
 */
export function checkDataPlaneLabels(scope: IConstruct, extraLabels: Readonly<Record<string, string>>, mesh: NamespaceMesh | undefined): void {
  const meshLabels = mesh?.namespaceLabels() ?? {};
  for (const key of [INJECTION_LABEL, REVISION_LABEL, DATAPLANE_MODE_LABEL]) {
    if (mesh && key in extraLabels) {
      throw new HardenedInputError(scope, `labels[${JSON.stringify(key)}]`, extraLabels[key], `is a data-plane label, and mesh sets the data plane (${JSON.stringify(meshLabels)})`,
        'remove the label and let mesh (NamespaceMesh.sidecar() or NamespaceMesh.ambient()) choose the data plane');
    }
  }
  const sidecarLabel = [INJECTION_LABEL, REVISION_LABEL].find(k => k in extraLabels && !(k === INJECTION_LABEL && extraLabels[k] === 'disabled'));
  if (extraLabels[DATAPLANE_MODE_LABEL] === 'ambient' && sidecarLabel !== undefined) {
    throw new HardenedInputError(scope, `labels[${JSON.stringify(sidecarLabel)}]`, extraLabels[sidecarLabel], `asks for sidecars while ${DATAPLANE_MODE_LABEL}=ambient asks for ztunnel: both data planes on one namespace`,
      'keep one: NamespaceMesh.sidecar() or NamespaceMesh.ambient() as the mesh prop');
  }
}

/**
 * The error line for a workload whose labels ask istiod for a sidecar in a namespace whose mesh
 * mode is ambient (two data planes on one pod), if they do.
 * @internal
 */
export function injectionOnAmbientPods(labels: Readonly<Record<string, string>>, mesh: NamespaceMesh | undefined, namespace: string): string | undefined {
  const injection = ['sidecar.istio.io/inject', REVISION_LABEL].find(k => k in labels && labels[k] !== 'false');
  if (mesh?.mode !== DataPlaneMode.AMBIENT || injection === undefined) return undefined;
  return `labels[${JSON.stringify(injection)}]: ${JSON.stringify(labels[injection])} asks for a sidecar in namespace "${namespace}", whose mesh mode is ambient (two data planes on one pod). Fix: remove the label (ztunnel already carries the pod), or move the workload to a sidecar-mode namespace.`;
}
