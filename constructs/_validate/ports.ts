import { IConstruct } from 'constructs';
import { HardenedInputError } from '../errors';
import { integer } from './numbers';

// Ports and protocols (apimachinery IsValidPortNum; core/v1 Protocol: TCP, UDP, SCTP).

/** A TCP/UDP/SCTP port number. */
export function port(scope: IConstruct, field: string, value: number): number {
  return integer(scope, field, value, 1, 65535, 'use a port number from 1 to 65535');
}

/** The protocols a Kubernetes port can name. */
export const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];

/** A protocol the API server accepts: `TCP`, `UDP` or `SCTP` (uppercase). */
export function protocol(scope: IConstruct, field: string, value: string): string {
  if (!PROTOCOLS.includes(value)) {
    throw new HardenedInputError(scope, field, value, 'is not a protocol Kubernetes accepts', `use one of ${PROTOCOLS.join(', ')} (Protocol.TCP, ...)`);
  }
  return value;
}
