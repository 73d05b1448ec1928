import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, Yaml } from 'cdk8s';
import { Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import {
  CLUSTER_FILE_BASENAME, HardenedApp, HardenedAppProps, HardenedDeployment, HardenedNamespace, KIND_ORDER, Port,
  SandboxRuntime, SandboxRuntimeClass, SynthValidationError,
} from '../constructs';
import { renderFinal } from '../constructs/_post-render-patch';
import { buildDefaultBlueprint, exampleImage } from '../src/blueprint';
import { securityReportReporter } from '../src/security-report-file';
import { KubeObject } from '../policy/kube-object';

const ROOT = path.resolve(__dirname, '..');
const temps: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardened-app-test-'));
  temps.push(dir);
  return dir;
}

afterAll(() => temps.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

function workload(scope: Construct, id: string, namespace?: HardenedNamespace): HardenedDeployment {
  return new HardenedDeployment(scope, id, {
    namespace,
    containers: [{
      name: id,
      image: exampleImage(id),
      ports: [{ number: 8080, name: 'http' }],
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
      readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: Probe.fromHttpGet('/healthz', { port: 8080 }),
      writablePaths: ['/tmp'],
    }],
  });
}

/**
 * Two namespaces, three workloads and a cluster-scoped RuntimeClass. `layout` 'by-namespace'
 * puts each namespace and its workloads in a chart of their own; 'scrambled' spreads them over
 * charts that have nothing to do with namespaces, in another order.
 */
function blueprint(app: App, layout: 'by-namespace' | 'scrambled' = 'by-namespace'): void {
  if (layout === 'by-namespace') {
    const cluster = new Chart(app, 'cluster');
    new SandboxRuntimeClass(cluster, 'gvisor', { runtime: SandboxRuntime.GVISOR });
    const shopChart = new Chart(app, 'shop');
    const shop = new HardenedNamespace(shopChart, 'shop');
    const web = workload(shopChart, 'web', shop);
    const api = workload(shopChart, 'api', shop);
    const dataChart = new Chart(app, 'data');
    const data = new HardenedNamespace(dataChart, 'data');
    const db = workload(dataChart, 'db', data);
    web.allowTo(api, { ports: [Port.tcp(8080)] });
    api.allowTo(db, { ports: [Port.tcp(8080)] });
  } else {
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const data = new HardenedNamespace(b, 'data');
    const shop = new HardenedNamespace(a, 'shop');
    const db = workload(a, 'db', data);
    const api = workload(b, 'api', shop);
    const web = workload(new Chart(b, 'nested'), 'web', shop);
    new SandboxRuntimeClass(b, 'gvisor', { runtime: SandboxRuntime.GVISOR });
    api.allowTo(db, { ports: [Port.tcp(8080)] });
    web.allowTo(api, { ports: [Port.tcp(8080)] });
  }
}

function synthInto(outdir: string, props: HardenedAppProps = {}, build: (app: App) => void = app => blueprint(app)): HardenedApp {
  const app = new HardenedApp({ outdir, ...props });
  build(app);
  app.synth();
  return app;
}

/** file name -> contents, for every file below dir. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out[prefix + e.name] = fs.readFileSync(path.join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** file name -> [contents, mtime in ns, inode], to prove a directory was not touched. */
function snapshot(dir: string): Record<string, [string, bigint, bigint]> {
  const out: Record<string, [string, bigint, bigint]> = {};
  for (const name of Object.keys(readTree(dir))) {
    const st = fs.statSync(path.join(dir, name), { bigint: true });
    out[name] = [fs.readFileSync(path.join(dir, name), 'utf8'), st.mtimeNs, st.ino];
  }
  return out;
}

function parse(yaml: string): KubeObject[] {
  return YAML.parseAllDocuments(yaml, { version: '1.1' }).map(d => d.toJSON() as KubeObject);
}

/** The siblings that synth creates and removes (temporary, moved-aside and kept copies). */
function siblings(outdir: string): string[] {
  return fs.readdirSync(path.dirname(outdir)).filter(n => n.startsWith(`.${path.basename(outdir)}.`)).sort();
}

describe('HardenedApp output', () => {
  test('re-synthesizing the same app gives byte-identical output', () => {
    const a = path.join(tempDir(), 'dist');
    const b = path.join(tempDir(), 'dist');
    synthInto(a);
    synthInto(b);
    expect(readTree(a)).toEqual(readTree(b));
    expect(Object.keys(readTree(a)).length).toBeGreaterThan(0);
  });

  test('one file per namespace plus cluster.yaml, grouped by metadata.namespace', () => {
    const outdir = path.join(tempDir(), 'dist');
    synthInto(outdir);
    const files = readTree(outdir);
    expect(Object.keys(files)).toEqual(['cluster.yaml', 'data.yaml', 'shop.yaml']);
    expect(CLUSTER_FILE_BASENAME).toBe('cluster');
    for (const [file, yaml] of Object.entries(files)) {
      const objects = parse(yaml);
      const expected = file === 'cluster.yaml' ? undefined : file.replace(/\.yaml$/, '');
      for (const o of objects) expect({ file, ns: o.metadata?.namespace }).toEqual({ file, ns: expected });
    }
    expect(parse(files['cluster.yaml']).map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Namespace/data', 'Namespace/shop', 'RuntimeClass/gvisor',
    ]);
  });

  test('objects are ordered by kind order, then name, whatever the chart layout', () => {
    const byNamespace = path.join(tempDir(), 'dist');
    const scrambled = path.join(tempDir(), 'dist');
    synthInto(byNamespace);
    synthInto(scrambled, {}, app => blueprint(app, 'scrambled'));
    const identities = (dir: string) => Object.fromEntries(Object.entries(readTree(dir)).map(([f, y]) => [f, parse(y).map(o => `${o.kind}/${o.metadata?.name}`)]));
    expect(identities(scrambled)).toEqual(identities(byNamespace));

    const shop = parse(readTree(byNamespace)['shop.yaml']);
    const ranks = shop.map(o => KIND_ORDER.indexOf(o.kind));
    expect(ranks.every(r => r >= 0)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    expect(shop.map(o => `${o.kind}/${o.metadata?.name}`).slice(0, 4)).toEqual([
      'ResourceQuota/resource-quota', 'LimitRange/limit-range', 'NetworkPolicy/api-allow-egress', 'NetworkPolicy/api-allow-ingress',
    ]);
    const services = shop.filter(o => o.kind === 'Service').map(o => o.metadata?.name);
    expect(services).toEqual(['api', 'web']);
  });

  test('is the same object set as cdk8s renders chart by chart (each through the render stage), as idiomatic cdk8s YAML', () => {
    const outdir = path.join(tempDir(), 'dist');
    const app = synthInto(outdir);
    // cdk8s's own rendering of the same (prepared) tree: the same objects, before the render stage's patches
    const identity = (o: KubeObject) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const ours = Object.values(readTree(outdir)).flatMap(parse);
    expect(ours.map(identity).sort()).toEqual(app.charts.flatMap(c => c.toJson() as KubeObject[]).map(identity).sort());
    // and each object is exactly cdk8s's toJson followed by the post-render patches and transforms
    const staged = app.node.findAll().filter(c => ApiObject.isApiObject(c)).map(c => renderFinal(c as ApiObject) as unknown as KubeObject);
    const key = (o: KubeObject) => JSON.stringify(o);
    expect(ours.map(key).sort()).toEqual(staged.map(key).sort());
    // same layout as cdk8s's own YAML: for these objects the bytes are what cdk8s's Yaml.stringify writes (only the quoting
    // of a few strings can differ, e.g. "-U"; test/yaml-serializer.test.ts proves the round trip)
    for (const [file, yaml] of Object.entries(readTree(outdir))) {
      expect({ file, yaml }).toEqual({ file, yaml: Yaml.stringify(...app.synthObjects().objects.filter(o => o.file === file).map(o => o.object)) });
    }
  });

  test('refuses objects whose namespace would collide with cluster.yaml or is not a namespace name', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'dist') });
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'cluster' } });
    new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: '../etc' } });
    expect(() => app.synth()).toThrow(/\[c\/a\] metadata.namespace: "cluster" would share cluster.yaml[\s\S]*\[c\/b\] metadata.namespace: "..\/etc" is not a namespace name/);
  });

  test('refuses two objects with one identity', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'dist') });
    new ApiObject(new Chart(app, 'one'), 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' } });
    new ApiObject(new Chart(app, 'two'), 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' } });
    expect(() => app.synth()).toThrow(/\[two\/x\] metadata.name: "x" names a ConfigMap of n.yaml that one\/x also writes, .*Fix: give one of them another name/);
  });

  test('takes outdir from the outdir prop, else from CDK8S_OUTDIR (set by cdk8s synth), else "dist"', () => {
    const fromEnv = path.join(tempDir(), 'from-env');
    withCdk8sOutdir(fromEnv, () => {
      expect(new HardenedApp({ outdir: 'prop' }).outdir).toBe('prop');
      expect(new HardenedApp({}).outdir).toBe(fromEnv);
    });
    withCdk8sOutdir(undefined, () => expect(new HardenedApp({}).outdir).toBe('dist'));
  });

  test('with an outdir of its own under cdk8s synth, writes outdir atomically and the same files into the CLI directory', () => {
    const outdir = path.join(tempDir(), 'dist');
    const cliDir = path.join(tempDir(), 'cdk8s.out');
    withCdk8sOutdir(cliDir, () => synthInto(outdir, { recordConstructMetadata: true }));
    const published = readTree(outdir);
    expect(Object.keys(published).sort()).toEqual(['cluster.yaml', 'data.yaml', 'shop.yaml']);
    // the CLI reads its directory back (to list or print the manifests, and for --validate the construct metadata)
    expect(readTree(cliDir)).toEqual({ ...published, 'construct-metadata.json': expect.stringContaining('"path":"shop/web/Resource/Resource"') });
  });

  test('refuses an outdir that contains the working directory', () => {
    const app = new HardenedApp({ outdir: path.dirname(process.cwd()) });
    new Chart(app, 'c');
    expect(() => app.synth()).toThrow(/give it a directory of its own/);
  });
});

