/**
 * The registry of Pod Security Standards checks and the selection of the checks in effect
 * for a level and version (with restricted overrides applied).
 */
import type { CheckDefinition, CheckFn } from './context';
import type { PssCheckInfo, PssCheckLevel, PssLevel } from './types';
import { parsePssVersion, PSS_LATEST_MINOR } from './version';
import { hostNamespaces } from './checks/host-namespaces';
import { privileged } from './checks/privileged';
import { capabilitiesBaseline } from './checks/capabilities-baseline';
import { hostPathVolumes } from './checks/host-path-volumes';
import { hostPorts } from './checks/host-ports';
import { appArmorProfile } from './checks/app-armor-profile';
import { seccompProfileBaseline } from './checks/seccomp-profile-baseline';
import { seLinuxOptions } from './checks/se-linux-options';
import { procMount } from './checks/proc-mount';
import { sysctls } from './checks/sysctls';
import { windowsHostProcess } from './checks/windows-host-process';
import { hostProbesAndHostLifecycle } from './checks/host-probes-and-host-lifecycle';
import { restrictedVolumes } from './checks/restricted-volumes';
import { allowPrivilegeEscalation } from './checks/allow-privilege-escalation';
import { runAsNonRoot } from './checks/run-as-non-root';
import { runAsUser } from './checks/run-as-user';
import { seccompProfileRestricted } from './checks/seccomp-profile-restricted';
import { capabilitiesRestricted } from './checks/capabilities-restricted';
import { procMountRestricted } from './checks/proc-mount-restricted';

/** All check definitions: baseline checks first, then restricted, in the order of CHECKS.md. */
const DEFINITIONS: readonly CheckDefinition[] = [
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seccompProfileBaseline,
  seLinuxOptions,
  procMount,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];

/** Every Pod Security Standards check with its level, versioned behaviours and overrides (for docs and tests). */
export const PSS_CHECKS: readonly PssCheckInfo[] = DEFINITIONS;

/** One check as selected for a level and version. */
export interface ActiveCheck {
  readonly check: CheckDefinition;
  /** The `minVersion` of the versioned behaviour in effect. */
  readonly minVersion: string;
  readonly evaluate: CheckFn;
}

interface IndexedVersion {
  readonly minor: number;
  readonly minVersion: string;
  readonly overrides: readonly string[];
  readonly evaluate: CheckFn;
}

const INDEXED: readonly { readonly check: CheckDefinition; readonly versions: readonly IndexedVersion[] }[] = DEFINITIONS.map((check) => ({
  check,
  versions: check.versions.map((v) => ({ ...v, minor: parsePssVersion(v.minVersion).minor })),
}));

function versionAt(versions: readonly IndexedVersion[], minor: number): IndexedVersion | undefined {
  let found: IndexedVersion | undefined;
  for (const v of versions) {
    if (v.minor <= minor && (found === undefined || v.minor > found.minor)) {
      found = v;
    }
  }
  return found;
}

function select(level: PssCheckLevel, minor: number): readonly ActiveCheck[] {
  const overridden = new Set<string>();
  if (level === 'restricted') {
    for (const { check, versions } of INDEXED) {
      if (check.level === 'restricted') {
        versionAt(versions, minor)?.overrides.forEach((id) => overridden.add(id));
      }
    }
  }
  const active: ActiveCheck[] = [];
  for (const { check, versions } of INDEXED) {
    if (check.level === 'restricted' && level !== 'restricted') {
      continue;
    }
    if (overridden.has(check.id)) {
      continue;
    }
    const v = versionAt(versions, minor);
    if (v !== undefined) {
      active.push({ check, minVersion: v.minVersion, evaluate: v.evaluate });
    }
  }
  return active;
}

const cache = new Map<string, readonly ActiveCheck[]>();

/**
 * The checks in effect for a level at a minor version (internal; cached).
 * `privileged` has none; restricted includes the baseline checks not overridden at that version.
 */
export function activeChecks(level: PssLevel, minor: number): readonly ActiveCheck[] {
  if (level === 'privileged') {
    return [];
  }
  const clamped = Math.min(minor, PSS_LATEST_MINOR);
  const key = `${level}:${clamped}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = select(level, clamped);
    cache.set(key, found);
  }
  return found;
}

/** One check in effect, as returned by {@link checksInEffect}. */
export interface PssCheckInEffect {
  /** The check id. */
  readonly id: string;
  /** The level the check belongs to. */
  readonly level: PssCheckLevel;
  /** The minimum version of the behaviour in effect, e.g. `v1.19`. */
  readonly minVersion: string;
}

/**
 * Lists the checks in effect for a level and version, with the versioned behaviour that applies.
 *
 * @param level the PSS level
 * @param version `latest`, `v1.N` or `1.N`
 * @throws Error on a malformed version
 */
export function checksInEffect(level: PssLevel, version: string): readonly PssCheckInEffect[] {
  const minor = parsePssVersion(version).minor;
  return activeChecks(level, minor).map((a) => ({ id: a.check.id, level: a.check.level, minVersion: a.minVersion }));
}

