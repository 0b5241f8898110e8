import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabNetwork } from '../../../src/providers/kind/lab-network.js';

// A stand-in `docker` on PATH that behaves like the engine for networks (our logic only): `network create`
// takes a moment and refuses a name that exists; `network ls --filter label=…` lists what was made.
const FAKE_DOCKER = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls"
case "$1 $2" in
  "network ls") cat "$FAKE_DIR/networks" 2>/dev/null || true ;;
  "network create")
    sleep 0.2
    for last; do :; done
    if grep -qx "$last" "$FAKE_DIR/networks" 2>/dev/null; then echo "Error response from daemon: network with name $last already exists" >&2; exit 1; fi
    echo "$last" >> "$FAKE_DIR/networks" ;;
  "network rm") : > "$FAKE_DIR/networks" ;;
esac
`;

describe('LabNetwork', () => {
  let dir: string;
  let path: string | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocm-lab-network-'));
    writeFileSync(join(dir, 'docker'), FAKE_DOCKER);
    chmodSync(join(dir, 'docker'), 0o755);
    path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    process.env.FAKE_DIR = dir;
  });

  afterEach(() => {
    process.env.PATH = path;
    delete process.env.FAKE_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  const calls = () => readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean);

  it('is created once when three clusters ask for it at the same time', async () => {
    const network = new LabNetwork('ocm-lab-x-1234', '/labs/.lab/x');
    await Promise.all([network.ensure(), network.ensure(), network.ensure()]);
    expect(calls().filter((c) => c.startsWith('network create'))).toEqual([
      'network create --driver bridge --label io.ocm-lab.owner=/labs/.lab/x ocm-lab-x-1234',
    ]);
  });

  it('is not created again when the lab already owns it, and remove deletes what it owns', async () => {
    writeFileSync(join(dir, 'networks'), 'ocm-lab-x-1234\n');
    const network = new LabNetwork('ocm-lab-x-1234', '/labs/.lab/x');
    await network.ensure();
    expect(calls().some((c) => c.startsWith('network create'))).toBe(false);
    await network.remove();
    expect(calls()).toContain('network rm ocm-lab-x-1234');
  });
});
