import * as path from 'path';
import { ApiObject, App, AppProps, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { type KubeObject, type PolicyResult, type RulePack, type RuleException } from '../policy';
import { AdmissionLayer } from './admission/admission-layer';
import type { AdmissionProps } from './admission/admission-props';
import { AppModel, IModelRoot, markModelRoot } from './app-model';
import { SynthValidationError } from './errors';
import { checkFileName, recoverInterruptedSwap, resolveOutdir, sameDirectory, writeDirAtomically, writeFiles } from './_atomic-output';
import { CLUSTER_FILE_BASENAME, KIND_ORDER, layOut, type RenderedObject } from './_output-layout';
import { checkFinalObjects } from './_final-object-checks';
import { runPolicyPass } from './_policy-pass';
import { renderFinal } from './_post-render-patch';
import { serializeDocuments } from './_yaml-serializer';

export { CLUSTER_FILE_BASENAME, KIND_ORDER };

/** One synthesized object and where it came from and goes to. */
export interface SynthesizedObject {
  /** The object exactly as written (plain JSON; frozen when handed to reporters). */
  readonly object: KubeObject;
  /** Path of the `ApiObject` construct that rendered it. */
  readonly constructPath: string;
  /** The manifest file it is written to, relative to outdir (e.g. `backend.yaml`). */
  readonly file: string;
}

/** The result of a synthesis, in memory: nothing has been written yet. */
export interface Synthesis {
  /** Every object, in output order: by file (cluster file first, then namespaces by name), then kind order, then name. */
  readonly objects: readonly SynthesizedObject[];
  /** The manifests: file name relative to outdir, to its YAML. */
  readonly manifests: Readonly<Record<string, string>>;
  /**
   * The one policy pass over {@link objects} (same indexes): Pod Security at each namespace's
   * levels, the rule packs, and which exceptions covered which finding.
   */
  readonly policy: PolicyResult<RuleException>;
}

/**
 * Renders extra files (e.g. a Markdown security report) from the synthesized objects. Returns
 * file names relative to outdir (segments of `[A-Za-z0-9._-]`, `/`-separated) to contents.
 * Must not mutate its input (the objects are frozen).
 */
export type Reporter = (objects: readonly KubeObject[], synthesis: Synthesis) => Readonly<Record<string, string>>;

/** Props of {@link HardenedApp}. `yamlOutputType` is not offered: the layout is one file per namespace. */
export interface HardenedAppProps extends Omit<AppProps, 'yamlOutputType'> {
  /**
   * Where `synth()` writes, atomically. When it is set and `cdk8s synth` runs the app with
   * another directory (`CDK8S_OUTDIR`, from cdk8s.yaml `output`), the files are written there
   * too, for the CLI. Point cdk8s.yaml `output` at a scratch directory and this at `dist` to keep
   * `dist/` through a failing `cdk8s synth` (the CLI deletes its `output` before it runs the app).
   * @default - CDK8S_OUTDIR, else "dist"
   */
  readonly outdir?: string;
  /**
   * The manifest file extension.
   * @default ".yaml"
   */
  readonly outputFileExtension?: string;
  /**
   * The Kubernetes minor version the blueprint targets, `1.N` from 1.28 to 1.37: the one place
   * that decides every version-dependent output (Pod Security version labels, AppArmor field or
   * annotation, native sidecars, ValidatingAdmissionPolicy version, Istio default); a line past
   * its end of life warns at synth. See `AppModel.kubernetesVersion`.
   * @default - context key `cdk8s-hardened:kubernetesVersion`, else "1.36" (DEFAULT_KUBERNETES_VERSION)
   */
  readonly kubernetesVersion?: string;
  /**
   * The Istio minor version the mesh layer writes for, e.g. "1.31"; read only when the app uses
   * the mesh (`IstioMesh`, `HardenedNamespace` `mesh`). A line outside ISTIO_RELEASES fails
   * synth; one whose stated Kubernetes range does not include `kubernetesVersion`, or past its
   * end of life, warns.
   * @default - context key `cdk8s-hardened:istioVersion`, else the newest Istio line that
   * supports the Kubernetes version ("1.31" for "1.36", "1.24" for "1.28"; for "1.37" none, and
   * synth fails with the range and this override)
   */
  readonly istioVersion?: string;
  /**
   * The rule packs the policy pass runs after Pod Security.
   * @default [HARDENED_PACK]
   */
  readonly rulePacks?: readonly RulePack[];
  /**
   * Writes the admission policies of the rules (ValidatingAdmissionPolicy + Binding, Gatekeeper
   * ConstraintTemplate + Constraint, per rule) into the cluster-scoped chart `admission`; see
   * docs/admission.md.
   * @default - no admission policies
   */
  readonly admission?: AdmissionProps;
  /**
   * Extra files rendered from the synthesized objects and written with the manifests, in the
   * same atomic swap. See also {@link HardenedApp.extraFiles}.
   * @default []
   */
  readonly reporters?: readonly Reporter[];
}

const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/**
 * The cdk8s `App` that our constructs need: it owns the app's {@link AppModel} and synthesizes in
 * one pass, top-down:
 *
 * 1. prepare: the model's layers derive their objects (NetworkPolicies from the connectivity graph);
 * 2. validate: every construct validation (`node.addValidation`), once, all errors together;
 * 3. render: each `ApiObject` once, to plain JSON (cdk8s's `toJson`, then the post-render patches
 *    and transforms our constructs recorded; `renderFinal`);
 * 4. lay out: one file per namespace plus `cluster.yaml`, in {@link KIND_ORDER}; duplicates fail;
 * 5. evaluate: Pod Security, the rule packs and the exceptions, once over the final objects;
 *    exceptions that covered a finding are annotated on their objects; then what the API server
 *    would reject in the final objects, and escape-hatch patches that did not take effect;
 * 6. serialize: each object to YAML once (js-yaml, quoting for YAML 1.1 readers too);
 * 7. write: into a temporary sibling of outdir, swapped in with renames; a failing synth
 *    leaves the previous outdir untouched.
 *
 * Objects are ordered by kind, not by cdk8s's dependency graph (`addDependency` is not
 * consulted). Charts that override `Chart.toJson` are refused, since it is not called.
 */
export class HardenedApp extends App implements IModelRoot {
  /** The app's model: namespaces, workloads, connectivity, exceptions, target versions. */
  public readonly model: AppModel;
  private readonly reporters: readonly Reporter[];
  private readonly admission?: AdmissionLayer;
  private readonly rulePacks: readonly RulePack[];
  private readonly recordMetadata: boolean;
  /** The `cdk8s synth` output directory, when it is not outdir. */
  private readonly cliOutdir?: string;

  constructor(props: HardenedAppProps = {}) {
    const { reporters, rulePacks, kubernetesVersion, istioVersion, admission, ...appProps } = props;
    const fromCli = process.env.CDK8S_OUTDIR || undefined;
    super({ ...appProps, outdir: props.outdir ?? fromCli, outputFileExtension: props.outputFileExtension ?? '.yaml' });
    markModelRoot(this);
    this.model = new AppModel(this, { kubernetesVersion, istioVersion, rulePacks });
    if (admission !== undefined) {
      this.admission = new AdmissionLayer(this, admission);
      this.model.addLayer(this.admission);
    }
    this.reporters = [...(reporters ?? [])];
    this.rulePacks = this.model.rulePacks;
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
    if (fromCli !== undefined && !sameDirectory(fromCli, this.outdir)) this.cliOutdir = fromCli;
    // now, not at synth: a run that fails before synth (bad input at construction) still gets the previous output back
    for (const line of recoverInterruptedSwap(this.outdir)) console.warn(`warning: [HardenedApp] outdir: ${line}`);
  }

  /**
   * Prepares, validates, renders, evaluates and serializes the app, in memory. Writes nothing.
   * @throws SynthValidationError listing every error of the first step that fails
   */
  public synthObjects(): Synthesis {
    this.model.prepare();
    const all = this.node.findAll();
    validate(all);
    const placed = layOut(render(all), this.outputFileExtension);
    const policy = runPolicyPass(this.model, placed, this.rulePacks);
    if (policy.errors.length > 0) throw new SynthValidationError(policy.errors, 'Policy check failed with the following errors');
    const limits = checkFinalObjects(placed, new Map(this.model.workloads.map(w => [w.podTemplateObject, w.acceptsTaggedImages])));
    if (limits.length > 0) throw new SynthValidationError(limits, 'Synthesis failed with the following errors');
    const denied = this.admission?.selfCheck(placed.map(p => ({ object: p.object, path: p.apiObject.node.path }))) ?? [];
    if (denied.length > 0) throw new SynthValidationError(denied, 'The app\'s own admission policies would deny it');
    const layerErrors = this.model.checkFinal(placed.map(p => ({ object: p.object, path: p.apiObject.node.path })));
    if (layerErrors.length > 0) throw new SynthValidationError(layerErrors, 'Synthesis failed with the following errors');
    for (const w of [...this.model.warnings, ...policy.warnings]) console.warn(`warning: ${w}`);

    const yaml = serializeDocuments(placed.map(p => p.object));
    const manifests: Record<string, string[]> = {};
    placed.forEach((p, i) => (manifests[p.file] ??= []).push(yaml[i]));
    return {
      objects: placed.map(p => ({ object: p.object, constructPath: p.apiObject.node.path, file: p.file })),
      // Yaml.stringify(...docs) is docs.map(stringify).join('---\n')
      manifests: Object.fromEntries(Object.entries(manifests).map(([file, docs]) => [file, docs.join('---\n')])),
      policy: policy.result,
    };
  }

  /** Every file synth writes, relative to outdir: the manifests and the extra files, in memory. */
  public synthFiles(): Record<string, string> {
    return this.filesOf(this.synthObjects());
  }

  /** Synthesizes into memory, then replaces outdir atomically (and fills the CLI's directory, if it is another). */
  public override synth(): void {
    const outdir = resolveOutdir(this.outdir);
    const synthesis = this.synthObjects();
    const files = this.filesOf(synthesis);
    writeDirAtomically(outdir, files);
    const metadata: Record<string, string> = this.recordMetadata ? { [CONSTRUCT_METADATA_FILE]: constructMetadata(synthesis) } : {};
    if (this.cliOutdir !== undefined) {
      writeFiles(path.resolve(this.cliOutdir), { ...files, ...metadata });
    } else {
      writeFiles(outdir, metadata);
    }
  }

  /** All objects as one YAML stream, in output order. */
  public override synthYaml(): string {
    return serializeDocuments(this.synthObjects().objects.map(o => o.object)).join('---\n');
  }

  /**
   * The extra files to write with the manifests, relative to outdir. The default renders
   * the `reporters` and merges their files (two reporters writing one file is an error).
   * Override to add files; the objects are frozen.
   */
  protected extraFiles(objects: readonly KubeObject[], synthesis: Synthesis): Record<string, string> {
    const files: Record<string, string> = {};
    for (const reporter of this.reporters) {
      const out = reporter(objects, synthesis);
      for (const name of Object.keys(out)) {
        if (name in files) throw new Error(`two reporters write the extra file "${name}"`);
        files[name] = out[name];
      }
    }
    return files;
  }

  private filesOf(synthesis: Synthesis): Record<string, string> {
    const files: Record<string, string> = { ...synthesis.manifests };
    if (this.reporters.length === 0 && this.extraFiles === HardenedApp.prototype.extraFiles) return files;
    synthesis.objects.forEach(o => deepFreeze(o.object));
    const extra = this.extraFiles(synthesis.objects.map(o => o.object), synthesis);
    for (const name of Object.keys(extra).sort()) {
      checkFileName(name);
      if (name in files) throw new Error(`extra file "${name}" would overwrite a synthesized file of the same name`);
      if (typeof extra[name] !== 'string') throw new Error(`extra file "${name}" has no string content`);
      files[name] = extra[name];
    }
    return files;
  }
}

/** Runs every construct validation once; refuses charts whose `toJson` override would be skipped. */
function validate(all: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) {
    if (Chart.isChart(c) && (c as Chart).toJson !== Chart.prototype.toJson) {
      errors.push(`[${c.node.path}] overrides Chart.toJson, which HardenedApp does not call (it renders each ApiObject once); move the override into the ApiObjects`);
    }
  }
  if (errors.length > 0) throw new SynthValidationError(errors, 'Synthesis failed with the following errors');
  for (const c of all) {
    for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
  }
  if (errors.length > 0) throw new SynthValidationError(errors);
}

/** Each ApiObject's JSON, rendered once, with the typed link to the ApiObject. */
function render(all: readonly IConstruct[]): RenderedObject[] {
  return all.filter((c): c is ApiObject => ApiObject.isApiObject(c)).map(apiObject => ({ object: renderFinal(apiObject) as unknown as KubeObject, apiObject }));
}

function constructMetadata(synthesis: Synthesis): string {
  // the format `cdk8s synth --validate` reads back (cdk8s App.writeConstructMetadata)
  const resources: Record<string, { path: string }> = {};
  for (const o of synthesis.objects) resources[String(o.object.metadata?.name ?? '')] = { path: o.constructPath };
  return JSON.stringify({ version: '1.0.0', resources });
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
}
