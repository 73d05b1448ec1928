/**
 * Pod Security Standards checker conformant with upstream `k8s.io/pod-security-admission`.
 *
 * @example
 *   const findings = checkPodSecurity(deployment, 'restricted', 'latest');
 */
export type { PssCheckInfo, PssCheckLevel, PssCheckVersionInfo, PssFinding, PssLevel } from './types';
export { isPssLevel, parsePssLevel, PSS_LEVELS } from './level';
export { effectivePssVersion, formatPssVersion, parsePssVersion, PSS_LATEST_VERSION, type PssVersion } from './version';
export { podTemplateOf, type PodTemplateView, type PlainRecord } from './pod-template';
export { checksInEffect, PSS_CHECKS, type PssCheckInEffect } from './registry';
export { checkPodSecurity } from './evaluate';
