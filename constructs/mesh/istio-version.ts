import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';

/** One Istio minor release line. */
export interface IstioRelease {
  /** The day x.y.0 was announced (`YYYY-MM-DD`). */
  readonly released: string;
  /** The day its support ended (`YYYY-MM-DD`); absent while it is supported. */
  readonly endOfLife?: string;
  /** The oldest Kubernetes minor it supports. */
  readonly kubernetesMin: number;
  /** The newest Kubernetes minor it supports. */
  readonly kubernetesMax: number;
}

/**
 * Istio's minor lines, from the "Support status of Istio releases" table (release day, end of
 * life, supported Kubernetes versions) and each line's release and end-of-life announcements.
 * A line is supported until six weeks after the release of the line two minors newer; 1.30 and
 * 1.31 have no end-of-life day yet. A line not listed here is refused: add it with its row.
 * @see https://istio.io/latest/docs/releases/supported-releases/#support-status-of-istio-releases
 * @see https://istio.io/latest/news/releases/ (1.31.0: announced 2026-08-31)
 */
export const ISTIO_RELEASES: Readonly<Record<string, IstioRelease>> = {
  '1.22': { released: '2024-05-13', endOfLife: '2025-01-22', kubernetesMin: 27, kubernetesMax: 30 },
  '1.23': { released: '2024-08-14', endOfLife: '2025-04-16', kubernetesMin: 27, kubernetesMax: 30 },
  '1.24': { released: '2024-11-07', endOfLife: '2025-06-24', kubernetesMin: 28, kubernetesMax: 31 },
  '1.25': { released: '2025-03-03', endOfLife: '2025-09-30', kubernetesMin: 29, kubernetesMax: 32 },
  '1.26': { released: '2025-05-08', endOfLife: '2025-12-22', kubernetesMin: 29, kubernetesMax: 33 },
  '1.27': { released: '2025-08-11', endOfLife: '2026-04-07', kubernetesMin: 29, kubernetesMax: 33 },
  '1.28': { released: '2025-11-05', endOfLife: '2026-07-01', kubernetesMin: 30, kubernetesMax: 34 },
  '1.29': { released: '2026-02-16', endOfLife: '2026-10-12', kubernetesMin: 31, kubernetesMax: 35 },
  '1.30': { released: '2026-05-18', kubernetesMin: 32, kubernetesMax: 36 },
  '1.31': { released: '2026-08-31', kubernetesMin: 32, kubernetesMax: 36 },
};

/** What an Istio minor line offers that the mesh layer depends on. */
export interface IstioFeatures {
  /** The Istio minor version, e.g. `1.24`. */
  readonly version: string;
  /** Its minor number, e.g. 24. */
  readonly minor: number;
  /** Ambient data-plane mode (ztunnel, HBONE) is generally available from 1.24. */
  readonly ambient: boolean;
  /** The `global.proxy.seccompProfile` install value exists from 1.28. */
  readonly proxySeccompProfileValue: boolean;
}

/** Parses an Istio version (`1.31`, also `1.31.2` or `v1.31`: the patch is ignored) to its line, `1.31`. */
export function istioLine(scope: IConstruct | string, field: string, version: string): string {
  const m = typeof version === 'string' ? /^v?1\.(0|[1-9]\d{0,2})(\.\d+)?$/.exec(version) : null;
  if (!m) throw new HardenedInputError(scope, field, version, 'is not an Istio version', 'use "1.N", e.g. "1.31"');
  return `1.${Number(m[1])}`;
}

/**
 * The newest line of {@link ISTIO_RELEASES} that supports Kubernetes 1.`kubernetesMinor`, or
 * undefined when none does.
 */
export function defaultIstioVersion(kubernetesMinor: number): string | undefined {
  return lines().filter(l => supports(l, kubernetesMinor)).pop();
}

/**
 * The features of Istio `version` on Kubernetes 1.`kubernetesMinor`.
 * @param version the declared Istio version, or undefined for the default of the Kubernetes version
 * @param warn receives a warning for a line past its end of life on `today`, and for a declared
 * line whose stated Kubernetes range does not include the target (the override is honoured)
 * @throws HardenedInputError for an unknown line, and when no line supports the Kubernetes
 * version and none is declared, with the range and how to override
 */
export function istioFeatures(scope: IConstruct | string, field: string, version: string | undefined, kubernetesMinor: number,
  warn: (message: string) => void, today: string): IstioFeatures {
  const known = lines().map(l => `${l} (Kubernetes ${range(l)})`).join(', ');
  let line: string;
  if (version === undefined) {
    const fallback = defaultIstioVersion(kubernetesMinor);
    if (fallback === undefined) {
      const newest = lines().pop()!;
      throw new HardenedInputError(scope, field, version, `has no default: no Istio line supports Kubernetes 1.${kubernetesMinor} (the newest, ${newest}, supports ${range(newest)}; known: ${known})`,
        `target a Kubernetes version in ${range(newest)}, or declare istioVersion: "${newest}" on the HardenedApp to run it outside its stated range (synth then warns)`);
    }
    line = fallback;
  } else {
    line = istioLine(scope, field, version);
    if (!ISTIO_RELEASES[line]) {
      throw new HardenedInputError(scope, field, version, `is not a known Istio line (known: ${known})`,
        `use one of them, or add ${line} with its row from istio.io/latest/docs/releases/supported-releases to ISTIO_RELEASES`);
    }
    if (!supports(line, kubernetesMinor)) {
      const fitting = defaultIstioVersion(kubernetesMinor);
      warn(`${field}: Istio ${line} does not support Kubernetes 1.${kubernetesMinor} (it supports ${range(line)}); `
        + (fitting ? `Istio ${fitting} does` : 'no Istio line does yet') + ', so the mesh runs outside what Istio tests');
    }
  }
  const release = ISTIO_RELEASES[line];
  if (release.endOfLife !== undefined && release.endOfLife < today) {
    const supported = lines().filter(l => ISTIO_RELEASES[l].endOfLife === undefined || ISTIO_RELEASES[l].endOfLife! >= today);
    warn(`${field}: Istio ${line} reached its end of life on ${release.endOfLife} and gets no security fixes; supported: ${supported.join(', ')}`);
  }
  const minor = Number(line.split('.')[1]);
  return {
    version: line,
    minor,
    ambient: minor >= 24,
    proxySeccompProfileValue: minor >= 28,
  };
}

function lines(): string[] {
  return Object.keys(ISTIO_RELEASES).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

function supports(line: string, kubernetesMinor: number): boolean {
  const r = ISTIO_RELEASES[line];
  return kubernetesMinor >= r.kubernetesMin && kubernetesMinor <= r.kubernetesMax;
}

function range(line: string): string {
  const r = ISTIO_RELEASES[line];
  return `1.${r.kubernetesMin} to 1.${r.kubernetesMax}`;
}
