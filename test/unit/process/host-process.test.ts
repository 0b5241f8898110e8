import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LabError } from '../../../src/errors.js';
import { startHostProcess, waitUntilHealthy, type HostProcessRecord } from '../../../src/process/host-process.js';
import { freePorts } from '../../../src/process/ports.js';
import { isAlive } from '../../../src/process/proc.js';

// Real processes (node scripts) started as the lab starts OCM's host processes; none serves /healthz, so the
// wait only ends when the process is gone or no longer provably the lab's.
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-host-process-'));
const owner = join(dir, '.lab', 'test');
const started: HostProcessRecord[] = [];
let logs = 0;
afterEach(() => started.splice(0).forEach((r) => isAlive(r.pid) && process.kill(r.pid, 'SIGKILL')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(script: string): Promise<HostProcessRecord> {
  const [port] = await freePorts(1);
  const record = startHostProcess(
    { id: 'hub/work-manager', cluster: 'hub', command: process.execPath, args: ['-e', script], log: join(dir, `${logs++}.log`), listen: `127.0.0.1:${port}` },
    owner,
  );
  started.push(record);
  return record;
}

const startUp = (record: HostProcessRecord) => waitUntilHealthy(record, owner, { timeoutMs: 20_000 });
/** The error a start-up ends with (the wait never ends well here: nothing serves /healthz). */
async function failure(record: HostProcessRecord): Promise<LabError> {
  const error = await startUp(record).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof LabError)) throw new Error(`expected a LabError, got ${String(error)}`);
  return error;
}

describe('waitUntilHealthy: a process gone during start-up', () => {
  it('says its exit code and shows its log', async () => {
    const record = await start('console.error("cannot read the kubeconfig"); process.exit(3)');
    await expect(startUp(record)).rejects.toThrow(/^hub\/work-manager exited with code 3 during start-up:\ncannot read the kubeconfig$/);
  });

  it('says which signal ended it, and that an empty log is empty', async () => {
    const record = await start('setTimeout(() => process.kill(process.pid, "SIGKILL"), 300)');
    const error = await failure(record);
    expect(error.message).toBe('hub/work-manager was killed by SIGKILL during start-up:\n(empty log)');
    expect(error.hint).toMatch(/nothing of the lab sends SIGKILL to a process it is starting/);
  });

  it('tells a process that still runs but is not provably the one started from one that ended', async () => {
    const record = await start('setTimeout(() => {}, 60000)');
    const error = await failure({ ...record, identity: `${record.identity}0` });
    expect(error.message).toMatch(new RegExp(`^hub/work-manager \\(pid ${record.pid}\\) still runs, but no longer carries the lab's owner marker or its recorded start time`));
    expect(isAlive(record.pid)).toBe(true);
  });
});
