import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { LAB, labCli, labProcesses, recordedProcesses } from './helpers.js';

const CONFIG = `
name: recovery
provider: local
managedClusters:
  - name: cluster1
  - name: cluster2
`;

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-recovery-'));
const config = join(dir, 'lab.config.yaml');
const stateDir = join(dir, '.lab', 'recovery');
const lab = (...args: string[]) => labCli([...args, '--config', config]);

interface State {
  clusters: Record<string, unknown>;
}
const readState = (): State | undefined => {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as State;
  } catch {
    return undefined;
  }
};

const kubectl = (kubeconfig: string, ...args: string[]) =>
  execa(join(findToolchain()!.dir, 'bin', 'kubectl'), ['--kubeconfig', kubeconfig, ...args]).then((r) => r.stdout);
const hub = join(stateDir, 'kubeconfigs', 'hub.yaml');
const spoke = join(stateDir, 'kubeconfigs', 'cluster1.yaml');
/** How many of cluster1's CSRs the hub approved. */
const approved = async () =>
  (await kubectl(hub, 'get', 'csr', '-l', 'open-cluster-management.io/cluster-name=cluster1', '-o', 'jsonpath={range .items[*]}{.status.conditions[0].type}{"\\n"}{end}'))
    .split('\n')
    .filter((type) => type === 'Approved').length;

