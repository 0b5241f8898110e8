import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** The largest scenario or manifest file read. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Why a file is not read, said of the file ("is a folder, not a file"), or undefined when it is read. */
function refusal(stats: Stats): string | undefined {
  if (stats.isDirectory()) return 'is a folder, not a file';
  if (!stats.isFile()) return 'is not a regular file (a FIFO, device or socket is never read)';
  if (stats.size > MAX_FILE_BYTES) return `is ${stats.size} bytes: at most 1 MiB is read`;
  return undefined;
}

/**
 * Why `path` is not a file we read (missing, not regular, too big), said of the file ("is a folder, not a file"),
 * or undefined when it is one.
 */
export function fileProblem(path: string): string | undefined {
  try {
    return refusal(statSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
  }
}

/**
 * The text of a regular file of at most MAX_FILE_BYTES, or why not (said of the file, as fileProblem). Checked before it is opened, and opened
 * non-blocking and checked again: a FIFO or device (which could block or never end) is never read.
 */
export function readSmallFile(path: string): { text: string } | { problem: string } {
  const before = fileProblem(path);
  if (before) return { problem: before };
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const now = refusal(fstatSync(fd));
    if (now) return { problem: now };
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (let read = 1; read > 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_FILE_BYTES) return { problem: 'is over 1 MiB: at most 1 MiB is read' };
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
