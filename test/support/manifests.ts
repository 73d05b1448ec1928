import { App, Chart, Testing } from 'cdk8s';
import { KubeObject } from '../../policy/kube-object';

/** Every object of every chart of an app, in chart order, as plain JSON (runs all validations). */
export function synthApp(app: App): KubeObject[] {
  return app.charts.flatMap(chart => Testing.synth(chart) as KubeObject[]);
}

/** Every object of one chart. */
export function synthChart(chart: Chart): KubeObject[] {
  return Testing.synth(chart) as KubeObject[];
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
