/** Constructors for compliance references, so that rule files stay short. Private module. */
import { ComplianceFramework, type ComplianceReference } from './types';

/** A CIS Kubernetes Benchmark v1.11 recommendation. */
export function cis(item: string, title: string, partial = false): ComplianceReference {
  return { framework: ComplianceFramework.CIS, item, title, ...(partial ? { partial } : {}) };
}

/** A section of the NSA/CISA Kubernetes Hardening Guidance v1.2, by its title path. */
export function nsa(section: string, partial = false): ComplianceReference {
  return { framework: ComplianceFramework.NSA, item: section, ...(partial ? { partial } : {}) };
}

/** A page of the Kubernetes documentation (for rules no benchmark covers). */
export function k8sDocs(page: string): ComplianceReference {
  return { framework: ComplianceFramework.KUBERNETES, item: page };
}
