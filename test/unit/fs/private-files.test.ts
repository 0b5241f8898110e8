import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Makes the next fsync fail as a full disk does (the write got buffered, the flush found no room). */
const failures = vi.hoisted(() => ({ fsync: undefined as NodeJS.ErrnoException | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      const error = failures.fsync;
      failures.fsync = undefined;
      if (error) throw error;
      fs.fsyncSync(fd);
    },
  };
});

const { mkdirPrivate, writePrivateFile } = await import('../../../src/fs/private-files.js');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ocm-lab-private-files-'));
});
afterEach(() => {
  failures.fsync = undefined;
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('writePrivateFile', () => {
  it('writes the content 0600 in folders it creates 0700, leaving no temp file', () => {
    const path = join(root, 'a', 'b', 'secret.yaml');
    writePrivateFile(path, 'token: x\n');
    expect(readFileSync(path, 'utf8')).toBe('token: x\n');
    expect(mode(path)).toBe(0o600);
    expect(mode(join(root, 'a'))).toBe(0o700);
    expect(mode(join(root, 'a', 'b'))).toBe(0o700);
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['secret.yaml']);
  });

  it('stays 0600 under a permissive umask and when replacing a world-readable file', () => {
    const path = join(root, 'kubeconfig');
    writeFileSync(path, 'old', { mode: 0o644 });
    const previous = process.umask(0);
    try {
      writePrivateFile(path, 'new');
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(mode(path)).toBe(0o600);
  });

  it('removes its temp file and keeps the old content when the disk is full', () => {
    const path = join(root, 'state.json');
    writePrivateFile(path, 'old');
    failures.fsync = Object.assign(new Error('ENOSPC: no space left on device, fsync'), { code: 'ENOSPC' });
    expect(() => writePrivateFile(path, 'new')).toThrow(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(root)).toEqual(['state.json']);
  });

  it('removes its temp file when the rename fails', () => {
    const path = join(root, 'taken');
    mkdirSync(join(path, 'inside'), { recursive: true });
    expect(() => writePrivateFile(path, 'x')).toThrow();
    expect(readdirSync(root)).toEqual(['taken']);
  });

  it('uses a fresh, unguessable temp name: a planted symlink at the old pid-based name is never written through', () => {
    const victim = join(root, 'victim');
    writeFileSync(victim, 'untouched');
    const path = join(root, 'file');
    symlinkSync(victim, `${path}.${process.pid}.tmp`);
    writePrivateFile(path, 'content');
    writePrivateFile(path, 'content again');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(readdirSync(root).sort()).toEqual(['file', `file.${process.pid}.tmp`, 'victim']);
  });
});

describe('mkdirPrivate', () => {
  it('creates missing parents 0700 and accepts a folder that exists', () => {
    const path = join(root, 'x', 'y');
    expect(mkdirPrivate(path)).toBe(path);
    expect(mkdirPrivate(path)).toBe(path);
    expect(mode(join(root, 'x'))).toBe(0o700);
    expect(mode(path)).toBe(0o700);
  });
});
