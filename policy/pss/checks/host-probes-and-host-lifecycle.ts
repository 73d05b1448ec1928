import { asRecord, containerLabel, nonEmpty, show, type CheckDefinition, type ContainerRef, type FindingSink, type PlainRecord } from '../context';
import { everyContainer, unlessSet } from './_cel';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;
const HANDLERS = ['httpGet', 'tcpSocket'] as const;

function inspectHandler(sink: FindingSink, c: ContainerRef, handler: PlainRecord, path: string): void {
  for (const kind of HANDLERS) {
    const host = asRecord(handler[kind])?.host;
    if (nonEmpty(host)) {
      sink.add(
        `${path}.${kind}.host`,
        `${containerLabel(c)} uses probe or lifecycle host ${show(host)}`,
        `Remove ${kind}.host from ${containerLabel(c)} so the kubelet targets the pod IP.`,
      );
    }
  }
}

/** CEL: the handler below `base` (a probe or hook) targets no host. */
function celHandler(base: string, fields: readonly string[]): string {
  return HANDLERS.map(kind => unlessSet(base, [...fields, kind, 'host'], p => `${p} != ''`)).join(' && ');
}

const CEL = everyContainer(c => [
  ...PROBES.map(probe => celHandler(c, [probe])),
  ...HOOKS.map(hook => celHandler(c, ['lifecycle', hook])),
].join(' && '));

/** `hostProbesAndHostLifecycle` (baseline, v1.34): probes and lifecycle hooks must not target another host. */
export const hostProbesAndHostLifecycle: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  reason: 'probe or lifecycle host',
  description: 'Probes and lifecycle handlers that set a host are forbidden.',
  versions: [
    {
      minVersion: 'v1.34',
      overrides: [],
      behaviour: 'httpGet.host and tcpSocket.host of liveness/readiness/startup probes and postStart/preStop hooks must be unset or empty',
      cel: CEL,
      evaluate(pod, sink) {
        for (const c of pod.containers) {
          for (const probe of PROBES) {
            const handler = asRecord(c.container[probe]);
            if (handler !== undefined) {
              inspectHandler(sink, c, handler, `${c.path}.${probe}`);
            }
          }
          const lifecycle = asRecord(c.container.lifecycle);
          if (lifecycle !== undefined) {
            for (const hook of HOOKS) {
              const handler = asRecord(lifecycle[hook]);
              if (handler !== undefined) {
                inspectHandler(sink, c, handler, `${c.path}.lifecycle.${hook}`);
              }
            }
          }
        }
      },
    },
  ],
};
