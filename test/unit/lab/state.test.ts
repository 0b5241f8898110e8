import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writePrivateFile } from '../../../src/fs/private-files.js';
import { lockLab } from '../../../src/lab/lock.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSpec } from '../../../src/config/schema.js';
import { newState, StateStore, stateRoot } from '../../../src/lab/state.js';

const spec = { name: 'unit', configPath: '/somewhere/lab.config.yaml' } as LabSpec;
const roots: string[] = [];
function store(): StateStore {
  const base = mkdtempSync(join(tmpdir(), 'ocm-lab-state-'));
  roots.push(base);
  return new StateStore(join(base, '.lab', 'unit'));
}
const mode = (path: string) => statSync(path).mode & 0o777;

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
    s.update((state) => state.ready.push('c1'));
    s.update((state) => state.ready.push('c2'));
    expect(s.read()?.ready).toEqual(['c1', 'c2']);
  });

  it('refuses an unreadable state file with a hint', () => {
    const s = store();
    s.dir();
    writeFileSync(s.stateFile, '{not json');
    expect(() => s.read()).toThrow(/unreadable/);
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
