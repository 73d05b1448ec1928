import { ApiObject, JsonPatch } from 'cdk8s';

const PATCHES = new WeakMap<ApiObject, JsonPatch[]>();

/**
 * Applies JSON patches to an object's FINAL JSON. Private module.
 *
 * cdk8s's documented escape hatch, `ApiObject.addJsonPatch`, runs before the typed serializer of
 * cdk8s-plus-28's generated Kubernetes 1.28 classes (`KubeDeployment.toJson`), which rebuilds the
 * object from the fields it knows: a patched `appArmorProfile` (Kubernetes 1.30) is dropped, and
 * quantities written as strings become empty. Patches added here run after that serializer, so
 * what we write is what is emitted. See docs/decisions.md.
 */
export function addPostRenderPatch(apiObject: ApiObject, ...patches: JsonPatch[]): void {
  let list = PATCHES.get(apiObject);
  if (!list) {
    list = [];
    PATCHES.set(apiObject, list);
    const render = apiObject.toJson.bind(apiObject);
    const own = list;
    Object.defineProperty(apiObject, 'toJson', {
      value: () => JsonPatch.apply(render(), ...own),
      configurable: true,
    });
  }
  list.push(...patches);
}

const TRANSFORMS = new WeakMap<ApiObject, ((json: Record<string, unknown>) => void)[]>();

/**
 * Runs `transform` on the object's final JSON, after its JSON patches (for edits that JSON Patch
 * cannot express in one step, such as appending to an array that may not exist yet).
 */
export function addPostRenderTransform(apiObject: ApiObject, transform: (json: Record<string, unknown>) => void): void {
  let list = TRANSFORMS.get(apiObject);
  if (!list) {
    list = [];
    TRANSFORMS.set(apiObject, list);
    addPostRenderPatch(apiObject); // makes sure the patch wrapper exists
    const render = apiObject.toJson.bind(apiObject);
    const own = list;
    Object.defineProperty(apiObject, 'toJson', {
      value: () => {
        const json = render() as Record<string, unknown>;
        for (const t of own) t(json);
        return json;
      },
      configurable: true,
    });
  }
  list.push(transform);
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
