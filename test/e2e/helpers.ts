import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

export const REPO = resolve(import.meta.dirname, '../..');
export const LAB = join(REPO, 'lab');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  all: string;
}

/** Runs the real `./lab` (or another program) the way a user or CI does: no TTY, no stdin. */
export async function labCli(
  args: string[],
  options: { command?: string; env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  const result = await execa(options.command ?? LAB, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    timeout: options.timeoutMs ?? 600_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, all: result.all ?? '' };
}

/**
 * Every live process on the host that mentions the folder `root` (a lab's state dir) as a path on its
 * command line or in its environment, read from /proc independently of the code under test.
 */
export function labProcesses(root: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  const inside = (text: string) => text.split(/[\s=,:\0]/).some((part) => part === root || part.startsWith(`${root}/`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').replaceAll('\0', ' ');
      const env = readFileSync(join('/proc', entry, 'environ'), 'utf8');
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      if ((inside(cmd) || inside(env)) && !/^\d+ \(.*\) Z/.test(stat)) found.push({ pid: Number(entry), cmd });
    } catch {
      /* exited while we looked */
    }
  }
  return found;
}

/** The OCM host processes a local lab recorded (its installer's processes.json), by id. */
export function recordedProcesses(stateDir: string): Record<string, { pid: number; args: string[] }> {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'ocm', 'processes.json'), 'utf8')) as Record<string, { pid: number; args: string[] }>;
  } catch {
    return {};
  }
}
