import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import { Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { HardenedApp, HardenedAppProps, HardenedDeployment, HardenedNamespace, IstioMesh, IstioMeshProps, NamespaceMesh, Peer, Port } from '../../constructs';
import { KubeObject } from '../../policy/kube-object';
import { container } from '../support/fixtures';
import { testApp } from '../support/manifests';
import { celEnvironment, toCelValue } from '../admission/_cel-engine';

/** The Istio security CRDs the typed classes were generated from (unchanged upstream documents). */
export const ISTIO_CRDS_FILE = path.join(__dirname, '..', '..', 'constructs', 'imports', 'istio', 'security-crds.yaml');

/** All of Istio's CRDs, copied unchanged from upstream (test/fixtures/crds/istio; CI compares them with ../shared). */
export const ISTIO_ALL_CRDS_FILE = path.join(__dirname, '..', 'fixtures', 'crds', 'istio', 'customresourcedefinitions.gen.yaml');

/** The Gateway API v1.5.1 CRDs, copied unchanged from upstream (test/fixtures/crds/SOURCES.md). */
export const GATEWAY_API_CRD_FILES = ['gateways', 'httproutes', 'grpcroutes', 'referencegrants']
  .map(n => path.join(__dirname, '..', 'fixtures', 'crds', 'gateway-api', `gateway.networking.k8s.io_${n}.yaml`));

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
}

type Schema = Record<string, any>;
let validators: Map<string, ValidateFunction> | undefined;
const schemas = new Map<string, Schema>();

/**
 * CEL rules cel-js cannot evaluate: `has()` on a field of an indexed element (`has(self.matches[0].path)`)
 * and RE2's `(?i)` flag in `matches()`, both valid Kubernetes CEL. Skipped here, by message; the real
 * API server judges them in test/cluster.
 */
export const UNEVALUATED_CEL_RULES = new Set<string>();

/** The failures of the schema's CEL rules (`x-kubernetes-validations`) on `value`, as the API server evaluates them with `self`. */
function celFailures(schema: Schema | undefined, value: unknown, at: string): string[] {
  if (!schema || value === undefined || value === null) return [];
  const out: string[] = [];
  for (const v of (schema['x-kubernetes-validations'] ?? []) as { rule: string; message?: string }[]) {
    if (v.rule.includes('oldSelf')) continue; // transition rules need the stored object
    let result: unknown;
    try {
      result = celEnvironment().evaluate(v.rule, { self: toCelValue(value) });
    } catch (e) {
      const message = (e as Error).message;
      const hasOnIndex = message.startsWith('has() invalid argument') && /has\(self(\.\w+)?\[\d+\]\./.test(v.rule);
      const re2Flag = message.startsWith('Invalid regular expression') && v.rule.includes('(?i)');
      if (hasOnIndex || re2Flag) {
        UNEVALUATED_CEL_RULES.add(v.message ?? v.rule);
        continue;
      }
      result = `error: ${(e as Error).message}`;
    }
    if (result !== true) out.push(`${at}: ${v.message ?? v.rule} (${String(result)})`);
  }
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...celFailures(schema.items, item, `${at}[${i}]`)));
  else if (typeof value === 'object') {
    for (const [k, child] of Object.entries(value as Record<string, unknown>)) {
      out.push(...celFailures(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), child, `${at}.${k}`));
    }
  }
  return out;
}

