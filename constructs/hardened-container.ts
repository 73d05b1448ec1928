import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import * as v from './_validate';
import { ContainerImage } from './container-image';
import { EnvValueFrom } from './env-value-from';
import { VolumeMount } from './pod-volume';
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
  /**
   * The port of the workload's Service that forwards to this port, e.g. 80 for a container
   * listening on 8080.
   * @default - the container port
   */
  readonly servicePort?: number;
}

/** One container of a hardened pod. */
export interface HardenedContainerProps {
  /** The container's name (a DNS-1123 label). */
  readonly name: string;
  /** The image, pinned by digest unless explicitly accepted as a tag with a reason. */
  readonly image: ContainerImage;
  /** cpu and memory requests and limits (required), ephemeral storage optionally. */
  readonly resources: HardenedContainerResources;
  /**
   * When the container is ready for traffic. Required for the main containers of long-running
   * kinds (Deployment, StatefulSet); Jobs and CronJobs run to completion and need none.
   * @default - none (refused where it is required)
   */
  readonly readiness?: kplus.Probe;
  /**
   * When the container must be restarted. Required where `readiness` is.
   * @default - none (refused where it is required)
   */
  readonly liveness?: kplus.Probe;
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
   * Plain environment variables. A name that looks like a credential (`PASSWORD`, `TOKEN`,
   * `SECRET`, `API_KEY`...) fails synth (rule HARDENED-16): take those from a Secret with
   * `envValueFrom`.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables whose values come from a Secret or ConfigMap key at run time.
   * @default {}
   */
  readonly envValueFrom?: Readonly<Record<string, EnvValueFrom>>;
  /**
   * Volumes to mount: Secrets, ConfigMaps, projected ServiceAccount tokens (read-only), and
   * PersistentVolumeClaims (read-only unless `writable`).
   * @default []
   */
  readonly mounts?: readonly VolumeMount[];
  /**
   * Absolute paths that need to be writable; each gets its own size-limited `emptyDir`, since
   * the root filesystem is read-only.
   * @default [] (nothing is writable)
   */
  readonly writablePaths?: readonly string[];
  /**
   * The size limit, in MiB, of the `emptyDir` behind a writable path, by path.
   * @default - RESTRICTED_DEFAULTS.writablePathSizeLimitMiB (64) for every path
   */
  readonly writablePathSizesMiB?: Readonly<Record<string, number>>;
  /**
   * Add the `NET_BIND_SERVICE` capability (bind ports below 1024), the only capability that
   * Pod Security Standards restricted allows back after dropping ALL.
   * @default false
   */
  readonly netBindService?: boolean;
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The kplus container props of one hardened container, validated. @internal */
export function toKplusContainer(scope: Construct, field: string, c: HardenedContainerProps, user: number, group: number, requireProbes: boolean): kplus.ContainerProps {
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
  if (requireProbes && !c.readiness) throw new HardenedInputError(scope, `${field}.readiness`, undefined, 'is missing', 'give a readiness probe, e.g. Probe.fromHttpGet("/ready", { port: 8080 })');
  if (requireProbes && !c.liveness) throw new HardenedInputError(scope, `${field}.liveness`, undefined, 'is missing', 'give a liveness probe, e.g. Probe.fromHttpGet("/healthz", { port: 8080 })');
  const portKeys = new Set<string>();
  const portNames = new Set<string>();
  const ports = (c.ports ?? []).map((p, i) => {
    v.port(scope, `${field}.ports[${i}].number`, p.number);
    const key = `${p.number}/${p.protocol ?? Protocol.TCP}`;
    if (portKeys.has(key)) throw new HardenedInputError(scope, `${field}.ports[${i}].number`, p.number, `is declared twice (${key})`, 'declare each port once');
    portKeys.add(key);
    if (p.name !== undefined && portNames.has(p.name)) throw new HardenedInputError(scope, `${field}.ports[${i}].name`, p.name, 'names two ports of the container', 'give each port its own name');
    if (p.name !== undefined) portNames.add(p.name);
    if (p.name !== undefined && (p.name.length > 15 || !PORT_NAME.test(p.name))) {
      throw new HardenedInputError(scope, `${field}.ports[${i}].name`, p.name, 'is not a valid port name',
        'use at most 15 lowercase letters, digits and "-", with at least one letter, e.g. "http"');
    }
    v.protocol(scope, `${field}.ports[${i}].protocol`, p.protocol ?? Protocol.TCP);
    return { number: p.number, name: p.name, protocol: toKplusProtocol(p.protocol ?? Protocol.TCP) };
  });
  const env: Record<string, kplus.EnvValue> = {};
  for (const key of Object.keys(c.env ?? {}).sort()) {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      throw new HardenedInputError(scope, `${field}.env`, key, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and ".", not starting with a digit');
    }
    env[key] = kplus.EnvValue.fromValue(c.env![key]);
  }
  for (const sized of Object.keys(c.writablePathSizesMiB ?? {})) {
    if (!(c.writablePaths ?? []).includes(sized)) {
      throw new HardenedInputError(scope, `${field}.writablePathSizesMiB`, sized, 'is not one of the writablePaths', `list it in writablePaths too, or remove the size (writablePaths: ${JSON.stringify(c.writablePaths ?? [])})`);
    }
  }
  const seen = new Set<string>();
  const volumeNames = new Map<string, string>();
  const volumeMounts = (c.writablePaths ?? []).map((path, i) => {
    v.absolutePath(scope, `${field}.writablePaths[${i}]`, path, 'write an absolute path such as "/tmp" or "/var/cache/nginx"');
    if (seen.has(v.mountKey(path))) throw new HardenedInputError(scope, `${field}.writablePaths[${i}]`, path, 'is listed twice', 'list each writable path once');
    seen.add(v.mountKey(path));
    const volumeName = `${c.name}-${path.slice(1).replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
    const clash = volumeNames.get(volumeName);
    if (clash !== undefined) {
      throw new HardenedInputError(scope, `${field}.writablePaths[${i}]`, path, `maps to the same volume name "${volumeName}" as "${clash}"`, 'merge the two paths into one writable directory, or rename one of them');
    }
    volumeNames.set(volumeName, path);
    const sizeMiB = v.integer(scope, `${field}.writablePathSizesMiB[${JSON.stringify(path)}]`,
      c.writablePathSizesMiB?.[path] ?? RESTRICTED_DEFAULTS.writablePathSizeLimitMiB, 1, 1024 * 1024, 'give a size in MiB, e.g. 256');
    const volume = kplus.Volume.fromEmptyDir(scope, `${c.name}${path}`, volumeName, { sizeLimit: Size.mebibytes(sizeMiB) });
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

/** Validates requests and limits: quantities, positive requests, limits at or above requests. @internal */
export function validateResources(scope: IConstruct, field: string, r: HardenedContainerResources | undefined): void {
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
    if (name !== 'cpu') {
      v.byteQuantity(scope, `${field}.${name}.request`, range.request);
      v.byteQuantity(scope, `${field}.${name}.limit`, range.limit);
    }
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

/** What a container takes from Secrets, ConfigMaps and volumes, validated; written after render. @internal */
export interface ContainerConfiguration {
  /** `env` entries with `valueFrom`, sorted by name. */
  readonly env: readonly Record<string, unknown>[];
  /** `volumeMounts` entries. */
  readonly volumeMounts: readonly Record<string, unknown>[];
  /** The pod `volumes` entries these mounts need. */
  readonly volumes: readonly Record<string, unknown>[];
}

/** Validates the container's `envValueFrom` and `mounts`. @internal */
export function containerConfiguration(scope: IConstruct, field: string, c: HardenedContainerProps): ContainerConfiguration {
  const env: Record<string, unknown>[] = [];
  for (const name of Object.keys(c.envValueFrom ?? {}).sort()) {
    if (!ENV_NAME.test(name)) {
      throw new HardenedInputError(scope, `${field}.envValueFrom`, name, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and ".", not starting with a digit');
    }
    if (c.env && name in c.env) {
      throw new HardenedInputError(scope, `${field}.envValueFrom`, name, 'is also set in env', 'set each variable once: a plain value in env, or a reference in envValueFrom');
    }
    const ref = c.envValueFrom![name];
    if (!(ref instanceof EnvValueFrom)) {
      throw new HardenedInputError(scope, `${field}.envValueFrom[${JSON.stringify(name)}]`, ref, 'is not an EnvValueFrom', 'use EnvValueFrom.secretKey(name, key) or EnvValueFrom.configMapKey(name, key)');
    }
    env.push({ name, valueFrom: ref._toValueFrom(scope, `${field}.envValueFrom[${JSON.stringify(name)}]`) });
  }
  const volumeMounts: Record<string, unknown>[] = [];
  const volumes = new Map<string, Record<string, unknown>>();
  const paths = new Set((c.writablePaths ?? []).map(v.mountKey));
  (c.mounts ?? []).forEach((m, i) => {
    const at = `${field}.mounts[${i}]`;
    v.absolutePath(scope, `${at}.path`, m?.path, 'write an absolute path such as "/etc/app/config"');
    if (paths.has(v.mountKey(m.path))) throw new HardenedInputError(scope, `${at}.path`, m.path, 'is mounted twice (or is also a writable path)', 'mount each path once');
    paths.add(v.mountKey(m.path));
    const writable = m.writable ?? false;
    if (writable && m.volume.type !== 'persistentVolumeClaim') {
      throw new HardenedInputError(scope, `${at}.writable`, true, `is not allowed for a ${m.volume.type} volume (the kubelet mounts it read-only)`, 'leave writable unset, or copy what must change into a writable path');
    }
    if (m.subPath !== undefined && (typeof m.subPath !== 'string' || m.subPath === '' || m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      throw new HardenedInputError(scope, `${at}.subPath`, m.subPath, 'is not a relative path inside the volume', 'write e.g. "config.yaml"');
    }
    const volume = m.volume._toVolume(scope);
    const known = volumes.get(m.volume.name);
    if (known && JSON.stringify(known) !== JSON.stringify(volume)) {
      throw new HardenedInputError(scope, `${at}.volume`, m.volume.name, 'names two different volumes', 'use distinct Secret, ConfigMap or claim names');
    }
    volumes.set(m.volume.name, volume);
    volumeMounts.push({ name: m.volume.name, mountPath: m.path, readOnly: !writable, ...(m.subPath !== undefined ? { subPath: m.subPath } : {}) });
  });
  return { env, volumeMounts, volumes: [...volumes.values()] };
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
