/**
 * The security report as data (`report --format json`): the same facts as the Markdown report,
 * for tools. Strings that name objects keep the report's Markdown code spans (`` `ns/name` ``).
 * Deterministic: the same objects and options give the same document.
 */
import type { KubeObject } from '../../policy/kube-object';
import { admissionPosture, type AdmissionPostureRow } from './admission-posture';
import { permissionsBySubject, permText } from './api-permissions';
import { extractEntryPoints, type EntryPoint } from './entry-points';
import { extractGatewayEntryPoints, type GatewayListenerEntry, type GatewayRouteEntry } from './gateway-entry-points';
import { outsideHosts, type OutsideHost } from './outside-hosts';
import type { ReachabilityMatrix } from './reachability';
import { compareStrings } from './read';
import { reportReachability, verdictInputs, type ReportException, type ReportFinding, type SecurityReportOptions } from './security-report';
import { topRisks, type TopRisk } from './top-risks';

/** The JSON document of `report --format json`. */
export interface SecurityReportJson {
  /** The document's format version. */
  readonly version: 1;
  readonly verdict: { readonly openFindings: number; readonly risks: readonly TopRisk[] };
  readonly entryPoints: { readonly ingress: readonly EntryPoint[]; readonly gatewayListeners: readonly GatewayListenerEntry[]; readonly gatewayRoutes: readonly GatewayRouteEntry[] };
  readonly apiAccess: readonly { readonly subject: string; readonly may: readonly string[] }[];
  readonly outsideHosts: readonly OutsideHost[];
  readonly admission: readonly AdmissionPostureRow[];
  readonly reachability: ReachabilityMatrix;
  readonly findings: readonly ReportFinding[];
  readonly exceptions: readonly ReportException[];
}

/** The report of `objects` as data. */
export function securityReportJson(objects: readonly KubeObject[], options: SecurityReportOptions = {}): SecurityReportJson {
  const { matrix } = reportReachability(objects, options);
  const inputs = verdictInputs(options);
  const gateways = extractGatewayEntryPoints(objects);
  return {
    version: 1,
    verdict: { openFindings: inputs.openFindings.length, risks: topRisks(objects, matrix, inputs) },
    entryPoints: { ingress: extractEntryPoints(objects), gatewayListeners: gateways.listeners, gatewayRoutes: gateways.routes },
    apiAccess: [...permissionsBySubject(objects)].sort(([a], [b]) => compareStrings(a, b))
      .map(([subject, { perms }]) => ({ subject, may: [...new Set(perms.map(permText))].sort(compareStrings) })),
    outsideHosts: outsideHosts(objects),
    admission: admissionPosture(objects),
    reachability: matrix,
    findings: options.findings ?? [],
    exceptions: options.exceptions ?? [],
  };
}
