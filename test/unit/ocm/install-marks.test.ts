import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InstallIntents, INSTALLED_BY, installedBy } from '../../../src/ocm/install-marks.js';

// Provider: none (files only). What tells an OCM the lab installed from one it adopted.
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-marks-'));
  dirs.push(dir);
  return join(dir, 'ocm');
};

describe('what the lab installed', () => {
  it('an intent is recorded before clusteradm runs, per cluster, and survives a new process', () => {
    const dir = scratch();
    const intents = new InstallIntents(dir);
    expect(intents.has('hub')).toBe(false);
    intents.add('hub');
    intents.add('hub');
    intents.add('cluster1');
    const again = new InstallIntents(dir);
    expect(['hub', 'cluster1', 'cluster2'].map((c) => again.has(c))).toEqual([true, true, false]);
  });

  it('a record that is not the lab\'s shape counts for nothing (never a reason to remove an OCM)', () => {
    const dir = scratch();
    new InstallIntents(dir).add('hub');
    writeFileSync(join(dir, 'installing.json'), JSON.stringify({ clusters: ['../../etc'], extra: true }));
    expect(new InstallIntents(dir).has('hub')).toBe(false);
    expect(new InstallIntents(dir).has('../../etc')).toBe(false);
    writeFileSync(join(dir, 'installing.json'), '{"clusters": ["hub"');
    expect(new InstallIntents(dir).has('hub')).toBe(false);
  });

  it('an operator CR is the lab\'s only with this lab\'s state dir in its mark', () => {
    const marked = (value?: string) => ({ metadata: { annotations: (value === undefined ? {} : { [INSTALLED_BY]: value }) as Record<string, string> } });
    expect(installedBy(marked('/labs/a/.lab/x'), '/labs/a/.lab/x')).toBe(true);
    expect(installedBy(marked('/labs/b/.lab/x'), '/labs/a/.lab/x')).toBe(false);
    expect(installedBy(marked(), '/labs/a/.lab/x')).toBe(false);
    expect(installedBy(undefined, '/labs/a/.lab/x')).toBe(false);
  });
});
