import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import * as v from './_validate';
import { ContainerImage } from './container-image';
import { Protocol } from './connectivity';
import { HardenedInputError } from './errors';
import { RESTRICTED_DEFAULTS } from './restricted-defaults';

/** A request and a limit for one resource, as Kubernetes quantities. */
export interface ResourceRange {
  /** What the scheduler reserves, e.g. `100m` or `128Mi`. */
  readonly request: string;
  /** The hard cap, e.g. `500m` or `256Mi`; must be >= `request`. */
  readonly limit: string;
}

/** The resources of a container. cpu and memory are required: there is no silent default. */
export interface HardenedContainerResources {
  /** cpu request and limit. */
  readonly cpu: ResourceRange;
  /** memory request and limit. */
  readonly memory: ResourceRange;
  /**
   * ephemeral-storage request and limit.
   * @default - none (the namespace LimitRange and quota still apply)
   */
  readonly ephemeralStorage?: ResourceRange;
}

/** A port the container listens on. */
export interface HardenedContainerPort {
  /** The port number. */
  readonly number: number;
  /**
   * A name for the port (an IANA_SVC_NAME: at most 15 lowercase letters, digits and "-").
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** One container of a hardened pod. */
export interface HardenedContainerProps {
  /** The container's name (a DNS-1123 label). */
  readonly name: string;
  /** The image, pinned by digest unless explicitly accepted as a tag with a reason. */
  readonly image: ContainerImage;
  /** cpu and memory requests and limits (required), ephemeral storage optionally. */
  readonly resources: HardenedContainerResources;
  /** When the container is ready for traffic. */
  readonly readiness: kplus.Probe;
  /** When the container must be restarted. */
  readonly liveness: kplus.Probe;
  /**
   * When the container has started.
   * @default - cdk8s-plus's default: a TCP probe on the first port, if any
   */
  readonly startup?: kplus.Probe;
  /**
   * The ports the container listens on.
   * @default []
   */
  readonly ports?: readonly HardenedContainerPort[];
  /**
   * Entrypoint.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: readonly string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's CMD
   */
  readonly args?: readonly string[];
  /**
   * Plain environment variables (no secrets: mount those).
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Absolute paths that need to be writable; each gets its own size-limited `emptyDir`, since
   * the root filesystem is read-only.
   * @default [] (nothing is writable)
   */
  readonly writablePaths?: readonly string[];
  /**
   * Add the `NET_BIND_SERVICE` capability (bind ports below 1024), the only capability that
   * Pod Security Standards restricted allows back after dropping ALL.
   * @default false
   */
  readonly netBindService?: boolean;
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._\-/]*$/;

/** The kplus container props of one hardened container, validated. @internal */
export function toKplusContainer(scope: Construct, field: string, c: HardenedContainerProps, user: number, group: number): kplus.ContainerProps {
  v.dnsLabel(scope, `${field}.name`, c.name);
  if (!c.image) {
    throw new HardenedInputError(scope, `${field}.image`, c.image, 'is missing', 'give ContainerImage.fromDigest("registry/name@sha256:...")');
  }
  if (c.image.pinned) v.digestImage(scope, `${field}.image`, c.image.reference);
  else {
    v.taggedImage(scope, `${field}.image`, c.image.reference);
    v.reason(scope, `${field}.image.reason`, c.image.tagReason ?? '');
  }
  validateResources(scope, `${field}.resources`, c.resources);
  if (!c.readiness) throw new HardenedInputError(scope, `${field}.readiness`, undefined, 'is missing', 'give a readiness probe, e.g. Probe.fromHttpGet("/ready", { port: 8080 })');
  if (!c.liveness) throw new HardenedInputError(scope, `${field}.liveness`, undefined, 'is missing', 'give a liveness probe, e.g. Probe.fromHttpGet("/healthz", { port: 8080 })');
  const ports = (c.ports ?? []).map((p, i) => {
    v.port(scope, `${field}.ports[${i}].number`, p.number);
    if (p.name !== undefined && (p.name.length > 15 || !PORT_NAME.test(p.name))) {
      throw new HardenedInputError(scope, `${field}.ports[${i}].name`, p.name, 'is not a valid port name',
        'use at most 15 lowercase letters, digits and "-", with at least one letter, e.g. "http"');
    }
    return { number: p.number, name: p.name, protocol: toKplusProtocol(p.protocol ?? Protocol.TCP) };
  });
  const env: Record<string, kplus.EnvValue> = {};
  for (const key of Object.keys(c.env ?? {}).sort()) {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      throw new HardenedInputError(scope, `${field}.env`, key, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and ".", not starting with a digit');
    }
    env[key] = kplus.EnvValue.fromValue(c.env![key]);
  }
  const seen = new Set<string>();
  const volumeMounts = (c.writablePaths ?? []).map((path, i) => {
    if (!ABSOLUTE_PATH.test(path) || path.split('/').includes('..') || path === '/') {
      throw new HardenedInputError(scope, `${field}.writablePaths[${i}]`, path, 'is not an absolute path below /', 'write an absolute path such as "/tmp" or "/var/cache/nginx"');
    }
    if (seen.has(path)) throw new HardenedInputError(scope, `${field}.writablePaths[${i}]`, path, 'is listed twice', 'list each writable path once');
    seen.add(path);
    const volumeName = `${c.name}-${path.slice(1).replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
    const volume = kplus.Volume.fromEmptyDir(scope, `${c.name}${path}`, volumeName, {
      sizeLimit: Size.mebibytes(RESTRICTED_DEFAULTS.writablePathSizeLimitMiB),
    });
    return { path, volume };
  });

  return {
    name: c.name,
    image: c.image.reference,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    ports,
    envVariables: env,
    readiness: c.readiness,
    liveness: c.liveness,
    startup: c.startup,
    volumeMounts,
    securityContext: {
      ensureNonRoot: true,
      user,
      group,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: {
        drop: [kplus.Capability.ALL],
        add: c.netBindService ? [kplus.Capability.NET_BIND_SERVICE] : undefined,
      },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
    // The resources are replaced with the validated quantities verbatim (see HardenedPod).
    resources: {},
  };
}

/** The `resources` object of the container, quantities exactly as the author wrote them. @internal */
export function toResourcesJson(c: HardenedContainerProps): Record<string, Record<string, string>> {
  const requests: Record<string, string> = { cpu: c.resources.cpu.request };
  const limits: Record<string, string> = { cpu: c.resources.cpu.limit };
  if (c.resources.ephemeralStorage) {
    requests['ephemeral-storage'] = c.resources.ephemeralStorage.request;
    limits['ephemeral-storage'] = c.resources.ephemeralStorage.limit;
  }
  requests.memory = c.resources.memory.request;
  limits.memory = c.resources.memory.limit;
  return { limits, requests };
}

function validateResources(scope: IConstruct, field: string, r: HardenedContainerResources | undefined): void {
  if (!r || !r.cpu || !r.memory) {
    throw new HardenedInputError(scope, field, r, 'must give cpu and memory requests and limits',
      'set resources: { cpu: { request: "100m", limit: "500m" }, memory: { request: "128Mi", limit: "256Mi" } }');
  }
  const ranges: [string, ResourceRange | undefined][] = [['cpu', r.cpu], ['memory', r.memory], ['ephemeralStorage', r.ephemeralStorage]];
  for (const [name, range] of ranges) {
    if (!range) continue;
    const request = v.quantity(scope, `${field}.${name}.request`, range.request);
    const limit = v.quantity(scope, `${field}.${name}.limit`, range.limit);
    if (request <= 0) throw new HardenedInputError(scope, `${field}.${name}.request`, range.request, 'is zero', 'request a positive amount');
    if (request > limit) {
      throw new HardenedInputError(scope, `${field}.${name}.limit`, range.limit, `is below the request ${range.request}`, 'set the limit at or above the request');
    }
  }
}

function toKplusProtocol(p: Protocol): kplus.Protocol {
  switch (p) {
    case Protocol.UDP: return kplus.Protocol.UDP;
    case Protocol.SCTP: return kplus.Protocol.SCTP;
    default: return kplus.Protocol.TCP;
  }
}
