import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

// Resource quantities (apimachinery resource.Quantity) and resource names (core/v1
// ValidateResourceName for quota keys).

/** The Kubernetes resource.Quantity grammar (apimachinery), without exponent forms beyond e/E. */
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;

/** A Kubernetes resource quantity such as `250m`, `1`, `512Mi`. Returns its value in base units. */
export function quantity(scope: IConstruct, field: string, value: string): number {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a Kubernetes quantity',
      'use a number with an optional suffix, e.g. "250m" or "1" for cpu, "256Mi" or "1Gi" for memory');
  }
  return parseQuantity(value);
}

const SUFFIX: Record<string, number> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity that already matched the grammar. */
export function parseQuantity(value: string): number {
  const m = /^[+]?((?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(value)!;
  const base = Number(m[1]);
  const suffix = m[2];
  if (suffix === '') return base;
  if (suffix[0] === 'e' || suffix[0] === 'E') return base * 10 ** Number(suffix.slice(1));
  return base * SUFFIX[suffix];
}

/** The quota keys that count objects: their quantities must be whole numbers. */
const COUNT_KEY = /^(pods|services|services\.loadbalancers|services\.nodeports|secrets|configmaps|persistentvolumeclaims|replicationcontrollers|resourcequotas|count\/.+)$/;
const COMPUTE_KEY = /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage|storage|hugepages-[a-zA-Z0-9]+)$/;
const STORAGE_CLASS_KEY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/;
const EXTENDED_KEY = /^requests\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A ResourceQuota `hard` key and its value: a known resource name, and a whole number for object counts. */
export function quotaEntry(scope: IConstruct, field: string, key: string, value: string): void {
  if (!(COUNT_KEY.test(key) || COMPUTE_KEY.test(key) || STORAGE_CLASS_KEY.test(key) || EXTENDED_KEY.test(key))) {
    throw new HardenedInputError(scope, field.replace(/\[.*\]$/, ''), key, 'is not a resource name a ResourceQuota can limit',
      'use e.g. "requests.cpu", "limits.memory", "pods", "services", "count/deployments.apps" or "<class>.storageclass.storage.k8s.io/requests.storage"');
  }
  const amount = quantity(scope, field, value);
  if (COUNT_KEY.test(key) && !Number.isInteger(amount)) {
    throw new HardenedInputError(scope, field, value, `is not a whole number, and "${key}" counts objects`, 'give a whole number, e.g. "20"');
  }
}

/** A memory or storage quantity: the milli suffix (`512m`, half a byte) is refused. */
export function byteQuantity(scope: IConstruct, field: string, value: string): number {
  const amount = quantity(scope, field, value);
  if (/m$/.test(value)) {
    throw new HardenedInputError(scope, field, value, `is in thousandths of a byte ("m" is milli, not mebi: ${value} is ${amount} bytes)`,
      `write ${value.replace(/m$/, 'Mi')} for mebibytes or ${value.replace(/m$/, 'M')} for megabytes`);
  }
  return amount;
}
