/**
 * A js-yaml schema that resolves plain scalars as YAML 1.1 does, the way the Kubernetes API
 * machinery reads manifests (`yes`/`on` are booleans, `0777` is octal, `1:30` is sexagesimal), and
 * exactly as the `yaml` package's `version: '1.1'` schema resolves them (its tests, in its order:
 * null, bool, int bin/oct/dec/hex, float nan/exp/fixed, merge keys, sexagesimal int and float,
 * timestamp; js-yaml keeps one implicit type per tag, so the sexagesimal forms join int and float,
 * whose tests they do not overlap). test/yaml-input-readers.test.ts proves the two parsers equal on every manifest of the
 * repository and on random documents.
 */
import * as jsyaml from 'js-yaml';

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const INT_BIN = /^[-+]?0b[0-1_]+$/;
const INT_OCT = /^[-+]?0[0-7_]+$/;
const INT_DEC = /^[-+]?[0-9][0-9_]*$/;
const INT_HEX = /^[-+]?0x[0-9a-fA-F_]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
const FLOAT_FIXED = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/;
const INT_TIME = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/;
const FLOAT_TIME = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/;
const TIMESTAMP = new RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})'
  + '(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$');

// cheap first-character guards before the tests (js-yaml tries every implicit type on every plain scalar)
const BOOL_START = new Set('yYnNtTfFoO');
const NUMBER_START = new Set('-+0123456789.');
const maybeNull = (data: string): boolean => data.length <= 4 && (data === '' || data[0] === '~' || data[0] === 'n' || data[0] === 'N');
const maybeBool = (data: string): boolean => data.length <= 5 && BOOL_START.has(data[0]);
const maybeNumber = (data: string): boolean => data.length > 0 && NUMBER_START.has(data[0]);

function signed(text: string): [sign: number, rest: string] {
  return text[0] === '-' ? [-1, text.slice(1)] : text[0] === '+' ? [1, text.slice(1)] : [1, text];
}

function int(text: string, prefix: number, radix: number): number {
  const [sign, rest] = signed(text);
  return sign * parseInt(rest.slice(prefix).replace(/_/g, ''), radix);
}

function sexagesimal(text: string): number {
  const [sign, rest] = signed(text);
  return sign * rest.replace(/_/g, '').split(':').reduce((n, part) => n * 60 + Number(part), 0);
}

const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar', resolve: (data: string | null) => data === null || (maybeNull(data) && NULL.test(data)), construct: () => null,
});

const boolType = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar', resolve: (data: string | null) => data !== null && maybeBool(data) && (TRUE.test(data) || FALSE.test(data)), construct: (data: string) => TRUE.test(data),
});

const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && maybeNumber(data) && (INT_BIN.test(data) || INT_OCT.test(data) || INT_DEC.test(data) || INT_HEX.test(data) || INT_TIME.test(data)),
  construct: (data: string) => INT_BIN.test(data) ? int(data, 2, 2) : INT_OCT.test(data) ? int(data, 1, 8) : INT_DEC.test(data) ? int(data, 0, 10)
    : INT_HEX.test(data) ? int(data, 2, 16) : sexagesimal(data),
});

const floatType = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && maybeNumber(data) && (FLOAT_NAN.test(data) || FLOAT_EXP.test(data) || FLOAT_FIXED.test(data) || FLOAT_TIME.test(data)),
  construct: (data: string) => FLOAT_NAN.test(data)
    ? (data.slice(-3).toLowerCase() === 'nan' ? NaN : data[0] === '-' ? -Infinity : Infinity)
    : FLOAT_TIME.test(data) ? sexagesimal(data) : parseFloat(data.replace(/_/g, '')),
});

const timestampType = new jsyaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && maybeNumber(data) && TIMESTAMP.test(data),
  construct: (data: string) => {
    const m = TIMESTAMP.exec(data)!;
    const [, year, month, day, hour, minute, second] = m.map(Number);
    const millis = m[7] ? Number(`${m[7]}00`.slice(1, 4)) : 0;
    let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millis);
    const zone = m[8];
    if (zone && zone !== 'Z') {
      let offset = sexagesimal(zone);
      if (Math.abs(offset) < 30) offset *= 60;
      date -= 60_000 * offset;
    }
    return new Date(date);
  },
  instanceOf: Date,
});

// js-yaml exports its built-in types at runtime; @types/js-yaml does not declare them
const builtIn = (jsyaml as unknown as { types: Record<'merge' | 'binary' | 'omap' | 'pairs' | 'set', jsyaml.Type> }).types;

/**
 * YAML 1.1 plain-scalar resolution on js-yaml's failsafe schema (strings, sequences, mappings),
 * with merge keys; binary, omap, pairs and set stay explicit tags, as in the `yaml` package.
 */
export const YAML_1_1_SCHEMA: jsyaml.Schema = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType, builtIn.merge, timestampType],
  explicit: [builtIn.binary, builtIn.omap, builtIn.pairs, builtIn.set],
});