describe('HardenedApp renders once', () => {
  test('every ApiObject of the default blueprint is rendered exactly once per synth, the security report included', () => {
    // the wrapper our post-render patches install binds ApiObject.prototype.toJson when the object
    // is built, so the spy goes in first and sees every render, wrapped or not
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      const app = new HardenedApp({ outdir: path.join(tempDir(), 'dist'), reporters: [securityReportReporter()] });
      buildDefaultBlueprint(app);
      spy.mockClear();
      app.synth();
      const objects = app.node.findAll().filter(c => ApiObject.isApiObject(c));
      expect(objects.length).toBe(72); // +the ClusterImagePolicy of the blueprint's registry; +the ServiceEntry of web's payment provider (api.stripe.com); two fewer NetworkPolicies with issue 18 (the ambient probe hole is per workload, on its probe ports); 59 before the Gateway: +edge (Namespace, quota, limits, 2 NetworkPolicies), +2 gateway NetworkPolicies, +ConfigMap, Gateway, 2 HTTPRoutes, -Ingress; +thumbnailer's API access (Role, RoleBinding, egress NetworkPolicy)
      const renders = new Map<unknown, number>();
      for (const self of spy.mock.contexts) renders.set(self, (renders.get(self) ?? 0) + 1);
      expect(objects.filter(o => renders.get(o) !== 1).map(o => `${o.node.path}: ${renders.get(o) ?? 0}`)).toEqual([]);
      expect(renders.size).toBe(objects.length);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('HardenedApp validation', () => {
  class Counted extends Construct {
    public calls = 0;
    constructor(scope: Construct, id: string, errors: string[] = []) {
      super(scope, id);
      this.node.addValidation({ validate: () => { this.calls++; return errors; } });
    }
  }

  test('runs every validation exactly once per synth, however many charts', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'dist') });
    blueprint(app);
    const counted = ['cluster', 'shop', 'data'].map(c => new Counted(app.node.findChild(c), 'counted'));
    app.synth();
    expect(counted.map(c => c.calls)).toEqual([1, 1, 1]);

    // what it avoids: a plain App validates the whole app once, then again for every chart
    const plain = new App({ outdir: tempDir() });
    const plainCounted = ['cluster', 'shop', 'data'].map(c => new Counted(new Chart(plain, c), 'counted'));
    plain.synth();
    expect(plainCounted.map(c => c.calls)).toEqual([1 + 3, 1 + 3, 1 + 3]);
  });

  test('reports every error together, as [path] message lines', () => {
    const app = new HardenedApp({ outdir: path.join(tempDir(), 'dist') });
    blueprint(app);
    new Counted(app.node.findChild('shop'), 'one', ['first problem', 'second problem']);
    new Counted(app.node.findChild('data'), 'two', ['third problem']);
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthValidationError);
    expect((error as Error).message).toBe([
      'Validation failed with the following errors:',
      '  [shop/one] first problem',
      '  [shop/one] second problem',
      '  [data/two] third problem',
    ].join('\n'));
  });
});

