import { HardenedApp } from '../constructs';
import { buildDefaultBlueprint } from './blueprint';

const app = new HardenedApp();
buildDefaultBlueprint(app);
app.synth();
