import { Chart } from 'cdk8s';
import { AppModel, HardenedDeployment, HardenedNamespace, Peer, Port } from '../../constructs';
import { container } from '../support/fixtures';
import { findObject, synthApp, testApp } from '../support/manifests';
import { validateAgainstKubernetesSchema } from '../support/schema';

function twoNamespaces(apiPorts = [{ number: 8080, name: 'http' }]) {
  const app = testApp();
  const cluster = new Chart(app, 'cluster');
  const front = new HardenedNamespace(cluster, 'front');
  const back = new HardenedNamespace(cluster, 'back');
  const web = new HardenedDeployment(new Chart(app, 'f', { namespace: 'front' }), 'web', { containers: [container()] });
  const api = new HardenedDeployment(new Chart(app, 'b', { namespace: 'back' }), 'api', { containers: [container({ ports: apiPorts })] });
  return { app, front, back, web, api };
}

const policyNames = (objects: ReturnType<typeof synthApp>) => objects.filter(o => o.kind === 'NetworkPolicy').map(o => `${o.metadata?.namespace}/${o.metadata?.name}`).sort();

describe('declared connectivity', () => {
  test('no flow, no policy beyond default deny and DNS', () => {
    expect(policyNames(synthApp(twoNamespaces().app))).toEqual([
      'back/default-deny-all', 'back/namespace-allow-egress', 'front/default-deny-all', 'front/namespace-allow-egress',
    ]);
  });

  test('allowTo across namespaces writes egress on the client and ingress on the server, nothing more', () => {
    const { app, web, api } = twoNamespaces();
    web.allowTo(api, { ports: [Port.tcp(8080)] });
    const objects = synthApp(app);
    expect(policyNames(objects)).toEqual([
      'back/api-allow-ingress', 'back/default-deny-all', 'back/namespace-allow-egress',
      'front/default-deny-all', 'front/namespace-allow-egress', 'front/web-allow-egress',
    ]);
    expect(findObject(objects, 'NetworkPolicy', 'web-allow-egress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'back' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'api-allow-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    objects.forEach(validateAgainstKubernetesSchema);
  });

  test('allowFrom is the same flow as allowTo; repeated declarations merge ports', () => {
    const ports = [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }];
    const a = twoNamespaces(ports);
    a.web.allowTo(a.api, { ports: [Port.tcp(8080)] });
    a.api.allowFrom(a.web, { ports: [Port.tcp(9090), Port.tcp(8080)] });
    const b = twoNamespaces(ports);
    b.web.allowTo(b.api, { ports: [Port.tcp(8080), Port.tcp(9090)] });
    expect(synthApp(a.app)).toEqual(synthApp(b.app));
    const c = twoNamespaces();
    c.web.allowTo(c.api, { ports: [Port.tcp(9090)] });
    expect(() => synthApp(c.app)).toThrow(/\[b\/api\] allowFrom: port 9090\/TCP of the flow declared by f\/web is not a port any container of api listens on \(8080\/TCP\)\. Fix: declare the container port/);
    expect(AppModel.of(a.app).connectivity.flows.filter(f => f.from === a.web).map(f => f.ports.map(String))).toEqual([['8080/TCP', '9090/TCP']]);
  });

  test('a CIDR peer with except and a port range: egress only on the owned side', () => {
    const { app, api } = twoNamespaces();
    api.allowTo(Peer.ipBlock('10.0.0.0/8', ['10.1.0.0/16']), { ports: [Port.tcpRange(8000, 8099)] });
    const objects = synthApp(app);
    expect(findObject(objects, 'NetworkPolicy', 'api-allow-egress').spec).toMatchObject({
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 8000, endPort: 8099 }] }],
    });
    expect(objects.filter(o => o.metadata?.name === 'api-allow-ingress')).toEqual([]);
  });

  test('namespace to namespace flows select every pod', () => {
    const { app, front, back } = twoNamespaces();
    back.allowFrom(front, { ports: [Port.tcp(443)] });
    const objects = synthApp(app);
    expect(findObject(objects, 'NetworkPolicy', 'namespace-allow-ingress', 'back').spec).toEqual({
      podSelector: {}, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    expect((findObject(objects, 'NetworkPolicy', 'namespace-allow-egress', 'front').spec as { egress: unknown[] }).egress).toHaveLength(2);
  });

  test('the graph keeps identities for the mesh: ServiceAccount and namespace of both ends', () => {
    const { app, web, api } = twoNamespaces();
    web.allowTo(api, { ports: [Port.tcp(8080)] });
    const [flow] = AppModel.of(app).connectivity.flows.filter(f => f.from === web);
    expect(flow.from.toPeerSelector()).toMatchObject({ namespace: 'front', serviceAccount: 'web' });
    expect(flow.to.toPeerSelector()).toMatchObject({ namespace: 'back', serviceAccount: 'api' });
    expect(flow.declaredBy).toBe('f/web');
  });

  describe('bad input', () => {
    test.each([
      ['0.0.0.0/0/32', /\[b\/api\] allowTo\.peer\.cidr: "0\.0\.0\.0\/0\/32" is not a CIDR block\. Fix: write an address and a prefix length/],
      ['10.0.0.0/33', /allowTo\.peer\.cidr: "10\.0\.0\.0\/33" has a prefix length above 32\. Fix: use a prefix length from 0 to 32/],
      ['300.1.1.1/32', /allowTo\.peer\.cidr: "300\.1\.1\.1\/32" does not start with a valid IPv4 or IPv6 address/],
      ['10.0.0.1/8', /allowTo\.peer\.cidr: "10\.0\.0\.1\/8" has host bits set\. Fix: write the network address, "10\.0\.0\.0\/8"/],
      ['2001:db8::1/32', /has host bits set/],
      ['10.0.0.0', /is not a CIDR block/],
    ])('CIDR %s', (cidr, message) => {
      const { api } = twoNamespaces();
      expect(() => api.allowTo(Peer.ipBlock(cidr), { ports: [Port.tcp(443)] })).toThrow(message);
    });

    test('valid IPv6 and /0 blocks pass', () => {
      const { api } = twoNamespaces();
      expect(() => api.allowTo(Peer.ipBlock('2001:db8::/32'), { ports: [Port.tcp(443)] })).not.toThrow();
      expect(() => api.allowTo(Peer.ipBlock('0.0.0.0/0', ['10.0.0.0/8']), { ports: [Port.tcp(443)] })).not.toThrow();
    });

    test.each([
      [Port.tcp(0), /allowTo\.ports\[0\]\.port: 0 is not a whole number from 1 to 65535\. Fix: use a port number from 1 to 65535/],
      [Port.udp(65536), /allowTo\.ports\[0\]\.port: 65536 is not a whole number/],
      [Port.tcp(80.5), /allowTo\.ports\[0\]\.port: 80\.5 is not a whole number/],
      [Port.tcpRange(9000, 8000), /allowTo\.ports\[0\]\.endPort: 8000 is below the first port 9000\. Fix: write the range as \(low, high\)/],
    ])('port %s', (port, message) => {
      const { web, api } = twoNamespaces();
      expect(() => web.allowTo(api, { ports: [port] })).toThrow(message);
    });

    test('no ports', () => {
      const { web, api } = twoNamespaces();
      expect(() => web.allowTo(api, { ports: [] })).toThrow(/\[f\/web\] allowTo\.ports: \[\] declares no port; every hole must be declared\. Fix: list the destination ports/);
    });

    test('bad namespace name of an external peer', () => {
      const { web } = twoNamespaces();
      expect(() => web.allowFrom(Peer.namespace('Ingress_Nginx'), { ports: [Port.tcp(80)] })).toThrow(/allowFrom\.peer\.namespace: "Ingress_Nginx" is not a valid DNS-1123 label/);
    });
  });
});
