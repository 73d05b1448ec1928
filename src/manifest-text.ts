/**
 * Reading the Kubernetes objects of one manifest's text, with the line of each: plain streams
 * with js-yaml and a YAML 1.1 schema (fast), everything else and every error with the `yaml`
 * package's document model (every node's position). test/yaml-input-readers.test.ts proves the
 * two readers equal.
 */
import * as jsyaml from 'js-yaml';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { KubeObject } from '../policy/kube-object';
import { YAML_1_1_SCHEMA } from './yaml-1-1-schema';

/** One Kubernetes object read from a manifest. */
export interface ManifestObject {
  /** The file it came from, as given (a directory argument joined with the relative file path), or `<stdin>`. */
  readonly file: string;
  /** 1-based line of the object's first line in the file. */
  readonly line: number;
  /** The object itself. */
  readonly object: KubeObject;
}

/** Unreadable or unparsable input; the message starts with `file:line:col:` when a position is known. */
export class ManifestInputError extends Error {
  /**
   * @param file the file the error is in
   * @param line 1-based line, when known
   * @param col 1-based column, when known
   * @param reason what is wrong
   */
  public constructor(
    public readonly file: string,
    public readonly line: number | undefined,
    public readonly col: number | undefined,
    public readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}${col === undefined ? '' : `:${col}`}: ${reason}`);
    this.name = 'ManifestInputError';
  }
}

/** The deepest nesting of mappings and sequences a manifest may have (Kubernetes objects nest a few dozen levels). */
export const MAX_MANIFEST_DEPTH = 512;

const TOO_DEEP = `nests mappings or sequences too deep to read (the YAML parser ran out of stack); Kubernetes objects nest a few dozen levels, this reader takes at most ${MAX_MANIFEST_DEPTH}: look for runaway nesting (e.g. unbalanced [ or {) here`;

function overflowed(e: unknown): boolean {
  return e instanceof RangeError || /Maximum call stack size exceeded/.test(String((e as Error)?.message ?? e));
}

/**
 * Whether a parsed value is a tree: at most {@link MAX_MANIFEST_DEPTH} deep, and no mapping or
 * sequence reached twice (js-yaml shares an aliased node instead of copying it; expanded, a few
 * nested aliases make an exponential object, so those documents take the reader that limits
 * aliases; with `mayAlias` false only the depth is judged). Counted without recursion.
 */
function isPlainTree(value: unknown, mayAlias: boolean): boolean {
  const seen = mayAlias ? new Set<object>() : undefined; // without a `*` in the text there is no alias
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > MAX_MANIFEST_DEPTH || seen?.has(v)) return false;
    seen?.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return true;
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && v.apiVersion !== '' && typeof v.kind === 'string' && v.kind !== '';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a sequence';
  }
  if (typeof value !== 'object' || value === null) {
    return `a ${typeof value === 'string' ? 'string' : 'scalar'}`;
  }
  return 'a mapping without string apiVersion and kind';
}

/**
 * Parses the YAML text of one manifest file into Kubernetes objects.
 *
 * Multi-document streams are supported; empty and `null` documents are skipped; `kind: List`
 * (as written by `kubectl get -o yaml`) is expanded into its items, `null` items skipped. Values are read
 * with YAML 1.1 scalars (`yes`/`on` are booleans), as the Kubernetes API machinery reads them.
 *
 * @param text the file content
 * @param file the name to report in errors and results
 * @throws ManifestInputError (with line and column) on a YAML error, or on a document or list item
 *   that is not a mapping with `apiVersion` and `kind`
 */
export function parseManifestText(text: string, file: string): ManifestObject[] {
  return parsePlainManifestText(text, file) ?? parseManifestTextWithPositions(text, file);
}

// Plain streams (no directives, no List documents, no aliases of mappings or sequences) are split
// at their document markers and each document is read with js-yaml and the YAML 1.1 schema, ten
// times faster than the `yaml` package's document model; the line of each object is the first
// content line of its document. Anything else, and any error, takes the `yaml` package's path,
// which knows every node's position (List items, error line and column) and bounds alias expansion.
const DIRECTIVE = /^%/m;
// a key that YAML 1.1 reads as null (`~: x`, `null: x`): the yaml package keys it "", js-yaml "null"
const NULL_KEY = /(?:^|[\s{,])(?:~|null|Null|NULL)[ \t]*:(?:[ \t]|$)/m;
const LIST_DOCUMENT = /^kind:[ 	]*["']?List["']?[ 	]*(?:#.*)?$/m;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t]|$)/;
const CONTENT_LINE = /^[ \t]*[^\s#]/;

/**
 * The objects of a plain stream read with js-yaml, or `undefined` when the stream is not plain or
 * cannot be read this way (then {@link parseManifestTextWithPositions} reads it, and reports).
 * @internal exported for the test that proves both readers equal
 */
export function parsePlainManifestText(text: string, file: string): ManifestObject[] | undefined {
  if (DIRECTIVE.test(text) || LIST_DOCUMENT.test(text) || NULL_KEY.test(text)) return undefined;
  const mayAlias = text.includes('*');
  const lines = text.split('\n');
  const out: ManifestObject[] = [];
  let chunk: string[] = [];
  let firstContent = 0; // 1-based line of the document's first content, 0 while none
  const flush = (): boolean => {
    if (firstContent !== 0) {
      let value: unknown;
      try {
        value = jsyaml.load(chunk.join('\n'), { schema: YAML_1_1_SCHEMA, json: false });
      } catch {
        return false;
      }
      if (value !== null && value !== undefined) {
        // a List (in any style: JSON, flow, quoted) is expanded by the exact reader, which knows its items' lines
        if (!isKubeObject(value) || value.kind.endsWith('List') || !isPlainTree(value, mayAlias)) return false;
        out.push({ file, line: firstContent, object: value });
      }
    }
    chunk = [];
    firstContent = 0;
    return true;
  };
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const marker = DOCUMENT_MARKER.exec(line);
    if (marker) {
      if (!flush()) return undefined;
      if (marker[0] === '...') continue;
      line = line.slice(3); // content may follow `--- ` on the marker line
    }
    if (firstContent === 0 && CONTENT_LINE.test(line)) firstContent = i + 1;
    chunk.push(line);
  }
  return flush() ? out : undefined;
}

/**
 * Every object of `text`, read with the `yaml` package's document model (positions of every node).
 * @internal exported for the test that proves both readers equal; use {@link parseManifestText}
 */
export function parseManifestTextWithPositions(text: string, file: string): ManifestObject[] {
  const lineCounter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, version: '1.1' });
  } catch (e) {
    if (overflowed(e)) throw new ManifestInputError(file, undefined, undefined, TOO_DEEP);
    throw e;
  }
  const out: ManifestObject[] = [];
  const fail = (offset: number, reason: string): never => {
    const pos = lineCounter.linePos(offset);
    throw new ManifestInputError(file, pos.line, pos.col, reason);
  };
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error !== undefined) {
      fail(error.pos[0], overflowed(error) ? TOO_DEEP : error.message);
    }
    const contents = doc.contents as YamlNode | null;
    if (contents === null) {
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      fail(contents.range?.[0] ?? 0, overflowed(e) ? TOO_DEEP : (e as Error).message);
    }
    if (value === null || value === undefined) {
      continue;
    }
    const start = contents.range?.[0] ?? 0;
    if (!isPlainTree(value, false)) fail(start, `document nests more than ${MAX_MANIFEST_DEPTH} levels of mappings and sequences; Kubernetes objects nest a few dozen: look for runaway nesting`);
    if (!isKubeObject(value)) {
      fail(start, `document is ${describe(value)}; expected a Kubernetes object with apiVersion and kind`);
    }
    const obj = value as KubeObject;
    const itemsNode = isMap(contents) ? contents.get('items', true) : undefined;
    if (obj.kind === 'List' && Array.isArray(obj.items) && isSeq(itemsNode)) {
      const items = obj.items as unknown[];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const node = itemsNode.items[i] as YamlNode | undefined;
        const offset = node?.range?.[0] ?? start;
        if (item === null || item === undefined) {
          continue;
        }
        if (!isKubeObject(item)) {
          fail(offset, `${obj.kind} item ${i} is ${describe(item)}; expected a Kubernetes object with apiVersion and kind`);
        }
        out.push({ file, line: lineCounter.linePos(offset).line, object: item as KubeObject });
      }
      continue;
    }
    out.push({ file, line: lineCounter.linePos(start).line, object: obj });
  }
  return out;
}

