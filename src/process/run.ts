import { execa } from 'execa';
import { CommandError } from '../errors.js';
import { CancelledError } from './abort.js';

export interface CommandOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Kills the program (SIGTERM, then SIGKILL after 5 s) when aborted. */
  signal?: AbortSignal;
  /** Values (tokens, keys) masked in the error a failure produces. */
  secrets?: string[];
  input?: string;
}

export function redact(text: string, secrets: string[] = []): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.replaceAll(secret, '***'), text);
}

/** Runs a program to completion and returns its stdout; a failure becomes a CommandError with stderr. */
export async function run(command: string, args: string[], options: CommandOptions = {}): Promise<string> {
  const result = await execa(command, args, {
    env: options.env,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    forceKillAfterDelay: 5000,
    input: options.input,
    reject: false,
    stdin: options.input === undefined ? 'ignore' : undefined,
  });
  if (result.isCanceled) throw new CancelledError(options.signal?.reason);
  if (result.exitCode !== 0 || result.failed) {
    const shown = redact([command, ...args].join(' '), options.secrets);
    const detail = result.timedOut ? `timed out after ${options.timeoutMs}ms\n${result.stderr}` : `${result.stderr}\n${result.stdout}`;
    throw new CommandError(shown, redact(detail, options.secrets));
  }
  return result.stdout;
}
