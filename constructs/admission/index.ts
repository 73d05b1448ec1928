export {
  ADMISSION_APPLY_PHASE_LABEL, ADMISSION_RULE_LABEL, AdmissionAction, AdmissionEngine, type AdmissionProps,
  DEFAULT_EXCLUDED_NAMESPACES,
} from './admission-props';
export { AdmissionLayer, admissionObjectName, constraintKind } from './admission-layer';
export { imagesOf, SCAN_GATE_FILE, scanGateReporter, type ScanGateProps } from './scan-gate';
