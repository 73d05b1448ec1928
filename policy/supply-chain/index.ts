/** The image supply chain at synth: the Trivy scan gate and the registry allow-list. Pure. */
export {
  evaluateScanGate, imageDigestOf, imageRepository, type ScanAllowance, type ScanGateOptions,
  type ScanGateResult,
} from './trivy-gate';
export { TRIVY_SEVERITIES, type TrivyReport, trivyReportProblems, type TrivySeverity } from './trivy-report';
export { allowedRegistriesPack } from './registry-pack';
export { coveringPrefixes, isUnderPrefix, type RegistryDisagreement, registryDisagreement } from './signature-coverage';
