/**
 * Internal evaluation context shared by the check implementations in `checks/`.
 * Built once per evaluated object; checks read from it and report to a {@link FindingSink}.
 */
import type { PssCheckInfo, PssCheckLevel, PssFinding } from './types';
import { asRecord, type PlainRecord, type PodTemplateView } from './pod-template';

export { asRecord, type PlainRecord };

/** Returns `value` if it is an array, else `undefined`. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** True for a value that is set and not the empty string (Go: non-empty string / non-nil). */
export function nonEmpty(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Formats a value for a message: strings quoted, others as JSON. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends a map key to a path: `a.b` for plain keys, `a["x.y/z"]` otherwise. */
export function keyPath(path: string, key: string): string {
  return IDENT_RE.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The three container lists, in the upstream visiting order. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** One container of the pod, with its location. */
export interface ContainerRef {
  /** The container mapping. */
  readonly container: PlainRecord;
  /** Its `securityContext` mapping, if any. */
  readonly sc: PlainRecord | undefined;
  /** Its name (or `#<index>` if it has none). */
  readonly name: string;
  /** Its path in the original object, e.g. `spec.containers[0]`. */
  readonly path: string;
  /** `container "name"`, for messages. */
  readonly label: string;
}

/** Everything a check needs about one pod. */
export interface PodContext {
  readonly spec: PlainRecord;
  /** `spec.securityContext`, if a mapping. */
  readonly podSc: PlainRecord | undefined;
  /** Pod (template) annotations, if a mapping. */
  readonly annotations: PlainRecord | undefined;
  readonly specPath: string;
  readonly metadataPath: string;
  /** Init containers, then containers, then ephemeral containers. */
  readonly containers: readonly ContainerRef[];
  /** `spec.os.name == "windows"`. */
  readonly windows: boolean;
  /** `spec.hostUsers` explicitly `false`. */
  readonly hostUsersFalse: boolean;
}

/** Builds the evaluation context of one pod template. */
export function buildPodContext(view: PodTemplateView): PodContext {
  const spec = view.spec;
  const containers: ContainerRef[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = asArray(spec[list]);
    if (items === undefined) {
      continue;
    }
    for (let i = 0; i < items.length; i++) {
      const container = asRecord(items[i]);
      if (container === undefined) {
        continue;
      }
      const name = typeof container.name === 'string' ? container.name : `#${i}`;
      containers.push({
        container,
        sc: asRecord(container.securityContext),
        name,
        path: `${view.specPath}.${list}[${i}]`,
        label: `container ${JSON.stringify(name)}`,
      });
    }
  }
  return {
    spec,
    podSc: asRecord(spec.securityContext),
    annotations: asRecord(view.metadata?.annotations),
    specPath: view.specPath,
    metadataPath: view.metadataPath,
    containers,
    windows: asRecord(spec.os)?.name === 'windows',
    hostUsersFalse: spec.hostUsers === false,
  };
}

/** Collects the findings of one evaluation; the evaluator sets the current check. */
export class FindingSink {
  /** Findings reported so far, in order. */
  public readonly findings: PssFinding[] = [];
  private id = '';
  private level: PssCheckLevel = 'baseline';
  private reason = '';

  /** Makes `check` the check that subsequent {@link add} calls report for. */
  public begin(check: PssCheckInfo): void {
    this.id = check.id;
    this.level = check.level;
    this.reason = check.reason;
  }

  /**
   * Reports one violation of the current check.
   * @param path path of the offending field in the original object
   * @param detail specifics, shown in parentheses after the upstream reason
   * @param fix one sentence telling what to set
   */
  public add(path: string, detail: string, fix: string): void {
    this.findings.push({ check: this.id, level: this.level, message: `${this.reason} (${detail})`, path, fix });
  }
}

/** The implementation of one versioned behaviour of a check. */
export type CheckFn = (pod: PodContext, sink: FindingSink) => void;

/** One versioned behaviour of a check, with its implementation. */
export interface VersionedCheckDefinition {
  readonly minVersion: string;
  readonly overrides: readonly string[];
  readonly behaviour: string;
  readonly evaluate: CheckFn;
  /** The admission form (CEL, true when the pod passes); see {@link PssCheckVersionInfo.cel}. */
  readonly cel?: string;
}

/** A check with its implementations; {@link PssCheckInfo} plus code. */
export interface CheckDefinition extends PssCheckInfo {
  readonly versions: readonly VersionedCheckDefinition[];
}

/** `container "name"`, as in upstream messages. */
export function containerLabel(c: ContainerRef): string {
  return c.label;
}

/** Messages of {@link checkInheritable}. */
export interface InheritableMessages {
  readonly podBad: (pod: PodContext) => string;
  readonly containerBad: (c: ContainerRef) => string;
  readonly missing: (names: string) => string;
  readonly fixPod: string;
  readonly fixContainer: (c: ContainerRef) => string;
  readonly fixMissing: string;
}

/** Shared logic of runAsNonRoot and seccompProfile_restricted: a pod-level setting every container can inherit. */
export function checkInheritable(
  pod: PodContext,
  sink: FindingSink,
  field: string,
  read: (sc: PlainRecord | undefined) => 'good' | 'bad' | 'unset',
  describe: InheritableMessages,
): void {
  const podState = read(pod.podSc);
  const podPath = `${pod.specPath}.securityContext.${field}`;
  if (podState === 'bad') {
    sink.add(podPath, describe.podBad(pod), describe.fixPod);
  }
  let missing: string[] | undefined;
  for (const c of pod.containers) {
    const state = read(c.sc);
    if (state === 'bad') {
      sink.add(`${c.path}.securityContext.${field}`, describe.containerBad(c), describe.fixContainer(c));
    } else if (state === 'unset' && podState !== 'good') {
      (missing ??= []).push(JSON.stringify(c.name));
    }
  }
  if (missing !== undefined && podState !== 'bad') {
    sink.add(podPath, describe.missing(missing.join(', ')), describe.fixMissing);
  }
}
