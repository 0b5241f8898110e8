import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleFolder, collectDiagnostics } from '../../../src/report/diagnostics.js';
import { collectNodeLogs } from '../../../src/report/cluster-logs.js';
import { safeName } from '../../../src/report/safe-name.js';

const AT = new Date('2026-12-05T10:00:00.000Z');
let base: string;
let root: string;
let logs: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'ocm-lab-diagnostics-'));
  root = join(base, 'lab-diagnostics');
  logs = join(base, 'state', 'logs');
  mkdirSync(logs, { recursive: true });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('the bundle folder', () => {
  it('stays inside the diagnostics folder whatever the scenario is called', async () => {
    for (const name of ['x/../../../escape', '../../etc', '..', '/abs/path', 'a\\..\\..\\b', 'ok name']) {
      const folder = bundleFolder(root, name, AT);
      expect(relative(root, folder)).toMatch(/^2026-12-05T10-00-00-000Z-[A-Za-z0-9._-]+$/);
    }
    const dir = await collectDiagnostics({ root, scenario: 'x/../../../escape', at: AT, clusters: [], processLogs: [] });
    expect(relative(root, dir)).toBe('2026-12-05T10-00-00-000Z-x-..-..-..-escape');
    expect(readdirSync(base).sort()).toEqual(['lab-diagnostics', 'state']);
    expect(existsSync(join(dir, 'README.txt'))).toBe(true);
  });

  it('names cluster folders and process log files safely inside the bundle', async () => {
    writeFileSync(join(logs, 'hub-registration.log'), 'started\n');
    const dir = await collectDiagnostics({
      root,
      scenario: 's',
      at: AT,
      clusters: [{ name: '../../../outside', role: 'hub', kubeconfig: join(base, 'no-such-kubeconfig') }],
      processLogs: [{ id: '../../../../tmp/owned', log: join(logs, 'hub-registration.log') }],
      logRoot: logs,
    });
    expect(filesIn(dir)).toEqual(['README.txt', '__-..-..-outside/error.txt', 'logs/__-..-..-..-tmp-owned.log']);
    expect(filesIn(base).filter((f) => !f.startsWith('lab-diagnostics/') && !f.startsWith('state/'))).toEqual([]);
  });
});

describe('process logs in the bundle', () => {
  it('are redacted like every other log', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const log = join(logs, 'cluster1-registration-agent.log');
    writeFileSync(
      log,
      [
        'I1205 starting registration agent',
        `I1205 FLAG: --hub-token="${jwt}"`,
        'I1205 request header Authorization: Bearer sha256~opaqueopaqueopaque',
        '-----BEGIN RSA PRIVATE KEY-----',
        'MIIEowIBAAKCAQEAsecret',
        '-----END RSA PRIVATE KEY-----',
        '    client-key-data: TUlJRW93SUJBQUtDQVFFQXNlY3JldA==',
        'I1205 ManagedCluster cluster1 joined',
      ].join('\n') + '\n',
    );
    const dir = await collectDiagnostics({ root, scenario: 's', at: AT, clusters: [], processLogs: [{ id: 'cluster1/registration-agent', log }], logRoot: logs });
    const copied = readFileSync(join(dir, 'logs', 'cluster1-registration-agent.log'), 'utf8');
    expect(copied).toContain('starting registration agent');
    expect(copied).toContain('ManagedCluster cluster1 joined');
    for (const secret of [jwt, 'opaqueopaque', 'MIIEow', 'TUlJRW93']) expect(copied).not.toContain(secret);
  });

  it('are never a kubeconfig, a secret, a symlink or a file outside the lab\'s logs folder', async () => {
    const secrets = join(base, 'state', 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'hub.kubeconfig'), 'client-key-data: S0VZS0VZS0VZS0VZS0VZS0VZ\n');
    writeFileSync(join(secrets, 'agent.log'), 'a secret that happens to end in .log\n');
    symlinkSync(join(secrets, 'hub.kubeconfig'), join(logs, 'linked.log'));
    symlinkSync(secrets, join(logs, 'secrets-dir'));
    const processLogs = [
      { id: 'kubeconfig', log: join(secrets, 'hub.kubeconfig') },
      { id: 'outside', log: join(secrets, 'agent.log') },
      { id: 'traversal', log: join(logs, '..', 'secrets', 'agent.log') },
      { id: 'symlink', log: join(logs, 'linked.log') },
      { id: 'through-symlinked-dir', log: join(logs, 'secrets-dir', 'agent.log') },
      { id: 'folder', log: logs.concat('/sub.log') },
    ];
    mkdirSync(join(logs, 'sub.log'));
    const dir = await collectDiagnostics({ root, scenario: 's', at: AT, clusters: [], processLogs, logRoot: logs });
    expect(filesIn(dir)).toEqual(['README.txt']);
    const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
    for (const { id } of processLogs) expect(readme).toMatch(new RegExp(`${id}: .* is not read: `));
  });

  it('without a logs folder to check against, are still only regular .log files', async () => {
    const kubeconfig = join(base, 'hub.kubeconfig');
    writeFileSync(kubeconfig, 'token: abc\n');
    const dir = await collectDiagnostics({ root, scenario: 's', at: AT, clusters: [], processLogs: [{ id: 'k', log: kubeconfig }] });
    expect(filesIn(dir)).toEqual(['README.txt']);
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('is not read: not a .log file');
  });
});

describe('node logs in the bundle', () => {
  it('take only regular files the provider exported, never what a symlink in the export points at', async () => {
    const outside = join(base, 'outside.key');
    writeFileSync(outside, 'private\n');
    const folder = join(base, 'bundle', 'hub');
    const files = await collectNodeLogs(folder, async (dir) => {
      writeFileSync(join(dir, 'kube-apiserver.log'), 'served --token=abcdefghijklmnopqrstuvwxyz\n');
      symlinkSync(outside, join(dir, 'leak.log'));
      symlinkSync(base, join(dir, 'leak-dir'));
    });
    expect(files[0]?.summary).toMatch(/^1 files/);
    expect(filesIn(folder)).toEqual(['node-logs/kube-apiserver.log']);
    expect(readFileSync(join(folder, 'node-logs', 'kube-apiserver.log'), 'utf8')).toBe('served --token=<redacted>\n');
  });
});

describe('safeName', () => {
  it('makes any name one harmless path segment', () => {
    expect(safeName('cluster1')).toBe('cluster1');
    expect(safeName('..')).toBe('__');
    expect(safeName('.')).toBe('_');
    expect(safeName('')).toBe('_');
    expect(safeName('.hidden')).toBe('_hidden');
    expect(safeName('a/b\\c d\0e')).toBe('a-b-c-d-e');
    expect(safeName('x'.repeat(300))).toHaveLength(100);
  });
});
