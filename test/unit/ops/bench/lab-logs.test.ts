import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepLabLogs } from '../../../../ops/bench/lab-logs.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('keepLabLogs (the scale bench, on a failed lab)', () => {
  it('keeps the end of every log file under the state dir, redacted, and nothing else', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lab-logs-state-'));
    const out = mkdtempSync(join(tmpdir(), 'lab-logs-out-'));
    dirs.push(state, out);
    mkdirSync(join(state, 'kwok/clusters/c1/logs'), { recursive: true });
    mkdirSync(join(state, 'kwok/clusters/c1/pki'), { recursive: true });
    const long = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    writeFileSync(join(state, 'kwok/clusters/c1/logs/kube-apiserver.log'), `${long}\nstarted with --token=abcdefghijklmnop\n`);
    writeFileSync(join(state, 'kwok/clusters/c1/pki/admin.key'), '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n');
    writeFileSync(join(state, 'agent-c1.log'), 'joined\n');

    expect(await keepLabLogs(state, out)).toBe(2);
    const apiserver = readFileSync(join(out, 'kwok/clusters/c1/logs/kube-apiserver.log'), 'utf8');
    expect(apiserver).not.toContain('line 698\n');
    expect(apiserver).toContain('line 999\n');
    expect(apiserver).toContain('--token=<redacted>');
    expect(apiserver).not.toContain('abcdefghijklmnop');
    expect(readFileSync(join(out, 'agent-c1.log'), 'utf8')).toBe('joined\n');
    expect(existsSync(join(out, 'kwok/clusters/c1/pki'))).toBe(false);
  });
});
