/**
 * The upstream signature-policy CRDs (test/fixtures/crds/sigstore, kyverno; copies of
 * ../shared/crds) as offline validators: each served version's openAPIV3Schema compiled with
 * ajv. Weaker than the API server (no unknown-field pruning, no defaults): test/cluster applies
 * the same objects with strict field validation.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../policy/kube-object';

const DIR = path.join(__dirname, '..', 'fixtures', 'crds');
/** The CRD files of the two engines. */
export const SIGNATURE_CRD_FILES = [path.join(DIR, 'sigstore', '300-clusterimagepolicy.yaml'), path.join(DIR, 'kyverno', 'policies.kyverno.io_imagevalidatingpolicies.yaml')];

interface Crd { spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] } }
let validators: Map<string, ValidateFunction> | undefined;

function all(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validators = new Map();
  for (const file of SIGNATURE_CRD_FILES) {
    for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8')) as Crd[]) {
      for (const v of doc.spec.versions) validators.set(`${doc.spec.group}/${v.name} ${doc.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
    }
  }
  return validators;
}

/** True for objects of the policy.sigstore.dev and policies.kyverno.io groups. */
export function isSignaturePolicy(obj: KubeObject): boolean {
  return /^(policy\.sigstore\.dev|policies\.kyverno\.io)\//.test(obj.apiVersion);
}

/** Validates a signature policy against its CRD's schema; throws with the errors. */
export function validateAgainstSignatureCrd(obj: KubeObject): void {
  const key = `${obj.apiVersion} ${obj.kind}`;
  const validate = all().get(key);
  if (!validate) throw new Error(`no signature CRD schema for ${key}`);
  if (!validate(obj as unknown)) throw new Error(`${obj.kind} ${obj.metadata?.name}: ${JSON.stringify(validate.errors)}`);
}
