/** The image supply chain at synth: the Trivy scan gate and the registry allow-list. Pure. */
export {
  evaluateScanGate, imageDigestOf, imageRepository, type ScanAllowance, type ScanGateOptions,
  type ScanGateResult, TRIVY_SEVERITIES, type TrivyReport, type TrivySeverity,
} from './trivy-gate';
export { allowedRegistriesPack } from './registry-pack';
