import { ApiObject, JsonPatch } from 'cdk8s';
import type { KubeObject } from '../policy/kube-object';
import { podTemplateOf, type PodTemplateView } from '../policy/pss';
import { UNPINNED_IMAGES_ANNOTATION } from '../policy/rules';
import { annotationsProblem, labelProblem } from './_validate';
import type { RenderedObject } from './_output-layout';

// Private module: checks of the final objects that no single prop can make: what the API server
// would reject although every input was valid (escape hatches, the exceptions annotation), and
// escape-hatch patches that did not take effect. Each error names the construct path, the field,
// the value and the fix.

/**
 * Every error of the final objects, `[construct path] field: value problem. Fix: ...`.
 * @param acceptsTags for each workload's pod-template object, whether it accepts an image by tag
 * through the API (`ContainerImage.fromTag`); the admission policies exempt exactly those
 */
export function checkFinalObjects(objects: readonly RenderedObject[], acceptsTags: ReadonlyMap<ApiObject, boolean> = new Map()): string[] {
  const errors: string[] = [];
  const runtimeClasses = new Set(objects.filter(o => o.object.kind === 'RuntimeClass').map(o => o.object.metadata?.name));
  for (const { object, apiObject } of objects) {
    const at = (field: string, value: unknown, problem: string, fix: string) => errors.push(`[${apiObject.node.path}] ${field}: ${JSON.stringify(value)} ${problem}. Fix: ${fix}`);
    const annotations = annotationsProblem(object.metadata?.annotations);
    if (annotations) at(annotations.field, annotations.value, annotations.problem, annotations.fix);
    const template = podTemplateOf(object);
    if (template && template.metadata !== object.metadata) {
      const templateAnnotations = annotationsProblem(template.metadata?.annotations);
      if (templateAnnotations) at(`${template.metadataPath}.${templateAnnotations.field.replace(/^metadata\./, '')}`, templateAnnotations.value, templateAnnotations.problem, templateAnnotations.fix);
    }
    // labels an escape hatch set, on the object and on its pod template (apimachinery ValidateLabels)
    const labelSets: [string, Readonly<Record<string, unknown>> | undefined][] = [['metadata.labels', object.metadata?.labels as Record<string, unknown> | undefined]];
    if (template && template.metadata !== object.metadata) labelSets.push([`${template.metadataPath}.labels`, template.metadata?.labels as Record<string, unknown> | undefined]);
    for (const [path, set] of labelSets) {
      for (const [key, value] of Object.entries(set ?? {})) {
        const problem = labelProblem(key, value);
        if (problem) at(`${path}[${JSON.stringify(key)}]`, problem.value, problem.problem, problem.fix);
      }
    }
    if (template) checkProbes(template, at);
    const runtimeClassName = template?.spec.runtimeClassName;
    if (template && runtimeClassName !== undefined && !runtimeClasses.has(runtimeClassName as string)) {
      at(`${template.specPath}.runtimeClassName`, runtimeClassName, 'names no RuntimeClass of the app: the API server refuses its pods while none of that name exists (RuntimeClass admission)',
        `define it with new SandboxRuntimeClass(...) in a cluster chart of this app and pass that as runtimeClass${runtimeClasses.size > 0 ? ` (the app defines ${JSON.stringify([...runtimeClasses])})` : ''}`);
    }
    const unpinned = template?.metadata?.annotations?.[UNPINNED_IMAGES_ANNOTATION];
    if (template && unpinned !== undefined && acceptsTags.get(apiObject) === false) {
      // HARDENED-1 at synth reads the annotation; admission exempts only what the API declared
      at(`${template.metadataPath}.annotations[${JSON.stringify(UNPINNED_IMAGES_ANNOTATION)}]`, unpinned, 'was written by an escape hatch, not by ContainerImage.fromTag, so synth would accept the tag and the admission policies would deny it',
        'accept the tag with ContainerImage.fromTag(ref, { reason }) on the container, or pin the image by digest');
    }
    checkPatches(apiObject, object, at);
  }
  return errors;
}

type Report = (field: string, value: unknown, problem: string, fix: string) => void;

/** Probe ports: a number from 1 to 65535, or the name of a port of the same container (core/v1 validateProbe). */
function checkProbes(view: PodTemplateView, at: Report): void {
  const spec = view.spec as Record<string, unknown>;
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = Array.isArray(spec[list]) ? spec[list] as Record<string, any>[] : [];
    containers.forEach((c, i) => {
      const names = new Set(((c.ports ?? []) as { name?: string }[]).map(p => p.name).filter(Boolean));
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
          const port = c[probe]?.[handler]?.port;
          if (port === undefined) continue;
          const field = `${view.specPath}.${list}[${i}].${probe}.${handler}.port`;
          if (typeof port === 'number' ? !(Number.isInteger(port) && port >= 1 && port <= 65535) : !names.has(port)) {
            at(field, port, typeof port === 'number' ? 'is not a port number from 1 to 65535' : 'is not the name of a port of this container',
              'probe a port the container listens on, e.g. Probe.fromHttpGet("/ready", { port: 8080 })');
          }
        }
      }
    });
  }
}

interface PatchOperation { readonly op: string; readonly path: string; readonly value?: unknown }

/**
 * A user's `ApiObject.addJsonPatch` that did not take effect: the typed serializer of the
 * cdk8s-plus classes drops fields it does not know (a misspelled `hostPid`), and our hardening
 * overwrites what it guarantees (seccomp `Unconfined`). The output is safe either way, but the
 * author believes the patch applied; say so.
 */
function checkPatches(apiObject: ApiObject, object: KubeObject, at: Report): void {
  const patches = (apiObject as unknown as { patches?: JsonPatch[] }).patches ?? [];
  for (const patch of patches) {
    const op = (patch as unknown as { operation?: PatchOperation }).operation;
    if (!op || (op.op !== 'add' && op.op !== 'replace')) continue;
    if (op.path.endsWith('/-')) continue; // an append: its index is unknown afterwards
    const found = lookup(object, op.path);
    if (!found.exists || JSON.stringify(found.value) !== JSON.stringify(op.value)) {
      at(`addJsonPatch(${op.op} ${op.path})`, op.value,
        found.exists ? `did not take effect: the final object has ${JSON.stringify(found.value)} there (a hardened default wins)` : 'did not take effect: the field is not in the final object (the typed serializer drops fields it does not know, e.g. a misspelled name)',
        'check the field name and casing against the Kubernetes API, or drop the patch; a hardened default can only be relaxed through the construct\'s props or a PolicyException');
    }
  }
}

function lookup(object: unknown, pointer: string): { exists: boolean; value?: unknown } {
  let cur: unknown = object;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) return { exists: false };
    cur = (cur as Record<string, unknown>)[key];
  }
  return { exists: true, value: cur };
}