/** One ajv validator per `apiVersion kind` of the Istio security CRDs, from their openAPIV3Schema. */
function istioValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  // the CRD schemas carry x-kubernetes-* extensions and formats ajv does not know: not checked here
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validators = new Map();
  const docs = [ISTIO_CRDS_FILE, ...GATEWAY_API_CRD_FILES].flatMap(f => yaml.loadAll(fs.readFileSync(f, 'utf8')) as Crd[]);
  // the networking CRDs the mesh layer writes (ServiceEntry), from Istio's full CRD file (unchanged upstream copy)
  docs.push(...(yaml.loadAll(fs.readFileSync(ISTIO_ALL_CRDS_FILE, 'utf8')) as Crd[]).filter(d => d?.spec?.group === 'networking.istio.io' && d.spec.names.kind === 'ServiceEntry'));
  for (const doc of docs.filter(d => d?.spec?.versions)) {
    for (const v of doc.spec.versions) {
      validators.set(`${doc.spec.group}/${v.name} ${doc.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
      schemas.set(`${doc.spec.group}/${v.name} ${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return validators;
}

/** The `apiVersion kind` pairs the CRDs define, e.g. `security.istio.io/v1 AuthorizationPolicy`. */
export function istioSchemaKeys(): string[] {
  return [...istioValidators().keys()];
}

/**
 * Validates an Istio object against its CRD's openAPIV3Schema (ajv) and the schema's CEL rules
 * (`x-kubernetes-validations`, evaluated with cel-js); throws with the object and the errors.
 */
export function validateAgainstIstioCrd(obj: KubeObject): void {
  const key = `${obj.apiVersion} ${obj.kind}`;
  const validate = istioValidators().get(key);
  if (!validate) throw new Error(`no Istio CRD schema for ${key}`);
  const what = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
  if (!validate(obj as unknown)) throw new Error(`${what}: ${JSON.stringify(validate.errors)}`);
  const cel = celFailures(schemas.get(key), obj, '');
  if (cel.length > 0) throw new Error(`${what}: CEL ${cel.join('; ')}`);
}

/** How many CEL rules the CRD schema of `apiVersion kind` carries (for the tests' sanity). */
export function celRuleCount(key: string): number {
  istioValidators();
  const count = (s: unknown): number => (s === null || typeof s !== 'object' ? 0
    : Object.entries(s as Schema).reduce((n, [k, v]) => n + (k === 'x-kubernetes-validations' ? (v as unknown[]).length : count(v)), 0));
  return count(schemas.get(key));
}

/** True for objects of the Istio API groups. */
export function isIstioObject(obj: KubeObject): boolean {
  return /\.istio\.io\//.test(obj.apiVersion);
}

/** True for objects of the Gateway API (validated against the upstream CRDs by {@link validateAgainstIstioCrd}). */
export function isGatewayApiObject(obj: KubeObject): boolean {
  return obj.apiVersion.startsWith('gateway.networking.k8s.io/');
}

/** Options of {@link meshedStorefront}. */
export interface StorefrontOptions {
  readonly app?: HardenedAppProps;
  readonly mesh?: IstioMeshProps;
  /** The data-plane mode of every namespace. */
  readonly mode?: 'sidecar' | 'ambient';
}

/**
 * The default blueprint's topology (storefront, backend, data; web, api, thumbnailer, postgres;
 * ingress, an external payment provider, DNS) with every namespace in the mesh.
 */
export function meshedStorefront(options: StorefrontOptions = {}): { app: HardenedApp; mesh: IstioMesh; namespaces: HardenedNamespace[] } {
  const app = testApp(options.app);
  const cluster = new Chart(app, 'cluster');
  const mesh = new IstioMesh(cluster, 'mesh', options.mesh);
  const meshOf = () => (options.mode === 'ambient' ? NamespaceMesh.ambient() : NamespaceMesh.sidecar());
  const namespaces = ['storefront', 'backend', 'data'].map(n => new HardenedNamespace(cluster, n, { mesh: meshOf() }));
  const workload = (ns: string, name: string, port: number) =>
    new HardenedDeployment(new Chart(app, `${ns}-${name}`, { namespace: ns }), name, { containers: [container({ name, ports: [{ number: port, name: 'http' }] })] });
  const web = workload('storefront', 'web', 8080);
  const api = workload('backend', 'api', 8080);
  const thumbnailer = workload('backend', 'thumbnailer', 8081);
  const postgres = workload('data', 'postgres', 5432);
  web.allowFrom(Peer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, { serviceAccount: 'ingress-nginx' }), { ports: [Port.tcp(8080)] });
  web.allowTo(api, { ports: [Port.tcp(8080)] });
  api.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [Port.tcp(443)] });
  api.allowTo(thumbnailer, { ports: [Port.tcp(8081)] });
  api.allowTo(postgres, { ports: [Port.tcp(5432)] });
  return { app, mesh, namespaces };
}
