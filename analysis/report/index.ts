/** Reachability evaluation and Markdown security report, computed from synthesized objects. */
export {
  type AllowedPorts, comparePortSpecs, formatPorts, formatPortSpec, intersectPorts, isEmptyPorts, MAX_PORT,
  NO_PORTS, normalizePorts, type PortSpec, type Protocol, PROTOCOLS, samePorts, subtractPorts, unionPorts,
} from './ports';
export {
  describeSelector, type LabelSelector, type LabelSelectorRequirement, matchesSelector, parseLabelSelector,
} from './selectors';
export {
  allContainers, compareWorkloadRefs, type ContainerPort, DEFAULT_NAMESPACE, extractNamespaces,
  extractWorkloads, flattenObjects, isWorkloadKind, NAMESPACE_NAME_LABEL, type NamespaceInfo, namespaceOf,
  type WorkloadInfo, workloadKey, type WorkloadRef,
} from './workloads';
export {
  type CompiledPeer, type CompiledPolicy, type CompiledRule, type CompiledRulePort, compileNetworkPolicies,
  effectivePolicyTypes,
} from './network-policy';
export {
  applyLayers, computeReachability, defaultLayers, describeExternalPeer, type ExternalFlow, externalPeerKey,
  istioPrincipal, type ReachabilityEdge, type ReachabilityMatrix, type ReachabilityOptions, toWorkloadRef,
  type WorkloadIsolation,
} from './reachability';
export { type ExternalPeer, type FlowEndpoint, type LayerFlow, type ReachabilityLayer } from './reachability-layer';
export {
  AUTHORIZATION_POLICY_API_VERSIONS, externalPeerNamespace, isAuthorizationPolicy, ISTIO_AUTHORIZATION_LAYER,
  istioAuthorizationLayer, type IstioAuthorizationLayer, type IstioAuthorizationOptions, istioStringMatch,
  meshMembership, type Tri,
} from './authorization-policy';
export {
  type AutomountInfo, automountOf, DEFAULT_ISTIO_ROOT_NAMESPACE, formatMtls, type ImageInfo, imagesOf,
  type MtlsMode, type MtlsResolution, podSecurityLabels, type PssLabels, replicasOf, resolveMtls,
  rootCapableContainers, writableRootFsContainers,
} from './posture';
export {
  extractGatewayEntryPoints, type GatewayListenerEntry, type GatewayRouteEntry, renderGatewayEntryPoints,
} from './gateway-entry-points';
export {
  AMBIENT_PROBE_SOURCES, cidrContains, dataPlaneModel, type DataPlaneModel, type DataPlaneMode, dataPlaneModes,
  type DataPlaneOptions, type DataPlaneVerdict, HBONE_PORT, SIDECAR_UNCAPTURED_PORTS,
} from './data-plane';
export { code, mermaidIdFragment, mermaidLabel, stableHash, table, tableCell } from './markdown';
export {
  type DiagramEnd, type DiagramFlow, type FlowDiagram, type FlowDiagramOptions, NAMESPACE_VIEW_ABOVE,
  renderFlowDiagram, shortPeerLabel,
} from './mermaid';
export {
  renderSecurityReport, type ReportException, type ReportFinding, type SecurityReportOptions,
} from './security-report';
