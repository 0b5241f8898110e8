import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCli, labProcesses, recordedProcesses } from './helpers.js';

// Provider: local. Two checkouts, each with a lab named "twin" and the same *relative* OCM_LAB_STATE_DIR, so
// both labs' state dirs are spelled ".state/twin". Every test tampers with lab A the way issue 14 reports
// and checks that lab B, the user's own processes and files outside A's state dir are left untouched.
const base = mkdtempSync(join(tmpdir(), 'ocm-lab-safety-'));
const checkout = { a: join(base, 'a'), b: join(base, 'b') };
const env = { OCM_LAB_STATE_DIR: '.state' };
const stateOf = (which: 'a' | 'b') => join(checkout[which], '.state', 'twin');
const lab = (which: 'a' | 'b', ...args: string[]) => labCli(args, { cwd: checkout[which], env });
const pids = (root: string) => labProcesses(root).map((p) => p.pid).sort((x, y) => x - y);
const strangers: ChildProcess[] = [];
/** A process of the user's: alive until the test kills it. */
function stranger(command: string, args: string[], cwd = base): ChildProcess {
  const child = spawn(command, args, { cwd, stdio: 'ignore' });
  strangers.push(child);
  return child;
}
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

describe('a lab acts only on what it can prove is its own (local provider)', { timeout: 900_000 }, () => {
  beforeAll(async () => {
    for (const dir of Object.values(checkout)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'lab.config.yaml'), 'name: twin\nprovider: local\nmanagedClusters:\n  - name: c1\n');
    }
    const [a, b] = await Promise.all([lab('a', 'up'), lab('b', 'up')]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
  }, 600_000);

  afterAll(async () => {
    strangers.forEach((c) => c.kill('SIGKILL'));
    await Promise.all([lab('a', 'down'), lab('b', 'down')]);
    rmSync(base, { recursive: true, force: true });
  }, 300_000);

  // Reproduces issue 14: with a relative OCM_LAB_STATE_DIR the owner marker was relative, and one
  // checkout's down killed the other's processes.
  it('a relative OCM_LAB_STATE_DIR still marks each lab with its absolute state dir', () => {
    const marker = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith('OCM_LAB_OWNER='));
    const klusterlet = recordedProcesses(stateOf('a'))['c1/klusterlet']!;
    expect(marker(klusterlet.pid)).toBe(`OCM_LAB_OWNER=${stateOf('a')}`);
  });

  // Issue 14: each local etcd listened on 127.0.0.1 over plain HTTP without client authentication.
  it('each cluster\'s etcd serves only TLS and only to a client certificate of the cluster\'s CA', async () => {
    const etcd = labProcesses(join(stateOf('a'), 'kwok', 'clusters', 'c1')).find((p) => p.cmd.split(' ')[0]!.endsWith('/etcd'));
    const url = etcd?.cmd.split(' ').find((arg) => arg.startsWith('--listen-client-urls='))?.slice('--listen-client-urls='.length);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(url!).port);
    const pki = join(stateOf('a'), 'kwok', 'clusters', 'c1', 'pki');
    const ask = (secure: boolean, cert: boolean) =>
      new Promise<string>((resolve) => {
        const options = { host: '127.0.0.1', port, path: '/health', timeout: 5000 };
        const tls = { ca: readFileSync(join(pki, 'ca.crt')), ...(cert && { cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')) }) };
        const request = secure ? https.get({ ...options, ...tls }) : http.get(options);
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve(`${response.statusCode} ${body}`));
        });
        request.on('error', (error) => resolve(`refused: ${error.message}`));
        request.on('timeout', () => request.destroy(new Error('timeout')));
      });
    expect(await ask(false, false)).toMatch(/^refused|^400/);
    expect(await ask(true, false)).toMatch(/^refused/);
    expect(await ask(true, true)).toMatch(/^200 .*"health":"true"/);
  });

  // Reproduces issue 14: a recorded pid was trusted (pid and binary path), so after a pid wrap lab A's down
  // or repair killed lab B's process, or any program that got the number.
  it('a record that names another lab\'s process or a stranger\'s pid makes neither up nor down touch it', async () => {
    const sleeper = stranger('sleep', ['600']);
    const file = join(stateOf('a'), 'ocm', 'processes.json');
    const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { pid: number }>;
    records['c1/klusterlet']!.pid = recordedProcesses(stateOf('b'))['c1/klusterlet']!.pid;
    records['hub/placement']!.pid = sleeper.pid!;
    writeFileSync(file, JSON.stringify(records));
    const bBefore = pids(stateOf('b'));

    // The lab cannot prove those records are its processes: status says so, and up starts them anew (its
    // unrecorded processes of the same components go, found by their marker), touching neither pid.
    const status = await lab('a', 'status', '--json');
    expect(status.exitCode, status.all).toBe(1);
    expect(status.stdout).toContain('OCM component c1/klusterlet is stopped');
    const up = await lab('a', 'up');
    expect(up.exitCode, up.all).toBe(0);
    expect((await lab('a', 'status')).exitCode).toBe(0);
    const klusterlets = labProcesses(stateOf('a')).filter((p) => p.cmd.includes('--spoke-cluster-name=c1'));
    expect(klusterlets, 'one klusterlet agent for c1, not two').toHaveLength(1);
    expect(alive(sleeper)).toBe(true);
    expect(pids(stateOf('b'))).toEqual(bBefore);
    expect((await lab('b', 'status')).exitCode).toBe(0);
  });

  // Reproduces issue 14: kwokctl SIGKILLs whatever pid its pid files name.
  it('kwokctl pid files that name a stranger are cleared before kwokctl acts', async () => {
    const sleeper = stranger('sleep', ['600']);
    const pidsDir = join(stateOf('a'), 'kwok', 'clusters', 'c1', 'pids');
    const files = readdirSync(pidsDir).filter((f) => f.endsWith('.pid'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    // As after a reboot: every pid file names somebody else.
    for (const f of files) writeFileSync(join(pidsDir, f), String(sleeper.pid));
    const run = await lab('a', 'run', join(import.meta.dirname, '../../fixtures/scenarios/health/restart-then-deploy.yaml'));
    expect(run.exitCode, run.all).toBe(0);
    expect(alive(sleeper)).toBe(true);
  });

  // Reproduces issue 14: a cluster key "../../../.." in state.json made down rm -rf a folder outside the
  // state dir and SIGTERM every process whose command line mentions a path inside it; a user's `tail -f`
  // on a lab log and `kubectl --kubeconfig .state/...` were killed too.
  it('a tampered state.json is refused (exit 2); down finds the lab by its marks and harms nothing else', async () => {
    const precious = join(base, 'precious.txt');
    writeFileSync(precious, 'keep me');
    const tail = stranger('tail', ['-f', join(stateOf('a'), 'logs', 'hub-registration.log')]);
    const kubectlLike = stranger(process.execPath, ['-e', 'setTimeout(() => {}, 600000)', '--', `--kubeconfig=${join(stateOf('a'), 'kubeconfigs', 'hub.yaml')}`], checkout.a);
    const bBefore = pids(stateOf('b'));
    const stateFile = join(stateOf('a'), 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { clusters: Record<string, { name: string }> };
    state.clusters['../../../..'] = { ...state.clusters.c1!, name: '../../../..' };
    writeFileSync(stateFile, JSON.stringify(state));

    for (const command of ['status', 'up']) {
      const refused = await lab('a', command);
      expect(refused.exitCode, refused.all).toBe(2);
      expect(refused.stderr).toMatch(/state\.json is invalid or was changed by hand/);
      expect(refused.stderr).toContain('../../../..');
    }
    const down = await lab('a', 'down');
    expect(down.exitCode, down.all).toBe(0);
    expect(down.all).toMatch(/by its marks/);
    expect(existsSync(stateOf('a'))).toBe(false);
    expect(labProcesses(stateOf('a')).filter((p) => p.pid !== tail.pid && p.pid !== kubectlLike.pid)).toEqual([]);
    expect(readFileSync(precious, 'utf8')).toBe('keep me');
    expect(existsSync(join(checkout.a, 'lab.config.yaml'))).toBe(true);
    expect(alive(tail)).toBe(true);
    expect(alive(kubectlLike)).toBe(true);
    expect(pids(stateOf('b'))).toEqual(bBefore);
    expect((await lab('b', 'status')).exitCode).toBe(0);
  });
});
