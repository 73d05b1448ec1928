import { requestsAndLimits } from '../../../policy/rules/resources/requests-and-limits';
import { evaluate, goodContainer, goodDeployment, variant, violations } from './_fixtures';

describe('HARDENED-3 resource-requests-and-limits', () => {
  test('compliant: cpu and memory requests and limits on containers and init containers; ephemeral containers are not judged', () => {
    const o = variant(goodDeployment(), d => {
      d.spec.template.spec.initContainers = [goodContainer('init')];
      d.spec.template.spec.ephemeralContainers = [{ name: 'debug', image: 'x' }];
      d.spec.template.spec.containers[0].resources.limits.cpu = 2; // a number is a quantity too
    });
    expect(evaluate(requestsAndLimits, o)).toEqual({ status: 'compliant' });
  });

  test('non-compliant: each container lists what it lacks', () => {
    const o = variant(goodDeployment(), d => {
      delete d.spec.template.spec.containers[0].resources.limits;
      d.spec.template.spec.containers[0].resources.requests.cpu = '';
      d.spec.template.spec.initContainers = [{ ...goodContainer('init'), resources: undefined }];
    });
    expect(violations(evaluate(requestsAndLimits, o))).toEqual([
      { message: 'init container "init" declares no requests.cpu, requests.memory, limits.cpu, limits.memory', path: 'spec.template.spec.initContainers[0].resources' },
      { message: 'container "app" declares no requests.cpu, limits.cpu, limits.memory', path: 'spec.template.spec.containers[0].resources' },
    ]);
  });
});