describe('HardenedApp atomic write', () => {
  function existingOutput(): { outdir: string; before: ReturnType<typeof snapshot> } {
    const outdir = path.join(tempDir(), 'dist');
    synthInto(outdir);
    fs.writeFileSync(path.join(outdir, 'stale.k8s.yaml'), 'kind: Old\n');
    return { outdir, before: snapshot(outdir) };
  }

  test('replaces outdir as a whole (no stale files) and leaves no temporary siblings', () => {
    const { outdir } = existingOutput();
    synthInto(outdir);
    expect(Object.keys(readTree(outdir))).toEqual(['cluster.yaml', 'data.yaml', 'shop.yaml']);
    expect(siblings(outdir)).toEqual([]);
  });

  const failures: Record<string, (app: App) => void> = {
    'a failing validation': app => {
      new Construct(app.node.findChild('shop'), 'bad').node.addValidation({ validate: () => ['this is wrong'] });
    },
    'a validation that throws': app => {
      new Construct(app.node.findChild('shop'), 'bad').node.addValidation({ validate: () => { throw new Error('boom'); } });
    },
    'an object that throws while rendering': app => {
      new ApiObject(app.node.findChild('shop') as Chart, 'bad', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' },
        data: Lazy.any({ produce: () => { throw new Error('boom'); } }),
      });
    },
    'a reporter that throws': () => undefined,
  };

  test.each(Object.keys(failures))('%s leaves the previous outdir byte-for-byte untouched', name => {
    const { outdir, before } = existingOutput();
    const reporters = name === 'a reporter that throws' ? [() => { throw new Error('boom'); }] : [];
    const app = new HardenedApp({ outdir, reporters });
    blueprint(app);
    failures[name](app);
    expect(() => app.synth()).toThrow(/this is wrong|boom/);
    expect(snapshot(outdir)).toEqual(before);
    expect(siblings(outdir)).toEqual([]);
  });

  test('leftovers of an interrupted synth are removed only when their process is gone, and only with our names', () => {
    const { outdir } = existingOutput();
    const parent = path.dirname(outdir);
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      for (const n of [`.dist.tmp-${live.pid}-a`, '.dist.tmp-999999999-b', '.dist.old-999999999-c', '.dist.tmp-legacy']) fs.mkdirSync(path.join(parent, n));
      fs.writeFileSync(path.join(parent, '.dist.old-999999999-file'), 'not a directory: not ours');
      fs.mkdirSync(path.join(parent, '.dists.old-999999999-d'));
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      new HardenedApp({ outdir });
      expect(warn.mock.calls.map(c => String(c[0]).replace(parent, '<parent>'))).toEqual([
        'warning: [HardenedApp] outdir: removed <parent>/.dist.old-999999999-c, left by an interrupted synth',
        'warning: [HardenedApp] outdir: removed <parent>/.dist.tmp-999999999-b, left by an interrupted synth',
        'warning: [HardenedApp] outdir: removed <parent>/.dist.tmp-legacy, left by an interrupted synth',
      ]);
      warn.mockRestore();
      expect(fs.readdirSync(parent).sort()).toEqual([`.dist.old-999999999-file`, `.dist.tmp-${live.pid}-a`, '.dists.old-999999999-d', 'dist']);
    } finally {
      live.kill();
    }
  });

  test('a failing write (unwritable parent) leaves the previous outdir untouched', () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const { outdir, before } = existingOutput();
    fs.chmodSync(path.dirname(outdir), 0o555);
    try {
      expect(() => synthInto(outdir)).toThrow();
    } finally {
      fs.chmodSync(path.dirname(outdir), 0o755);
    }
    expect(snapshot(outdir)).toEqual(before);
  });
});

