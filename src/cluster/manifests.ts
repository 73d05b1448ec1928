/**
 * Reads every manifest of a directory and orders the objects the way they can be applied to an
 * empty cluster: API definitions first, then admission policies, then namespaces and the rest.
 * Pure but for reading the files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { KubeJson } from './kube-client';

/** One object read from a manifest, with the file it came from. */
export interface ManifestObject {
  readonly object: KubeJson;
  /** The file, relative to the directory it was read from. */
  readonly file: string;
}

/** The apply phases, in order. */
export enum ApplyPhase {
  /** CustomResourceDefinitions and APIServices: the types the rest may use. */
  API_DEFINITIONS = 0,
  /** ValidatingAdmissionPolicies, MutatingAdmissionPolicies, webhooks, Gatekeeper ConstraintTemplates. */
  ADMISSION_POLICIES = 1,
  /** Bindings of those policies, and Gatekeeper Constraints (their CRDs come from the templates). */
  ADMISSION_BINDINGS = 2,
  /** Namespaces. */
  NAMESPACES = 3,
  /** Everything else. */
  OBJECTS = 4,
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** The group Gatekeeper serves the Constraints of ConstraintTemplates in. */
export const CONSTRAINTS_GROUP = 'constraints.gatekeeper.sh';

/** The apply phase of an object. */
export function phaseOf(object: KubeJson): ApplyPhase {
  const group = String(object.apiVersion ?? '').includes('/') ? String(object.apiVersion).split('/')[0] : '';
  switch (object.kind) {
    case 'CustomResourceDefinition':
    case 'APIService':
      return ApplyPhase.API_DEFINITIONS;
    case 'ValidatingAdmissionPolicy':
    case 'MutatingAdmissionPolicy':
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
    case 'ConstraintTemplate':
      return ApplyPhase.ADMISSION_POLICIES;
    case 'ValidatingAdmissionPolicyBinding':
    case 'MutatingAdmissionPolicyBinding':
      return ApplyPhase.ADMISSION_BINDINGS;
    case 'Namespace':
      return ApplyPhase.NAMESPACES;
    default:
      return group === CONSTRAINTS_GROUP ? ApplyPhase.ADMISSION_BINDINGS : ApplyPhase.OBJECTS;
  }
}

/** Every manifest file under `dir` (recursively, sorted by path), relative to it. */
export function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && MANIFEST_EXTENSIONS.has(path.extname(e.name))) out.push(child);
    }
  };
  walk('');
  return out;
}

/**
 * Every object of every manifest under `dir`, in file order; `List` objects are unpacked.
 * @throws Error naming the file when a document is not valid YAML or not an object with apiVersion and kind
 */
export function readManifests(dir: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const file of manifestFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const docs = parseAllDocuments(text);
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) throw new Error(`${path.join(dir, file)}: ${doc.errors[0].message}`);
      const value = doc.toJS() as unknown;
      if (value === null || value === undefined) continue;
      for (const object of unpack(value, `${path.join(dir, file)}`)) out.push({ object, file });
    }
  }
  return out;
}

function unpack(value: unknown, where: string): KubeJson[] {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) throw new Error(`${where}: a document is not an object`);
  const o = value as KubeJson;
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw new Error(`${where}: a document has no apiVersion or kind`);
  if (o.kind.endsWith('List') && Array.isArray(o.items)) return (o.items as unknown[]).flatMap(i => unpack(i, where));
  return [o];
}

/** The objects grouped by apply phase, each group in input order. */
export function byPhase(objects: readonly ManifestObject[]): ManifestObject[][] {
  const phases: ManifestObject[][] = [[], [], [], [], []];
  for (const o of objects) phases[phaseOf(o.object)].push(o);
  return phases;
}

/** `Deployment shop/api`; a cluster-scoped object without namespace: `Namespace shop`. */
export function describeObject(object: KubeJson): string {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name ?? ''}`;
}
