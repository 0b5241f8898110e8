import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containedPath, isInside } from '../../../src/fs/contained-path.js';

const base = mkdtempSync(join(tmpdir(), 'ocm-lab-contained-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('isInside', () => {
  it('is the path itself or below it, never a name that merely starts the same', () => {
    expect(isInside('/a/.lab/ocm', '/a/.lab/ocm')).toBe(true);
    expect(isInside('/a/.lab/ocm/kwok/clusters/c1/etcd', '/a/.lab/ocm')).toBe(true);
    expect(isInside('/a/.lab/ocm-lab/kwok', '/a/.lab/ocm')).toBe(false);
    expect(isInside('/a/.lab/ocm/kwok/clusters/c10/etcd', '/a/.lab/ocm/kwok/clusters/c1')).toBe(false);
    expect(isInside('/a/.lab/ocm/../../etc', '/a/.lab/ocm')).toBe(false);
  });
});

describe('containedPath', () => {
  it('keeps names inside the root, including names that merely start with two dots', () => {
    expect(containedPath(base, 'a', 'b.yaml')).toBe(join(base, 'a', 'b.yaml'));
    expect(containedPath(base, '..-x')).toBe(join(base, '..-x'));
    expect(isInside(join(base, '..x'), base)).toBe(true);
  });

  it('refuses a part that climbs out or is absolute', () => {
    expect(() => containedPath(base, '..', 'x')).toThrow(/outside/);
    expect(() => containedPath(base, 'a/../../x')).toThrow(/outside/);
    expect(() => containedPath(base, '/etc/passwd')).toThrow(/outside/);
    expect(isInside(`${base}-other`, base)).toBe(false);
  });

  it('refuses a path that a symlink inside the root leads out of', () => {
    const root = join(base, 'root');
    mkdirSync(root);
    symlinkSync('/etc', join(root, 'link'));
    expect(() => containedPath(root, 'link', 'passwd')).toThrow(/outside/);
    expect(() => containedPath(root, 'link', 'not-yet', 'file')).toThrow(/outside/);
  });
});
