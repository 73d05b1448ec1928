import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { HardenedApp, HardenedAppProps } from '../../constructs';
import { KubeObject } from '../../policy/kube-object';

/** A HardenedApp for tests: synthesized in memory (`synthObjects`), its outdir never written. */
export function testApp(props: HardenedAppProps = {}): HardenedApp {
  return new HardenedApp({ outdir: path.join(os.tmpdir(), 'cdk8s-hardened-test-never-written'), ...props });
}

function hardenedRoot(app: App): HardenedApp {
  if (!(app instanceof HardenedApp)) throw new Error('test helper: the app is not a HardenedApp');
  return app;
}

/**
 * Every object of the app as plain JSON (the whole synth pipeline, nothing written), in construct
 * tree order (the order cdk8s's `Testing.synth` gives), not output order: snapshots stay readable
 * per construct.
 */
export function synthApp(app: App): KubeObject[] {
  return synthInTreeOrder(hardenedRoot(app), () => true);
}

/** The objects that constructs of `chart` render (the whole app is synthesized), in construct tree order. */
export function synthChart(chart: Chart): KubeObject[] {
  const prefix = `${chart.node.path}/`;
  return synthInTreeOrder(hardenedRoot(chart.node.root as App), p => p.startsWith(prefix));
}

function synthInTreeOrder(app: HardenedApp, keep: (constructPath: string) => boolean): KubeObject[] {
  const objects = app.synthObjects().objects.filter(o => keep(o.constructPath));
  const order = new Map(app.node.findAll().map((c, i) => [c.node.path, i]));
  return [...objects].sort((a, b) => order.get(a.constructPath)! - order.get(b.constructPath)!).map(o => o.object);
}

/** The one object of `kind` named `name` (and in `namespace`, when given); fails when there is not exactly one. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.filter(o => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind} ${namespace ? `${namespace}/` : ''}${name}, found ${found.length}: ${objects.map(o => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every object of `kind`. */
export function objectsOfKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter(o => o.kind === kind);
}

/** A nested field by dotted path with [i] indexes, for terse assertions. */
export function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Runs `f` with console.warn silenced (synth prints version and Pod Security warnings). */
export function withoutWarnings<T>(f: () => T): T {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}
