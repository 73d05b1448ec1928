import { asRecord, containerLabel, nonEmpty, show, type CheckDefinition, type CheckFn, type FindingSink, type PlainRecord } from '../context';
import { everyContainer, POD_SPEC, strings, unlessSet } from './_cel';

const TYPES_1_0: ReadonlySet<unknown> = new Set(['container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31: ReadonlySet<unknown> = new Set([...TYPES_1_0, 'container_engine_t']);

function inspect(
  sink: FindingSink,
  sc: PlainRecord | undefined,
  path: string,
  who: string,
  allowed: ReadonlySet<unknown>,
  allowedList: string,
): void {
  const opts = asRecord(sc?.seLinuxOptions);
  if (opts === undefined) {
    return;
  }
  if (nonEmpty(opts.type) && !allowed.has(opts.type)) {
    sink.add(
      `${path}.securityContext.seLinuxOptions.type`,
      `${who} set forbidden securityContext.seLinuxOptions: type ${show(opts.type)}`,
      `Set securityContext.seLinuxOptions.type of the ${who} to one of ${allowedList}, or remove it.`,
    );
  }
  for (const field of ['user', 'role'] as const) {
    if (nonEmpty(opts[field])) {
      sink.add(
        `${path}.securityContext.seLinuxOptions.${field}`,
        `${who} set forbidden securityContext.seLinuxOptions: ${field} ${show(opts[field])}`,
        `Remove securityContext.seLinuxOptions.${field} from the ${who}.`,
      );
    }
  }
}

/** CEL: the securityContext below `base` sets no SELinux user or role and only an allowed type. */
function celInspect(base: string, allowed: ReadonlySet<unknown>): string {
  return unlessSet(base, ['securityContext', 'seLinuxOptions'], o =>
    `((has(${o}.type) && ${o}.type != '' && !(${o}.type in ${strings(allowed)})) || (has(${o}.user) && ${o}.user != '') || (has(${o}.role) && ${o}.role != ''))`);
}

function celSeLinux(allowed: ReadonlySet<unknown>): string {
  return `${celInspect(POD_SPEC, allowed)} && ${everyContainer(c => celInspect(c, allowed))}`;
}

function seLinux(allowed: ReadonlySet<unknown>): CheckFn {
  const allowedList = [...allowed].join(', ');
  return (pod, sink) => {
    inspect(sink, pod.podSc, pod.specPath, 'pod', allowed, allowedList);
    for (const c of pod.containers) {
      inspect(sink, c.sc, c.path, containerLabel(c), allowed, allowedList);
    }
  };
}

/** `seLinuxOptions` (baseline, v1.0; container_engine_t allowed from v1.31): no custom SELinux user, role or type. */
export const seLinuxOptions: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  reason: 'seLinuxOptions',
  description: 'Setting a custom SELinux user or role, or a type outside the container types, is forbidden.',
  versions: [
    {
      minVersion: 'v1.0',
      overrides: [],
      behaviour: 'seLinuxOptions.type empty or container_t, container_init_t, container_kvm_t; user and role empty',
      evaluate: seLinux(TYPES_1_0),
      cel: celSeLinux(TYPES_1_0),
    },
    {
      minVersion: 'v1.31',
      overrides: [],
      behaviour: 'also allows seLinuxOptions.type container_engine_t',
      evaluate: seLinux(TYPES_1_31),
      cel: celSeLinux(TYPES_1_31),
    },
  ],
};
