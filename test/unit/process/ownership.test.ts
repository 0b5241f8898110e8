import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isOwnedBy, isWithin, OWNER_ENV, processesOwnedBy } from '../../../src/process/ownership.js';

describe('isWithin', () => {
  it('is the path itself or below it, never a name that merely starts the same', () => {
    expect(isWithin('/a/.lab/ocm', '/a/.lab/ocm')).toBe(true);
    expect(isWithin('/a/.lab/ocm/kwok/clusters/c1/etcd', '/a/.lab/ocm')).toBe(true);
    expect(isWithin('/a/.lab/ocm-lab/kwok', '/a/.lab/ocm')).toBe(false);
    expect(isWithin('/a/.lab/ocm/kwok/clusters/c10/etcd', '/a/.lab/ocm/kwok/clusters/c1')).toBe(false);
  });
});

describe('isOwnedBy', () => {
  const root = '/a/.lab/ocm';
  const proc = (...args: string[]) => ({ pid: 1, args });

  it('recognises the lab\'s paths in flags, lists and bare arguments', () => {
    expect(isOwnedBy(proc('etcd', '--data-dir=/a/.lab/ocm/kwok/clusters/hub/etcd'), root, [])).toBe(true);
    expect(isOwnedBy(proc('kube-apiserver', '--tls-cert-file', '/a/.lab/ocm/pki/admin.crt'), root, [])).toBe(true);
    expect(isOwnedBy(proc('x', '--files=/tmp/a,/a/.lab/ocm/b'), root, [])).toBe(true);
  });

  it('does not take a process of lab "ocm-lab" (a longer name) or of another checkout', () => {
    expect(isOwnedBy(proc('etcd', '--data-dir=/a/.lab/ocm-lab/kwok/clusters/hub/etcd'), root, [])).toBe(false);
    expect(isOwnedBy(proc('etcd', '--data-dir=/b/a/.lab/ocm/kwok'), root, [])).toBe(false);
  });

  it('recognises the owner marker in the environment, exactly', () => {
    expect(isOwnedBy(proc('registration'), root, [`${OWNER_ENV}=${root}`])).toBe(true);
    expect(isOwnedBy(proc('registration'), root, [`${OWNER_ENV}=${root}-lab`])).toBe(false);
  });
});

describe('processesOwnedBy', () => {
  it('finds a live process by its owner marker and not another lab\'s', async () => {
    const mine = spawn('sleep', ['30'], { env: { ...process.env, [OWNER_ENV]: '/tmp/owner-test/ocm' } });
    const theirs = spawn('sleep', ['30'], { env: { ...process.env, [OWNER_ENV]: '/tmp/owner-test/ocm-lab' } });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const found = processesOwnedBy('/tmp/owner-test/ocm').map((p) => p.pid);
      expect(found).toContain(mine.pid);
      expect(found).not.toContain(theirs.pid);
    } finally {
      mine.kill();
      theirs.kill();
    }
  });
});
