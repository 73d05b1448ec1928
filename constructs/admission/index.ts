export * from './admission-props';
export { AdmissionLayer, admissionObjectName, constraintKind } from './admission-layer';
