/** Reachability evaluation and Markdown security report, computed from synthesized objects. */
export * from './ports';
export * from './selectors';
export * from './workloads';
export * from './network-policy';
export * from './reachability';
export * from './reachability-layer';
export * from './authorization-policy';
export * from './posture';
export * from './markdown';
export * from './mermaid';
export * from './security-report';