describe('HardenedApp extra files', () => {
  test('reporters add files to the same atomic write, rendered from the frozen objects', () => {
    const outdir = path.join(tempDir(), 'dist');
    let frozen = false;
    synthInto(outdir, {
      reporters: [(objects, synthesis) => {
        frozen = Object.isFrozen(objects[0]) && Object.isFrozen(objects[0].metadata);
        return {
          'SECURITY-REPORT.md': `# ${objects.length} objects\n${synthesis.objects.map(o => `- ${o.file} ${o.object.kind}/${o.object.metadata?.name} (${o.constructPath})`).join('\n')}\n`,
          'reports/kinds.txt': [...new Set(objects.map(o => o.kind))].join('\n'),
        };
      }],
    });
    const files = readTree(outdir);
    expect(Object.keys(files)).toEqual(['SECURITY-REPORT.md', 'cluster.yaml', 'data.yaml', 'reports/kinds.txt', 'shop.yaml']);
    expect(files['SECURITY-REPORT.md']).toMatch(/^# \d+ objects\n- cluster.yaml Namespace\/data \(data\/data\/Resource\)/);
    expect(frozen).toBe(true);
  });

  test('a subclass can override extraFiles', () => {
    class WithReadme extends HardenedApp {
      protected extraFiles(objects: readonly KubeObject[]): Record<string, string> {
        return { 'README.md': `${objects.length}\n` };
      }
    }
    const outdir = path.join(tempDir(), 'dist');
    const app = new WithReadme({ outdir });
    blueprint(app);
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'README.md'), 'utf8')).toMatch(/^\d+\n$/);
  });

  test.each([
    [{ 'shop.yaml': 'x' }, /would overwrite a synthesized file/],
    [{ '../escape.md': 'x' }, /is not a relative path/],
    [{ '/abs.md': 'x' }, /is not a relative path/],
  ])('refuses extra file %j', (files, message) => {
    const outdir = path.join(tempDir(), 'dist');
    expect(() => synthInto(outdir, { reporters: [() => files] })).toThrow(message);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('two reporters may not write one file', () => {
    expect(() => synthInto(path.join(tempDir(), 'dist'), { reporters: [() => ({ 'a.md': '1' }), () => ({ 'a.md': '2' })] }))
      .toThrow(/two reporters write the extra file "a.md"/);
  });
});

