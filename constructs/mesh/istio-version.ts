import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

/**
 * The Kubernetes minor versions each Istio minor line supports, from the "Support status of
 * Istio releases" table of istio.io (docs/releases/supported-releases). A line not listed here is
 * refused: add it with its range from that table.
 * @see https://istio.io/latest/docs/releases/supported-releases/
 */
export const ISTIO_KUBERNETES_SUPPORT: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  '1.20': { min: 25, max: 29 },
  '1.21': { min: 26, max: 29 },
  '1.22': { min: 27, max: 30 },
  '1.23': { min: 27, max: 30 },
  '1.24': { min: 28, max: 31 },
  '1.25': { min: 29, max: 32 },
  '1.26': { min: 29, max: 33 },
  '1.27': { min: 30, max: 33 },
  '1.28': { min: 30, max: 34 },
};

/** What an Istio minor line offers that the mesh layer depends on. */
export interface IstioFeatures {
  /** The Istio minor version, e.g. `1.24`. */
  readonly version: string;
  /** Its minor number, e.g. 24. */
  readonly minor: number;
  /** `security.istio.io/v1` from 1.22, `security.istio.io/v1beta1` before. */
  readonly securityApiVersion: 'security.istio.io/v1' | 'security.istio.io/v1beta1';
  /** Ambient data-plane mode (ztunnel, HBONE) is generally available from 1.24. */
  readonly ambient: boolean;
  /** The `global.proxy.seccompProfile` install value exists from 1.28. */
  readonly proxySeccompProfileValue: boolean;
}

/** Parses an Istio minor version (`1.24`, also `1.24.3` or `v1.24`) to its minor number. */
export function istioMinor(scope: IConstruct, field: string, version: string): number {
  const m = /^v?1\.(\d+)(\.\d+)?$/.exec(version);
  if (!m) throw new HardenedInputError(scope, field, version, 'is not an Istio version', 'use "1.N", e.g. "1.24"');
  return Number(m[1]);
}

/**
 * The newest Istio line of {@link ISTIO_KUBERNETES_SUPPORT} that supports Kubernetes 1.`kubernetesMinor`,
 * or undefined when none does.
 */
export function defaultIstioVersion(kubernetesMinor: number): string | undefined {
  const lines = Object.keys(ISTIO_KUBERNETES_SUPPORT).filter(v => {
    const r = ISTIO_KUBERNETES_SUPPORT[v];
    return kubernetesMinor >= r.min && kubernetesMinor <= r.max;
  });
  return lines.sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]))[0];
}

/**
 * The features of Istio `version` on Kubernetes 1.`kubernetesMinor`.
 * @param version the declared Istio version, or undefined for the default of the Kubernetes version
 * @throws HardenedInputError when the pair is not supported, with the supported range
 */
export function istioFeatures(scope: IConstruct, field: string, version: string | undefined, kubernetesMinor: number): IstioFeatures {
  const known = Object.keys(ISTIO_KUBERNETES_SUPPORT).map(v => `${v} (Kubernetes ${range(v)})`).join(', ');
  if (version === undefined) {
    const fallback = defaultIstioVersion(kubernetesMinor);
    if (fallback === undefined) {
      throw new HardenedInputError(scope, field, version, `has no default: no known Istio line supports Kubernetes 1.${kubernetesMinor} (known: ${known})`,
        'declare istioVersion on the HardenedApp, and add its line with its Kubernetes range to ISTIO_KUBERNETES_SUPPORT');
    }
    version = fallback;
  }
  const minor = istioMinor(scope, field, version);
  const line = `1.${minor}`;
  const support = ISTIO_KUBERNETES_SUPPORT[line];
  if (!support) {
    throw new HardenedInputError(scope, field, version, `is not a known Istio line (known: ${known})`,
      `use one of them, or add ${line} with its Kubernetes range from istio.io/latest/docs/releases/supported-releases to ISTIO_KUBERNETES_SUPPORT`);
  }
  if (kubernetesMinor < support.min || kubernetesMinor > support.max) {
    const fitting = defaultIstioVersion(kubernetesMinor);
    throw new HardenedInputError(scope, field, version, `does not support Kubernetes 1.${kubernetesMinor}: Istio ${line} supports Kubernetes ${range(line)}`,
      fitting ? `use Istio ${fitting} (the newest line that supports Kubernetes 1.${kubernetesMinor}), or target a Kubernetes version in ${range(line)}` : `target a Kubernetes version in ${range(line)}`);
  }
  return {
    version: line,
    minor,
    securityApiVersion: minor >= 22 ? 'security.istio.io/v1' : 'security.istio.io/v1beta1',
    ambient: minor >= 24,
    proxySeccompProfileValue: minor >= 28,
  };
}

function range(line: string): string {
  const r = ISTIO_KUBERNETES_SUPPORT[line];
  return `1.${r.min} to 1.${r.max}`;
}
