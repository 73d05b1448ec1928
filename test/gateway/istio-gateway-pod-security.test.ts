/**
 * What Istio's auto-deployed gateway runs as, judged by our Pod Security checker (which agrees
 * with the upstream Pod Security Admission fixtures, 274 of 274) on Istio's own golden rendering of
 * its gateway template (test/fixtures/istio-gateway, Istio 1.31.0-rc.0). The real API server
 * judges the same Deployment, with and without our parameters, in test/cluster/_gateway.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { checkPodSecurity } from '../../policy/pss';
import { KubeObject } from '../../policy/kube-object';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'istio-gateway');
const golden = yaml.loadAll(fs.readFileSync(path.join(FIXTURES, 'simple.yaml'), 'utf8')) as KubeObject[];
const deployment = golden.find(o => o?.kind === 'Deployment')!;
const pod = (deployment.spec as any).template.spec;

test('Istio gateway pod: istio-proxy as uid/gid 1337, non-root, read-only root, no escalation, all capabilities dropped; one sysctl; no seccomp profile', () => {
  expect(pod.containers.map((c: any) => c.name)).toEqual(['istio-proxy']);
  expect(pod.containers[0].securityContext).toEqual({
    allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337,
  });
  expect(pod.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
  expect(pod.serviceAccountName).toBe('default-istio');
  expect(pod.automountServiceAccountToken).toBeUndefined(); // the API token of <gateway>-istio is mounted
  expect((deployment.spec as any).template.metadata.labels).toMatchObject({ 'gateway.networking.k8s.io/gateway-name': 'default', 'sidecar.istio.io/inject': 'false' });
});

test('as Istio renders it, the gateway passes baseline and fails restricted only on the seccomp profile', () => {
  expect(checkPodSecurity(deployment, 'baseline', 'latest')).toEqual([]);
  const restricted = checkPodSecurity(deployment, 'restricted', 'latest');
  expect(restricted.map(f => f.check)).toEqual(['seccompProfile_restricted']);
});

test('with the seccomp profile our parameters ConfigMap sets at pod level, it passes restricted', () => {
  const patched = JSON.parse(JSON.stringify(deployment));
  patched.spec.template.spec.securityContext.seccompProfile = { type: 'RuntimeDefault' };
  expect(checkPodSecurity(patched, 'restricted', 'latest')).toEqual([]);
  expect(checkPodSecurity(patched, 'restricted', 'v1.28')).toEqual([]);
});