describe('HardenedApp under cdk8s synth', () => {
  test('a failing synth leaves the previous outdir untouched, even when the CLI directory was deleted', () => {
    const outdir = path.join(tempDir(), 'dist');
    const cliDir = path.join(tempDir(), 'cdk8s.out');
    withCdk8sOutdir(cliDir, () => synthInto(outdir));
    const before = snapshot(outdir);
    fs.rmSync(cliDir, { recursive: true }); // what cdk8s synth does first
    withCdk8sOutdir(cliDir, () => {
      const app = new HardenedApp({ outdir });
      blueprint(app);
      new Construct(app, 'bad').node.addValidation({ validate: () => ['this is wrong'] });
      expect(() => app.synth()).toThrow(/this is wrong/);
    });
    expect(snapshot(outdir)).toEqual(before);
    expect(fs.existsSync(cliDir)).toBe(false);
  });

  test('cdk8s synth runs the app, lists our manifests, and a failing synth keeps the previous output', () => {
    const project = tempDir();
    const app = path.join(project, 'app.ts');
    fs.writeFileSync(app, [
      `import { Chart } from 'cdk8s';`,
      `import { HardenedApp, HardenedNamespace } from ${JSON.stringify(path.join(ROOT, 'constructs'))};`,
      `const app = new HardenedApp({ outdir: 'dist' });`,
      `new HardenedNamespace(new Chart(app, 'cluster'), 'shop');`,
      `if (process.env.FAIL_SYNTH) throw new Error('synth failed on purpose');`,
      `app.synth();`,
    ].join('\n'));
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), [
      'language: typescript',
      `app: node ${path.join(ROOT, 'src/tools/synth-app.js')} app.ts`, // as in the project's cdk8s.yaml
      'output: cdk8s.out', // the CLI's scratch directory, which it deletes before every run
    ].join('\n'));
    const cli = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
    delete env.CDK8S_OUTDIR;
    const out = execFileSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], { cwd: project, env, encoding: 'utf8' });
    expect(out).toContain('cdk8s.out/cluster.yaml');
    expect(out).toContain('cdk8s.out/shop.yaml');
    const before = snapshot(path.join(project, 'dist'));
    expect(Object.keys(before).sort()).toEqual(['cluster.yaml', 'shop.yaml']);

    expect(() => execFileSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], {
      cwd: project, env: { ...env, FAIL_SYNTH: '1' }, encoding: 'utf8', stdio: 'pipe',
    })).toThrow(/synth failed on purpose/);
    expect(snapshot(path.join(project, 'dist'))).toEqual(before);
  }, 60_000);
});

function withCdk8sOutdir(dir: string | undefined, fn: () => void): void {
  const saved = process.env.CDK8S_OUTDIR;
  try {
    if (dir === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = dir;
    fn();
  } finally {
    if (saved === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = saved;
  }
}
