import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Upper bound of what is read from the end of a log, whatever its line lengths. */
const MAX_TAIL_BYTES = 8 * 1024 * 1024;

/** The last `lines` lines of a file, read from its end. */
export function tailFile(path: string, lines: number): string {
  if (lines <= 0) return '';
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let position = size;
    let newlines = 0;
    while (position > 0 && newlines <= lines && size - position < MAX_TAIL_BYTES) {
      const length = Math.min(64 * 1024, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, position);
      chunks.unshift(chunk);
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines++;
    }
    const all = Buffer.concat(chunks).toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    const kept = all.slice(-lines);
    return kept.length ? `${kept.join('\n')}\n` : '';
  } finally {
    closeSync(fd);
  }
}

/** The tail of a log, or `fallback` when it cannot be read. */
export function tailFileOr(path: string, lines: number, fallback: string): string {
  try {
    return tailFile(path, lines).trimEnd();
  } catch {
    return fallback;
  }
}
