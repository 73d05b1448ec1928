/**
 * `npm run cluster -- apply|start|stop|status`: usage errors (exit 2, no cluster started) and an
 * apply of a directory that is not ours, with an object the real server rejects under strict field
 * validation (exit 1, one line per object, the server's message).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runClusterCli } from '../../src/cluster/cli';
import { stopCluster } from '../../src/cluster/test-cluster';
import { describeIfGo } from './_support';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
}

describe('cluster CLI: bad usage', () => {
  test.each([
    [[]],
    [['explode']],
    [['apply']],
    [['start', 'dir']],
    [['apply', '--kubernetes', '1.99', 'dist']],
    [['apply', '--verbose', 'dist']],
    [['apply', '/nonexistent-directory']],
    [['status', '--instance', 'Bad Name']],
  ])('%j exits 2 with the usage', async argv => {
    const { err, io: cli } = io();
    expect(await runClusterCli(argv, cli)).toBe(2);
    expect(err.join('\n')).toMatch(/usage: npm run cluster -- <command>/);
  });
});

describeIfGo()('cluster CLI on the real API server (1.36)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-cli-'));
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await stopCluster('1.36', 'cli-test');
  }, 60_000);

  test('apply: one ACCEPTED/REJECTED line per object, the server\'s message, a summary, exit 1; stop leaves nothing running', async () => {
    fs.writeFileSync(path.join(dir, 'app.yaml'), [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cli-test\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n  namespace: cli-test\ndata:\n  a: b\n',
      // strict field validation: an unknown field is an error, not silently dropped
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  namespace: cli-test\ndatta:\n  a: b\n',
    ].join('---\n'));
    const { out, io: cli } = io();
    expect(await runClusterCli(['apply', '--kubernetes', '1.36', '--instance', 'cli-test', dir], cli)).toBe(1);
    expect(out[0]).toBe('ACCEPTED Namespace cli-test');
    expect(out[1]).toBe('ACCEPTED ConfigMap cli-test/good');
    expect(out[2]).toMatch(/^REJECTED ConfigMap cli-test\/bad: .*\.datta: field not declared in schema$/);
    expect(out[3]).toBe('applied: 2 accepted, 1 rejected');
    const status = io();
    expect(await runClusterCli(['status', '--instance', 'cli-test'], status.io)).toBe(0);
    expect(status.out[0]).toMatch(/^cluster 1.36: running at https:\/\/127\.0\.0\.1:\d+$/);
    const stop = io();
    expect(await runClusterCli(['stop', '--instance', 'cli-test'], stop.io)).toBe(0);
    expect(stop.out).toEqual(['cluster 1.36: stopped']);
    const after = io();
    await runClusterCli(['status', '--instance', 'cli-test'], after.io);
    expect(after.out).toEqual(['cluster 1.36: not running']);
  }, 20 * 60_000);
});
