export * from './admission-props';
export { AdmissionLayer, admissionObjectName, constraintKind } from './admission-layer';
export { imagesOf, SCAN_GATE_FILE, scanGateReporter, type ScanGateProps } from './scan-gate';