/** Starts `./lab up` and interrupts it with `signal` once `ready` holds for the state on disk. */
async function interruptUp(signal: NodeJS.Signals, ready: (s: State | undefined) => boolean): Promise<void> {
  const child = execa(LAB, ['up', '--config', config], { reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
  const deadline = Date.now() + 120_000;
  while (!ready(readState()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(ready(readState()), 'up never reached the point to interrupt').toBe(true);
  child.kill(signal);
  const result = await child;
  expect(result.exitCode === 0 && !result.isTerminated, 'up was not interrupted').toBe(false);
}

describe('recovering from interruptions and damage', { timeout: 600_000 }, () => {
  beforeAll(() => writeFileSync(config, CONFIG));
  afterAll(async () => {
    if (existsSync(stateDir)) await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('after Ctrl-C during up, a second up completes the lab', async () => {
    await interruptUp('SIGINT', (s) => Object.keys(s?.clusters ?? {}).length >= 1);
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    const status = await lab('status', '--json');
    expect(status.exitCode, status.all).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ healthy: true });
  });

  it('a killed klusterlet is reported by status (exit 1) and restarted by up', async () => {
    const before = recordedProcesses(stateDir)['cluster1/klusterlet']!.pid;
    process.kill(before, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));

    const status = await lab('status', '--json');
    expect(status.exitCode).toBe(1);
    const parsed = JSON.parse(status.stdout) as { healthy: boolean; components: { id: string; health: string }[] };
    expect(parsed.healthy).toBe(false);
    expect(parsed.components.find((p) => p.id === 'cluster1/klusterlet')?.health).toBe('stopped');

    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toContain('completing it');
    const after = recordedProcesses(stateDir)['cluster1/klusterlet']!.pid;
    expect(after).not.toBe(before);
    expect((await lab('status')).exitCode).toBe(0);
  });

  // Under load a kube-controller-manager exits when its API server is not healthy within 20 s, and kwokctl never starts
  // it again: 10 of 50 managed clusters of a scale bench had none, and up called them healthy.
  it("a managed cluster's exited kube-controller-manager is reported by status (exit 1) and started again by up", async () => {
    const controllerManagers = () => labProcesses(stateDir).filter((p) => p.cmd.split(' ')[0]!.endsWith('/kube-controller-manager') && p.cmd.includes('/clusters/cluster2/'));
    const before = controllerManagers().map((p) => p.pid);
    expect(before).toHaveLength(1);
    process.kill(before[0]!, 'SIGKILL');
    await expect.poll(() => controllerManagers().length, { timeout: 5000 }).toBe(0);

    const status = await lab('status');
    expect(status.exitCode).toBe(1);
    expect(status.all).toContain('cluster2: kube-controller-manager is not serving');

    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toContain('completing it');
    const after = controllerManagers().map((p) => p.pid);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect((await lab('status')).exitCode).toBe(0);
  });

  it('a klusterlet that lost its hub credentials asks again with a new CSR, and up approves it', async () => {
    const approvedBefore = await approved();
    // A short lease, so the hub notices the agent is gone within seconds rather than five minutes.
    await kubectl(hub, 'patch', 'managedcluster', 'cluster1', '--type=merge', '-p', '{"spec":{"leaseDurationSeconds":5}}');
    process.kill(recordedProcesses(stateDir)['cluster1/klusterlet']!.pid, 'SIGKILL');
    rmSync(join(stateDir, 'ocm', 'cluster1', 'hub-kubeconfig'), { recursive: true, force: true });
    await kubectl(spoke, 'delete', 'secret', '-n', 'open-cluster-management-agent', 'hub-kubeconfig-secret', '--ignore-not-found');
    const available = '{.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status}';
    await kubectl(hub, 'wait', 'managedcluster/cluster1', `--for=jsonpath=${available}=Unknown`, '--timeout=120s');

    try {
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(0);
      expect(await approved()).toBe(approvedBefore + 1);
      expect((await lab('status')).exitCode).toBe(0);
    } finally {
      await kubectl(hub, 'patch', 'managedcluster', 'cluster1', '--type=merge', '-p', '{"spec":{"leaseDurationSeconds":60}}');
    }
  });

  // Found after a short run of OCM's e2e suite: the hub still showed the handed-back cluster available (its old
  // agent's lease outlives the agent by minutes), so up left the new agent's CSR unapproved and its work agent waited.
  it('a klusterlet that lost its hub credentials while the hub still shows its cluster available gets its new CSR approved by up', async () => {
    const available = () => kubectl(hub, 'get', 'managedcluster', 'cluster1', '-o', 'jsonpath={.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status}');
    const approvedBefore = await approved();
    process.kill(recordedProcesses(stateDir)['cluster1/klusterlet']!.pid, 'SIGKILL');
    rmSync(join(stateDir, 'ocm', 'cluster1', 'hub-kubeconfig'), { recursive: true, force: true });
    await kubectl(spoke, 'delete', 'secret', '-n', 'open-cluster-management-agent', 'hub-kubeconfig-secret', '--ignore-not-found');
    expect(await available(), 'the hub should still show cluster1 available (lease of 60 s)').toBe('True');

    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(await approved()).toBe(approvedBefore + 1);
    // The agent got its credentials from the approved CSR.
    await expect
      .poll(() => kubectl(spoke, 'get', 'secret', '-n', 'open-cluster-management-agent', 'hub-kubeconfig-secret', '-o', 'jsonpath={.data.kubeconfig}').catch(() => ''), { timeout: 30_000, interval: 500 })
      .not.toBe('');
    expect((await lab('status')).exitCode).toBe(0);
  });

  // The local twin of the kind suite's test of a deleted ManagedCluster (found by `npm run test:ocm-e2e -- --all`). Here
  // the agent keeps one identity (--agent-id), so clusteradm never sees two requesters; this checks the way back only.
  it('a managed cluster deleted on the hub joins again on the next up', async () => {
    process.kill(recordedProcesses(stateDir)['cluster1/klusterlet']!.pid, 'SIGKILL');
    rmSync(join(stateDir, 'ocm', 'cluster1', 'hub-kubeconfig'), { recursive: true, force: true });
    await kubectl(spoke, 'delete', 'secret', '-n', 'open-cluster-management-agent', 'hub-kubeconfig-secret', '--ignore-not-found');
    await kubectl(hub, 'delete', 'managedcluster', 'cluster1', '--wait=true', '--timeout=120s');
    expect(await approved(), 'the old agents\' CSRs stay on record').toBeGreaterThan(0);

    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    const accepted = await kubectl(hub, 'get', 'managedcluster', 'cluster1', '-o', 'jsonpath={.spec.hubAcceptsClient}');
    expect(accepted).toBe('true');
    expect((await lab('status')).exitCode).toBe(0);
  });

  it('down cleans everything after up was killed mid-way (crash)', async () => {
    expect((await lab('down')).exitCode).toBe(0);
    await interruptUp('SIGKILL', () => Object.keys(recordedProcesses(stateDir)).length >= 2);
    expect(labProcesses(stateDir).length).toBeGreaterThan(0);

    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(labProcesses(stateDir)).toEqual([]);
    expect(existsSync(join(dir, '.lab'))).toBe(false);
  });
});
