/**
 * Validates Gatekeeper objects against the CRD schemas Gatekeeper ships (copied unchanged from
 * the shared CRD folder into test/fixtures/crds/gatekeeper; CI checks the copy against the original): a ConstraintTemplate against the
 * ConstraintTemplate CRD's openAPIV3Schema; a Constraint's `spec.match` against Gatekeeper's
 * match schema, its `spec.parameters` against its template's parameter schema, and its
 * `enforcementAction` against the actions Gatekeeper knows.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../policy/kube-object';

const CRDS = path.resolve(__dirname, '..', 'fixtures', 'crds', 'gatekeeper');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const cache = new Map<string, ValidateFunction>();

function crdSchema(file: string, version: string, pick: (s: Json) => Json = s => s): ValidateFunction {
  const key = `${file}#${version}`;
  let fn = cache.get(key);
  if (!fn) {
    const crd = parseAllDocuments(fs.readFileSync(path.join(CRDS, file), 'utf8')).map(d => d.toJS()).find(d => d?.kind === 'CustomResourceDefinition');
    const v = crd.spec.versions.find((x: Json) => x.name === version);
    fn = ajv.compile(pick(v.schema.openAPIV3Schema));
    cache.set(key, fn);
  }
  return fn;
}

function check(fn: ValidateFunction, value: unknown, what: string): void {
  if (!fn(value)) throw new Error(`${what}: ${ajv.errorsText(fn.errors)}`);
}

/** Throws when a Gatekeeper object (template or constraint) breaks its schema; `templates` resolve a constraint's parameter schema. */
export function validateGatekeeperObject(object: KubeObject, templates: readonly KubeObject[]): void {
  const o = object as Json;
  if (o.kind === 'ConstraintTemplate') {
    const version = o.apiVersion.split('/')[1];
    check(crdSchema('constrainttemplate-customresourcedefinition.yaml', version), o, `ConstraintTemplate ${o.metadata.name}`);
    if (o.metadata.name !== o.spec.crd.spec.names.kind.toLowerCase()) throw new Error(`ConstraintTemplate ${o.metadata.name}: name must be the lowercase kind`);
    return;
  }
  if (o.apiVersion !== 'constraints.gatekeeper.sh/v1beta1') throw new Error(`not a Gatekeeper object: ${o.apiVersion} ${o.kind}`);
  const template = (templates as unknown as Json[]).find(t => t.kind === 'ConstraintTemplate' && t.spec.crd.spec.names.kind === o.kind);
  if (!template) throw new Error(`Constraint ${o.kind} ${o.metadata.name}: no ConstraintTemplate defines kind ${o.kind}`);
  check(crdSchema(path.join('reference', 'match.gatekeeper.sh_matchcrd.yaml'), 'match', s => s.properties.embeddedMatch), o.spec.match, `Constraint ${o.kind} ${o.metadata.name} spec.match`);
  const params = template.spec.crd.spec.validation.openAPIV3Schema;
  const key = `params:${o.kind}`;
  let fn = cache.get(key);
  if (!fn) cache.set(key, (fn = ajv.compile({ ...params, additionalProperties: false })));
  check(fn, o.spec.parameters ?? {}, `Constraint ${o.kind} ${o.metadata.name} spec.parameters`);
  if (!['deny', 'warn', 'dryrun', 'scoped'].includes(o.spec.enforcementAction)) throw new Error(`Constraint ${o.metadata.name}: enforcementAction ${o.spec.enforcementAction}`);
}
