import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { carriesMarker, isRecordedProcess, OWNER_ENV, ownerEnv, PART_ENV, processesOwnedBy } from '../../../src/process/ownership.js';
import { startIdentity } from '../../../src/process/proc.js';

const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));
/** A live process with `args` on its command line (node ignores arguments after the script). */
function start(env: Record<string, string>, ...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', '--', ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  children.push(child);
  return child;
}
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('carriesMarker', () => {
  const root = '/a/.lab/ocm';
  it('is the exact owner marker, and the exact part when one is asked for', () => {
    expect(carriesMarker([`${OWNER_ENV}=${root}`], { root })).toBe(true);
    expect(carriesMarker([`${OWNER_ENV}=${root}-lab`], { root })).toBe(false);
    expect(carriesMarker([`${OWNER_ENV}=${root}/x`], { root })).toBe(false);
    expect(carriesMarker([`${OWNER_ENV}=${root}`, `${PART_ENV}=kwok/c10`], { root, part: 'kwok/c1' })).toBe(false);
    expect(carriesMarker([`${OWNER_ENV}=${root}`, `${PART_ENV}=kwok/c1`], { root, part: 'kwok/c1' })).toBe(true);
    expect(carriesMarker([`${OWNER_ENV}=${root}`, `${PART_ENV}=kwok/c1`], { root, partPrefix: 'kwok/' })).toBe(true);
    expect(carriesMarker([`${OWNER_ENV}=${root}`], { root, partPrefix: 'kwok/' })).toBe(false);
  });

  it('refuses a relative owner, which would mean another lab in another folder', () => {
    expect(() => ownerEnv('.lab/ocm')).toThrow(/absolute/);
  });
});

describe('processesOwnedBy', () => {
  it('finds a live process by its owner marker and not another lab\'s', async () => {
    const mine = start(ownerEnv('/tmp/owner-test/ocm'));
    const theirs = start(ownerEnv('/tmp/owner-test/ocm-lab'));
    await settle();
    const found = processesOwnedBy({ root: '/tmp/owner-test/ocm' }).map((p) => p.pid);
    expect(found).toContain(mine.pid);
    expect(found).not.toContain(theirs.pid);
  });

  // Reproduces issue 14: any process with a lab path on its command line counted as the lab's, so down killed
  // the user's `tail -f .lab/x/logs/...` and `kubectl --kubeconfig .lab/...`.
  it('never takes a process for the lab\'s because of its command line', async () => {
    const user = start({}, '/tmp/owner-test/ocm/logs/hub-registration.log', '--kubeconfig=/tmp/owner-test/ocm/kubeconfigs/hub.yaml');
    await settle();
    expect(user.exitCode).toBeNull();
    expect(processesOwnedBy({ root: '/tmp/owner-test/ocm' }).map((p) => p.pid)).not.toContain(user.pid);
  });
});

describe('isRecordedProcess', () => {
  const root = '/tmp/owner-test/recorded';

  it('is the recorded process: marker and start time both match', async () => {
    const child = start(ownerEnv(root));
    await settle();
    const identity = startIdentity(child.pid!);
    expect(identity).toMatch(/^[0-9a-f-]+\/\d+$/);
    expect(isRecordedProcess(child.pid!, identity, { root })).toBe(true);
  });

  // Reproduces issue 14: after a reboot or pid wrap, lab A's down killed lab B's process with the recorded pid.
  it('is not a process with the recorded pid but another start time (a reused pid), even of another lab of the same toolchain', async () => {
    const other = start(ownerEnv('/tmp/owner-test/other-lab'));
    const stranger = start({});
    await settle();
    const reused = `${startIdentity(other.pid!)!.split('/')[0]}/1`;
    expect(isRecordedProcess(other.pid!, reused, { root })).toBe(false);
    expect(isRecordedProcess(other.pid!, startIdentity(other.pid!), { root })).toBe(false);
    expect(isRecordedProcess(stranger.pid!, startIdentity(stranger.pid!), { root })).toBe(false);
    expect(isRecordedProcess(1, startIdentity(1), { root })).toBe(false);
  });
});
