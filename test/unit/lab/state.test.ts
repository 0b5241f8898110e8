import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writePrivateFile } from '../../../src/fs/private-files.js';
import { lockLab } from '../../../src/lab/lock.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSpec } from '../../../src/config/schema.js';
import { newState, StateStore, stateRoot, type LabState } from '../../../src/lab/state.js';

const spec = { name: 'unit', configPath: '/somewhere/lab.config.yaml' } as LabSpec;
const roots: string[] = [];
function store(): StateStore {
  const base = mkdtempSync(join(tmpdir(), 'ocm-lab-state-'));
  roots.push(base);
  return new StateStore(join(base, '.lab', 'unit'));
}
const mode = (path: string) => statSync(path).mode & 0o777;
const handle = (s: StateStore, name: string) => ({ name, role: 'managed' as const, kubeconfig: join(s.root, 'kubeconfigs', `${name}.yaml`), server: 'https://127.0.0.1:6443', serverFromClusters: 'https://127.0.0.1:6443' });

afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('StateStore', () => {
  it('puts the state next to the config, under .lab/<name>, unless OCM_LAB_STATE_DIR says otherwise', () => {
    expect(stateRoot(spec, {})).toBe('/somewhere/.lab/unit');
    expect(stateRoot(spec, { OCM_LAB_STATE_DIR: '/var/labs' })).toBe('/var/labs/unit');
  });

  it('writes state.json 0600 inside 0700 dirs and reads it back', () => {
    const s = store();
    expect(s.read()).toBeUndefined();
    s.write(newState({ ...spec, configPath: '/x/lab.config.yaml' } as LabSpec, 'local'));
    expect(mode(s.root)).toBe(0o700);
    expect(mode(s.stateFile)).toBe(0o600);
    expect(s.read()).toMatchObject({ name: 'unit', provider: 'local', clusters: {}, ready: [] });
    expect(s.read()!.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes secrets and kubeconfigs 0600 in private dirs, atomically (no temp files left)', () => {
    const s = store();
    const path = s.kubeconfigPath('hub');
    writePrivateFile(path, 'secret');
    expect(mode(path)).toBe(0o600);
    expect(mode(join(s.root, 'kubeconfigs'))).toBe(0o700);
    expect(readdirSync(join(s.root, 'kubeconfigs'))).toEqual(['hub.yaml']);
  });

  it('update is read-modify-write', () => {
    const s = store();
    s.write(newState(spec, 'local'));
    s.update((state) => (state.clusters.c1 = handle(s, 'c1')));
    s.update((state) => state.ready.push('c1'));
    expect(s.read()?.ready).toEqual(['c1']);
    expect(s.read()?.clusters.c1?.kubeconfig).toBe(join(s.root, 'kubeconfigs', 'c1.yaml'));
  });

  it('refuses an unreadable state file with exit 2 and a way out', () => {
    const s = store();
    s.dir();
    writeFileSync(s.stateFile, '{not json');
    expect(() => s.read()).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/invalid or was changed by hand/), hint: expect.stringMatching(/\.\/lab down/) }));
  });

  // Reproduces issue 14: a cluster key "../../../.." made down rm -rf a folder outside the state dir.
  it.each([
    ['a cluster key that climbs out', (st: LabState, s: StateStore) => (st.clusters['../../../..'] = { ...handle(s, 'c1'), name: '../../../..' }), /clusters/],
    ['a kubeconfig outside the state dir', (st: LabState, s: StateStore) => (st.clusters.c1 = { ...handle(s, 'c1'), kubeconfig: '/etc/passwd' }), /is not the kubeconfig of/],
    ['a handle named unlike its key', (st: LabState, s: StateStore) => (st.clusters.c1 = { ...handle(s, 'c1'), name: 'c2' }), /does not match its key/],
    ['an unknown provider', (st: LabState) => ((st as { provider: string }).provider = 'rm -rf'), /provider/],
    ['a ready cluster that is not recorded', (st: LabState) => st.ready.push('ghost'), /not a recorded cluster/],
    ['an older state version', (st: LabState) => (st.version = 2), /version/],
    ['a kind node image that is a flag', (st: LabState) => Object.assign(st, { provider: 'kind', providerRecord: { nodeImage: '--name=other' } }), /providerRecord\.nodeImage: not an image reference/],
    ['a provider record of another provider', (st: LabState) => (st.providerRecord = { nodeImage: 'kindest/node:v1' }), /providerRecord/],
  ])('refuses a tampered state: %s', (_what, tamper, message) => {
    const s = store();
    const state = newState(spec, 'local');
    state.clusters.c1 = handle(s, 'c1');
    tamper(state, s);
    s.dir();
    writeFileSync(s.stateFile, JSON.stringify(state));
    expect(() => s.read()).toThrow(message);
    expect(s.tryRead()).toBeUndefined();
  });

  it('a relative OCM_LAB_STATE_DIR gives an absolute state dir (the owner marker must not depend on the working folder)', () => {
    expect(stateRoot(spec, { OCM_LAB_STATE_DIR: 'rel/labs' })).toBe(join(process.cwd(), 'rel/labs/unit'));
    expect(stateRoot({ ...spec, configPath: 'lab.config.yaml' }, {})).toBe(join(process.cwd(), '.lab/unit'));
  });

  it('never hands out a folder or kubeconfig outside the state dir', () => {
    const s = store();
    expect(() => s.dir('..', '..', 'x')).toThrow(/outside/);
    expect(() => s.kubeconfigPath('../../escape')).toThrow(/outside/);
  });

  it('two labs get different identities', () => {
    expect(newState(spec, 'local').uid).not.toBe(newState(spec, 'local').uid);
  });

  it('tryRead answers undefined for a corrupt state instead of throwing (teardown goes on)', () => {
    const s = store();
    s.dir();
    writeFileSync(s.stateFile, '{not json');
    expect(s.tryRead()).toBeUndefined();
  });

  it('remove deletes the lab dir and the empty .lab parent', () => {
    const s = store();
    s.write(newState(spec, 'local'));
    s.remove();
    expect(existsSync(s.root)).toBe(false);
    expect(existsSync(join(s.root, '..'))).toBe(false);
  });
});

describe('lockLab', () => {
  it('excludes a second holder, naming the command and pid that holds the lab', async () => {
    const s = store();
    const release = await lockLab(s.root, 'up');
    await expect(lockLab(s.root, 'down', { wait: false })).rejects.toThrow(/another "\.\/lab up" \(pid \d+\) is working on this lab/);
    await release();
    const again = await lockLab(s.root, 'down');
    await again();
  }, 30_000);

  it('lab "ocm" and lab "ocm-lab" in one folder have separate locks', async () => {
    const base = store().root;
    const a = await lockLab(`${base}/../ocm`, 'up');
    const b = await lockLab(`${base}/../ocm-lab`, 'up');
    await a();
    await b();
  });

  it('a teardown lock does not create a missing lab dir', async () => {
    const s = store();
    await (await lockLab(s.root, 'down', { createDir: false }))();
    expect(existsSync(s.root)).toBe(false);
  });
});
