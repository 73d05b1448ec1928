/** The image supply chain at synth: the Trivy scan gate and the registry allow-list. Pure. */
export * from './trivy-gate';
export * from './registry-pack';
