/**
 * The package root of `cdk8s-hardened`: everything a blueprint composes, from one import.
 *
 * @example
 *   import { HardenedApp, HardenedNamespace, HardenedDeployment, securityReportReporter } from 'cdk8s-hardened';
 *   const app = new HardenedApp({ reporters: [securityReportReporter()] });
 *
 * - the constructs (constructs/): HardenedApp, HardenedNamespace, HardenedDeployment, PolicyException, ...;
 * - the policy engine (policy/), which judges plain Kubernetes objects, not constructs: the one
 *   policy pass (`evaluatePolicy`), the Pod Security Standards checker (`checkPodSecurity`,
 *   `namespacePodSecurity`, `Pss*`) and the rule packs (`HARDENED_PACK`, `runRulePacks`, the
 *   `Rule`/`RulePack` types to write your own);
 * - the synth-time security report (`securityReportReporter`, `buildSecurityReport`).
 *
 * A name exported by two of these modules is a compile error here (TS2308); resolve it below
 * with an explicit re-export rather than renaming at the call sites.
 */
export * from '../constructs';
export * from '../policy';
export {
  buildSecurityReport, SECURITY_REPORT_FILE, securityReportReporter, type BuildSecurityReportOptions, type BuiltSecurityReport,
} from './security-report-file';
export type { ManifestObject } from './yaml-input';
export { PodSecurityValidation, type PodSecurityValidationProps } from './cli/validation-plugin';
