import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as v from './_validate';
import { isQualifiedName } from './_validate';
import { AppModel } from './app-model';
import { HardenedInputError } from './errors';
import { MANAGED_BY, MANAGED_BY_LABEL } from './restricted-defaults';

/** A node taint that pods of a runtime class tolerate (key=value:effect). */
export interface RuntimeTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. */
  readonly value: string;
  /** Taint effect, e.g. `NoSchedule`. */
  readonly effect: string;
}

/**
 * A sandboxed container runtime: the CRI handler, its per-pod overhead and where it is
 * installed. Enum-like: use the static members, or `SandboxRuntime.custom` for another handler.
 */
export class SandboxRuntime {
  /** gVisor (handler `runsc`): a user-space kernel between the pod and the host. */
  public static readonly GVISOR = new SandboxRuntime('gvisor', 'runsc', { cpu: '100m', memory: '64Mi' },
    { 'sandbox.cdk8s-hardened.io/gvisor': 'true' }, [{ key: 'sandbox.cdk8s-hardened.io/gvisor', value: 'true', effect: 'NoSchedule' }]);
  /** Kata Containers with QEMU (handler `kata-qemu`), overhead as kata-deploy ships it. */
  public static readonly KATA_QEMU = SandboxRuntime.kata('kata-qemu', '160Mi');
  /** Kata Containers with Cloud Hypervisor (handler `kata-clh`). */
  public static readonly KATA_CLH = SandboxRuntime.kata('kata-clh', '130Mi');
  /** Kata Containers with Firecracker (handler `kata-fc`). */
  public static readonly KATA_FC = SandboxRuntime.kata('kata-fc', '130Mi');

  /** Any other CRI handler. */
  public static custom(name: string, handler: string, overhead: { cpu: string; memory: string },
    nodeSelector: Readonly<Record<string, string>>, tolerations: readonly RuntimeTaint[] = []): SandboxRuntime {
    return new SandboxRuntime(name, handler, overhead, nodeSelector, tolerations);
  }

  private static kata(handler: string, memory: string): SandboxRuntime {
    // kata-deploy labels the nodes it installs Kata on with katacontainers.io/kata-runtime=true.
    return new SandboxRuntime(handler, handler, { cpu: '250m', memory }, { 'katacontainers.io/kata-runtime': 'true' }, []);
  }

  private constructor(
    /** The RuntimeClass name pods refer to. */
    public readonly name: string,
    /** The CRI handler configured on the nodes. */
    public readonly handler: string,
    /** Fixed per-pod overhead added to scheduling and quota. */
    public readonly overhead: { readonly cpu: string; readonly memory: string },
    /** Labels of the nodes that have the handler installed. */
    public readonly nodeSelector: Readonly<Record<string, string>>,
    /** Taints of those nodes that the pods tolerate. */
    public readonly tolerations: readonly RuntimeTaint[],
  ) {}
}

/** CRI handlers that are the node's default runtime, not a sandbox. */
const UNSANDBOXED_HANDLERS = new Set(['runc', 'crun', 'youki', 'default']);

/** The taint effects Kubernetes accepts (core/v1 TaintEffect). */
const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Props of {@link SandboxRuntimeClass}. */
export interface SandboxRuntimeClassProps {
  /** Which sandbox. */
  readonly runtime: SandboxRuntime;
}

/** A RuntimeClass a workload can select with its `runtimeClass` prop. */
export interface IRuntimeClass extends IConstruct {
  /** The RuntimeClass's name. */
  readonly name: string;
}

/**
 * A RuntimeClass for a sandboxed runtime (gVisor or Kata), with its pod overhead and node
 * scheduling, so that pods land only on nodes that have the handler. Cluster-scoped: place it in
 * a chart without a namespace.
 */
export class SandboxRuntimeClass extends Construct implements IRuntimeClass {
  /** The RuntimeClass's name. */
  public readonly name: string;
  /** The runtime it selects. */
  public readonly runtime: SandboxRuntime;
  /** The RuntimeClass object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxRuntimeClassProps) {
    super(scope, v.freeId(scope, id));
    AppModel.of(this); // every construct of this library needs a HardenedApp, so that synth runs the policy pass
    const chartNamespace = Chart.of(this).namespace;
    if (chartNamespace !== undefined) {
      throw new HardenedInputError(this, 'chart.namespace', chartNamespace, 'is set on the chart that holds a cluster-scoped RuntimeClass',
        'create SandboxRuntimeClass in a chart without a namespace');
    }
    const runtime = props.runtime;
    this.runtime = runtime;
    this.name = v.dnsSubdomain(this, 'runtime.name', runtime.name);
    v.dnsLabel(this, 'runtime.handler', runtime.handler);
    if (UNSANDBOXED_HANDLERS.has(runtime.handler)) {
      throw new HardenedInputError(this, 'runtime.handler', runtime.handler, 'is the default container runtime, not a sandbox, so pods "in the sandbox" would run unsandboxed',
        'use a sandbox handler such as "runsc" (gVisor) or "kata-qemu" (SandboxRuntime.GVISOR, SandboxRuntime.KATA_QEMU), as configured on the nodes');
    }
    runtime.tolerations.forEach((t, i) => {
      if (!isQualifiedName(t.key)) throw new HardenedInputError(this, `runtime.tolerations[${i}].key`, t.key, 'is not a taint key (a qualified name)', 'use e.g. "sandbox.example.com/gvisor"');
      if (!TAINT_EFFECTS.includes(t.effect)) {
        throw new HardenedInputError(this, `runtime.tolerations[${i}].effect`, t.effect, 'is not a taint effect', `use one of ${TAINT_EFFECTS.join(', ')}`);
      }
    });
    v.quantity(this, 'runtime.overhead.cpu', runtime.overhead.cpu);
    v.quantity(this, 'runtime.overhead.memory', runtime.overhead.memory);
    const nodeSelector = v.labels(this, 'runtime.nodeSelector', runtime.nodeSelector);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: this.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      handler: runtime.handler,
      overhead: { podFixed: { cpu: runtime.overhead.cpu, memory: runtime.overhead.memory } },
      scheduling: {
        nodeSelector,
        ...(runtime.tolerations.length > 0
          ? { tolerations: runtime.tolerations.map(t => ({ key: t.key, operator: 'Equal', value: t.value, effect: t.effect })) }
          : {}),
      },
    });
  }
}
