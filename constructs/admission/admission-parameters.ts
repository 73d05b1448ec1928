import { IConstruct } from 'constructs';
import type { AllowedHostPath } from '../../policy/admission';
import { BASELINE_ALLOWED_CAPABILITIES } from '../../policy/pss/checks/capabilities-baseline';
import * as v from '../_validate';
import { HardenedInputError } from '../errors';
import { PodSecurityLevel } from '../pod-security';
import { AdmissionAction, AdmissionEngine, type AdmissionProps, DEFAULT_EXCLUDED_NAMESPACES } from './admission-props';

/**
 * The Linux capabilities a container can add (capabilities(7), Linux 6.x), by the names
 * Kubernetes uses: without the `CAP_` prefix, upper case. A name outside this list is a typo that
 * would make the allow-list deny what it meant to allow.
 */
export const LINUX_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN', 'DAC_OVERRIDE',
  'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN',
  'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'PERFMON', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYSLOG', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT',
  'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'WAKE_ALARM',
]);

/** The admission parameters, validated, with the defaults of the chosen level. */
export interface AdmissionParameters {
  readonly engines: readonly AdmissionEngine[];
  readonly level: PodSecurityLevel;
  readonly excludedNamespaces: readonly string[];
  readonly allowedHostPaths: readonly AllowedHostPath[];
  readonly allowedCapabilities: readonly string[];
  readonly allowedRegistries?: readonly string[];
}

/** `registry.example.com`, `registry.example.com:5000/team`: a host (and port) with an optional repository path. */
const REGISTRY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/;

/**
 * Validates every admission parameter at synth, naming the field, the value and the fix, and
 * fills in the defaults: baseline gets baseline's capability list, restricted `NET_BIND_SERVICE`.
 */
export function admissionParameters(app: IConstruct, props: AdmissionProps): AdmissionParameters {
  // the app's own props: named `HardenedApp` when it is the root
  const scope: IConstruct | string = app.node.path === '' ? 'HardenedApp' : app;
  const field = (name: string) => `admission.${name}`;
  const engines = props.engines ?? [AdmissionEngine.VALIDATING_ADMISSION_POLICY, AdmissionEngine.GATEKEEPER];
  if (!Array.isArray(engines) || engines.length === 0) {
    throw new HardenedInputError(scope, field('engines'), engines, 'is empty', 'list at least one AdmissionEngine, or leave admission out');
  }
  engines.forEach((e, i) => {
    if (!Object.values(AdmissionEngine).includes(e)) throw new HardenedInputError(scope, field(`engines[${i}]`), e, 'is not an AdmissionEngine', `use one of ${Object.values(AdmissionEngine).join(', ')}`);
  });
  const actionOk = (a: unknown) => Object.values(AdmissionAction).includes(a as AdmissionAction);
  if (props.action !== undefined && !actionOk(props.action)) {
    throw new HardenedInputError(scope, field('action'), props.action, 'is not an AdmissionAction (a binding would have no validationActions)', `use one of ${Object.values(AdmissionAction).join(', ')}`);
  }
  for (const [id, a] of Object.entries(props.ruleActions ?? {})) {
    if (!actionOk(a)) throw new HardenedInputError(scope, field(`ruleActions.${id}`), a, 'is not an AdmissionAction', `use one of ${Object.values(AdmissionAction).join(', ')}`);
  }
  const level = props.podSecurityLevel ?? PodSecurityLevel.RESTRICTED;
  if (level !== PodSecurityLevel.BASELINE && level !== PodSecurityLevel.RESTRICTED) {
    throw new HardenedInputError(scope, field('podSecurityLevel'), level, level === PodSecurityLevel.PRIVILEGED ? 'has no checks to enforce' : 'is not a Pod Security level', 'use BASELINE or RESTRICTED');
  }
  const excludedNamespaces = (props.excludedNamespaces ?? DEFAULT_EXCLUDED_NAMESPACES).map((ns, i) => v.dnsLabel(scope, field(`excludedNamespaces[${i}]`), ns));
  const allowedHostPaths = (props.allowedHostPaths ?? []).map((h, i) => {
    const path = v.absolutePath(scope, field(`allowedHostPaths[${i}].pathPrefix`), h?.pathPrefix,
      'give an absolute host path below / such as "/var/log" (an empty or "/" prefix would allow every host path)');
    if (typeof h.readOnly !== 'boolean') {
      throw new HardenedInputError(scope, field(`allowedHostPaths[${i}].readOnly`), h.readOnly, 'is not true or false', 'say whether every mount of such a volume must be read-only (true, recommended)');
    }
    return { pathPrefix: path, readOnly: h.readOnly };
  });
  const defaultCapabilities = level === PodSecurityLevel.BASELINE ? [...BASELINE_ALLOWED_CAPABILITIES].map(String).sort() : ['NET_BIND_SERVICE'];
  const allowedCapabilities = (props.allowedCapabilities ?? defaultCapabilities).map((c, i) => {
    if (typeof c !== 'string' || !LINUX_CAPABILITIES.has(c)) {
      const hint = typeof c === 'string' && LINUX_CAPABILITIES.has(c.toUpperCase().replace(/^CAP_/, '')) ? `write "${c.toUpperCase().replace(/^CAP_/, '')}"` : 'use a Linux capability name as Kubernetes writes it, e.g. "NET_BIND_SERVICE"';
      throw new HardenedInputError(scope, field(`allowedCapabilities[${i}]`), c, 'is not a capability name (upper case, without CAP_)', hint);
    }
    return c;
  });
  let allowedRegistries: string[] | undefined;
  if (props.allowedRegistries !== undefined) {
    if (props.allowedRegistries.length === 0) {
      throw new HardenedInputError(scope, field('allowedRegistries'), props.allowedRegistries, 'would deny every image', 'list the registries images come from, or leave allowedRegistries out');
    }
    allowedRegistries = props.allowedRegistries.map((r, i) => {
      if (typeof r !== 'string' || !REGISTRY.test(r)) {
        throw new HardenedInputError(scope, field(`allowedRegistries[${i}]`), r, 'is not a registry or repository prefix (host[:port][/path], no scheme, no wildcard)',
          'write it as images name it, e.g. "registry.example.com" or "ghcr.io/acme"');
      }
      return r;
    });
  }
  return { engines, level, excludedNamespaces, allowedHostPaths, allowedCapabilities, ...(allowedRegistries ? { allowedRegistries } : {}) };
}
