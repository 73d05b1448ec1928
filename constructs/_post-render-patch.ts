import { ApiObject, JsonPatch } from 'cdk8s';

// Private module: what the constructs write into an object's final JSON, recorded here and run by
// HardenedApp's render stage (renderFinal), after cdk8s's own toJson. Nothing redefines toJson.

const PATCHES = new WeakMap<ApiObject, JsonPatch[]>();
const TRANSFORMS = new WeakMap<ApiObject, ((json: Record<string, unknown>) => void)[]>();

/**
 * Applies JSON patches to an object's FINAL JSON.
 *
 * cdk8s's documented escape hatch, `ApiObject.addJsonPatch`, runs before the typed serializer of
 * cdk8s-plus-28's generated Kubernetes 1.28 classes (`KubeDeployment.toJson`), which rebuilds the
 * object from the fields it knows: a patched `appArmorProfile` (Kubernetes 1.30) is dropped, and
 * quantities written as strings become empty. Patches added here run after that serializer, so
 * what we write is what is emitted. See docs/decisions.md.
 */
export function addPostRenderPatch(apiObject: ApiObject, ...patches: JsonPatch[]): void {
  const list = PATCHES.get(apiObject) ?? [];
  PATCHES.set(apiObject, list);
  list.push(...patches);
}

/**
 * Runs `transform` on the object's final JSON, after its JSON patches (for edits that JSON Patch
 * cannot express in one step, such as appending to an array that may not exist yet).
 */
export function addPostRenderTransform(apiObject: ApiObject, transform: (json: Record<string, unknown>) => void): void {
  const list = TRANSFORMS.get(apiObject) ?? [];
  TRANSFORMS.set(apiObject, list);
  list.push(transform);
}

/**
 * The render stage of one object: cdk8s's `toJson` (its escape-hatch patches included), then the
 * post-render patches, then the transforms, in the order they were added. Called once per object
 * per synth by HardenedApp.
 */
export function renderFinal(apiObject: ApiObject): Record<string, unknown> {
  let json = apiObject.toJson() as Record<string, unknown>;
  const patches = PATCHES.get(apiObject);
  if (patches !== undefined && patches.length > 0) json = JsonPatch.apply(json, ...patches) as Record<string, unknown>;
  for (const transform of TRANSFORMS.get(apiObject) ?? []) transform(json);
  return json;
}

/** The object at a path of keys in rendered JSON, or `undefined` when it is missing or not an object. */
export function dig(json: Record<string, unknown>, pointer: readonly string[]): Record<string, unknown> | undefined {
  let cur: unknown = json;
  for (const key of pointer) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur !== null && typeof cur === 'object' ? cur as Record<string, unknown> : undefined;
}
