import { asArray, asRecord, show, type CheckDefinition, type CheckFn } from '../context';
import { POD_SC, strings, unlessSet } from './_cel';

/** Safe sysctl names and the policy version that first allows each (cumulative). */
export const SAFE_SYSCTLS: readonly { readonly name: string; readonly since: string }[] = [
  { name: 'kernel.shm_rmid_forced', since: 'v1.0' },
  { name: 'net.ipv4.ip_local_port_range', since: 'v1.0' },
  { name: 'net.ipv4.tcp_syncookies', since: 'v1.0' },
  { name: 'net.ipv4.ping_group_range', since: 'v1.0' },
  { name: 'net.ipv4.ip_unprivileged_port_start', since: 'v1.0' },
  { name: 'net.ipv4.ip_local_reserved_ports', since: 'v1.27' },
  { name: 'net.ipv4.tcp_keepalive_time', since: 'v1.29' },
  { name: 'net.ipv4.tcp_fin_timeout', since: 'v1.29' },
  { name: 'net.ipv4.tcp_keepalive_intvl', since: 'v1.29' },
  { name: 'net.ipv4.tcp_keepalive_probes', since: 'v1.29' },
  { name: 'net.ipv4.tcp_rmem', since: 'v1.32' },
  { name: 'net.ipv4.tcp_wmem', since: 'v1.32' },
  { name: 'net.ipv4.tcp_slow_start_after_idle', since: 'v1.37' },
  { name: 'net.ipv4.tcp_notsent_lowat', since: 'v1.37' },
];

function minorOf(version: string): number {
  return Number(version.slice(version.indexOf('.') + 1));
}

function sysctlCheck(version: string): CheckFn {
  const minor = minorOf(version);
  const allowed: ReadonlySet<unknown> = new Set(SAFE_SYSCTLS.filter((s) => minorOf(s.since) <= minor).map((s) => s.name));
  return (pod, sink) => {
    const sysctls = asArray(pod.podSc?.sysctls);
    if (sysctls === undefined) {
      return;
    }
    for (let i = 0; i < sysctls.length; i++) {
      const name = asRecord(sysctls[i])?.name;
      if (!allowed.has(name)) {
        sink.add(
          `${pod.specPath}.securityContext.sysctls[${i}].name`,
          `${typeof name === 'string' ? name : show(name)}`,
          `Remove sysctl ${show(name)} from the pod securityContext.sysctls; only the safe sysctl set is allowed.`,
        );
      }
    }
  };
}

function versioned(version: string, added: string) {
  const minor = minorOf(version);
  const allowed = SAFE_SYSCTLS.filter((s) => minorOf(s.since) <= minor).map((s) => s.name);
  const cel = unlessSet(POD_SC, ['sysctls'], p => `!${p}.all(s, has(s.name) && s.name in ${strings(allowed)})`);
  return { minVersion: version, overrides: [], behaviour: added, evaluate: sysctlCheck(version), cel };
}

/** `sysctls` (baseline, v1.0; allow-list grows in v1.27, v1.29, v1.32, v1.37): only safe sysctls. */
export const sysctls: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  reason: 'forbidden sysctls',
  description: 'Sysctls outside the safe set are forbidden.',
  versions: [
    versioned('v1.0', 'spec.securityContext.sysctls[*].name must be kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range or net.ipv4.ip_unprivileged_port_start'),
    versioned('v1.27', 'also allows net.ipv4.ip_local_reserved_ports'),
    versioned('v1.29', 'also allows net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes'),
    versioned('v1.32', 'also allows net.ipv4.tcp_rmem, net.ipv4.tcp_wmem'),
    versioned('v1.37', 'also allows net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat'),
  ],
};
