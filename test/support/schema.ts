import { KubeObject } from '../../policy/kube-object';

interface ModelClass { new(data: unknown): { validate(): void } }

/**
 * Validates an object against the Kubernetes OpenAPI schema, using the validators generated
 * from it by the `kubernetes-models` package (an oracle we did not write). Throws with the
 * object's identity and the schema error. Unknown kinds throw too, so nothing goes unchecked.
 */
export function validateAgainstKubernetesSchema(obj: KubeObject): void {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [undefined, obj.apiVersion];
  let model: ModelClass | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(`kubernetes-models/${group ? `${group}/` : ''}${version}`)[obj.kind] as ModelClass | undefined;
  } catch {
    model = undefined;
  }
  if (!model) throw new Error(`no Kubernetes schema for ${obj.apiVersion} ${obj.kind}`);
  try {
    new model(obj).validate();
  } catch (e) {
    throw new Error(`${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}: ${(e as Error).message}`);
  }
}
