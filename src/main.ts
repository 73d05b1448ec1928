import { App } from 'cdk8s';
import { buildDefaultBlueprint } from './blueprint';

const app = new App();
buildDefaultBlueprint(app);
app.synth();
