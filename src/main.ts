import { HardenedApp } from 'cdk8s-hardened';
import { buildDefaultBlueprint } from './blueprint';
import { securityReportReporter } from './security-report-file';

// outdir 'dist': written atomically, so a failing synth leaves the committed dist/ as it was
// (cdk8s.yaml points the CLI's own output, which it deletes first, at cdk8s.out/)
// admission: the rules as ValidatingAdmissionPolicies and Gatekeeper constraints (docs/admission.md)
const app = new HardenedApp({ outdir: 'dist', reporters: [securityReportReporter()], admission: {} });
buildDefaultBlueprint(app);
app.synth();
