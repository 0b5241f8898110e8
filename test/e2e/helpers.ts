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

/** Every process on the host whose command line mentions `marker` (a lab's state dir), read from /proc. */
export function labProcesses(marker: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').replaceAll('\0', ' ');
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      if (cmd.includes(marker) && !/^\d+ \(.*\) Z/.test(stat)) found.push({ pid: Number(entry), cmd });
    } catch {
      /* exited while we looked */
    }
  }
  return found;
}
