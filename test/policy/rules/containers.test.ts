import { readOnlyRootFilesystem } from '../../../policy/rules/containers/read-only-root-filesystem';
import { singleMainContainer } from '../../../policy/rules/containers/single-main-container';
import { evaluate, goodContainer, goodDeployment, variant, violations } from './_fixtures';

describe('HARDENED-5 read-only-root-filesystem', () => {
  test('compliant: every container sets readOnlyRootFilesystem: true', () => {
    const o = variant(goodDeployment(), d => { d.spec.template.spec.initContainers = [goodContainer('init')]; });
    expect(evaluate(readOnlyRootFilesystem, o)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: false, or unset (the default is writable)', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
      d.spec.template.spec.initContainers = [{ name: 'init', image: 'x' }];
    });
    expect(violations(evaluate(readOnlyRootFilesystem, o))).toEqual([
      { message: 'init container "init" does not set readOnlyRootFilesystem: true', path: 'spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem' },
      { message: 'container "app" sets readOnlyRootFilesystem: false', path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem' },
    ]);
  });
});

describe('HARDENED-11 single-main-container', () => {
  test('compliant: one main container; init containers, native sidecars and ephemeral containers do not count', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.initContainers = [goodContainer('migrate'), { ...goodContainer('log-shipper'), restartPolicy: 'Always' }];
      d.spec.template.spec.ephemeralContainers = [{ name: 'debug', image: 'x' }];
    });
    expect(evaluate(singleMainContainer, o)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: a second entry in spec.containers, whatever it does', () => {
    const o = variant(goodDeployment(), d => { d.spec.template.spec.containers.push(goodContainer('log-shipper')); });
    expect(violations(evaluate(singleMainContainer, o))).toEqual([
      { message: 'container "log-shipper" is a second main container next to "app"', path: 'spec.template.spec.containers[1]' },
    ]);
  });
});
