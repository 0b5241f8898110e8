// What the scale bench keeps of a lab that failed before `down` removes it: the end of every log file in its state
// dir, credentials redacted. Nothing else is read (the state dir also holds keys and kubeconfigs).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { redactSecrets } from '../../src/report/redact.js';

const TAIL_LINES = 300;

/** Copies the last lines of each `*.log` under `stateDir` to the same path under `outDir`; returns how many files. */
export async function keepLabLogs(stateDir: string, outDir: string): Promise<number> {
  const entries = await readdir(stateDir, { recursive: true, withFileTypes: true });
  const logs = entries.filter((e) => e.isFile() && e.name.endsWith('.log')).map((e) => join(e.parentPath, e.name));
  for (const log of logs) {
    const lines = (await readFile(log, 'utf8')).split('\n');
    const target = join(outDir, relative(stateDir, log));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, redactSecrets(lines.slice(-TAIL_LINES - 1).join('\n')), { mode: 0o600 });
  }
  return logs.length;
}
