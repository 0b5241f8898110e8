import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareVersions, OcmVersionRecord } from '../../../src/ocm/ocm-versions.js';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-versions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OCM release versions', () => {
  it('orders vMAJOR.MINOR.PATCH numerically', () => {
    expect(compareVersions('v1.0.0', 'v1.2.0')).toBeLessThan(0);
    expect(compareVersions('v1.10.0', 'v1.2.0')).toBeGreaterThan(0);
    expect(compareVersions('v1.2.0', 'v1.2.0')).toBe(0);
  });

  it('a part runs the newer of what it runs and what the config asks for: never back', () => {
    const record = new OcmVersionRecord(dir);
    expect(record.wanted('hub', 'v1.0.0')).toBe('v1.0.0');
    record.set('hub', 'v1.2.0');
    expect(record.wanted('hub', 'v1.0.0')).toBe('v1.2.0');
    expect(record.wanted('agents', 'v1.0.0')).toBe('v1.0.0');
    expect(record.read()).toEqual({ hub: 'v1.2.0' });
  });

  it('ignores a record that is not a record of versions (tampered), as if none were there', () => {
    writeFileSync(join(dir, 'versions.json'), JSON.stringify({ hub: '../../bin/sh' }));
    expect(new OcmVersionRecord(dir).read()).toEqual({});
  });
});
