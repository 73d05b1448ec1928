import { HardenedApp } from '../constructs';
import { buildDefaultBlueprint } from './blueprint';
import { securityReportReporter } from './security-report-file';

const app = new HardenedApp({ reporters: [securityReportReporter()] });
buildDefaultBlueprint(app);
app.synth();
