import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kwokctlFloor } from '../../../../ops/bench/kwokctl-floor.js';

// The floor's own sequence only, with a fake kwokctl that records its calls (the real one runs in `npm run bench`).
const dir = mkdtempSync(join(tmpdir(), 'kwokctl-floor-'));
const calls = join(dir, 'calls');
const fake = join(dir, 'kwokctl');
// It fails to create a cluster named "broken", and keeps a processor busy for 0.3 s making any other.
const busy = 'end=$(($(date +%s%N) + 300000000)); while [ "$(date +%s%N)" -lt "$end" ]; do :; done';
writeFileSync(fake, `#!/bin/sh\necho "$1 $2 $4" >> ${calls}\n[ "$1 $4" != "create broken" ] || exit 1\n[ "$1 $2" = "create cluster" ] && { ${busy}; }\nexit 0\n`);
chmodSync(fake, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kwokctlFloor', () => {
  it('makes each cluster and its node one after another, then deletes them all, timing each create', async () => {
    const made: string[] = [];
    const floor = await kwokctlFloor((name) => (name === 'kwokctl' ? fake : join(dir, name)), ['h', 'c1'], (name) => made.push(name));
    expect(made).toEqual(['h', 'c1']);
    expect(floor.perCluster).toHaveLength(2);
    expect(floor.createSeconds).toBeGreaterThanOrEqual(floor.perCluster[0]! + floor.perCluster[1]!);
    // The machine's busy time while the clusters were made: at least the fake's 2 × 0.3 s of a busy processor.
    expect(floor.createCpuSeconds).toBeGreaterThanOrEqual(0.4);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['create cluster h', 'scale node h', 'create cluster c1', 'scale node c1', 'delete cluster h', 'delete cluster c1']);
  });

  it('deletes every cluster when a create fails', async () => {
    rmSync(calls, { force: true });
    await expect(kwokctlFloor((name) => (name === 'kwokctl' ? fake : join(dir, name)), ['h', 'broken', 'c2'])).rejects.toThrow();
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['create cluster h', 'scale node h', 'create cluster broken', 'delete cluster h', 'delete cluster broken', 'delete cluster c2']);
  });
});
