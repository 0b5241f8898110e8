import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { writePrivateFile } from './private-files.js';

/**
 * A record the lab keeps in a private JSON file, read against its schema: a file that is missing, not JSON or not
 * what the schema allows (lost, or tampered with) reads as `empty`, so nothing is trusted that the lab did not write.
 */
export function readRecordFile<T>(file: string, schema: z.ZodType<T>, empty: T): T {
  if (!existsSync(file)) return empty;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : empty;
  } catch {
    return empty;
  }
}

export function writeRecordFile(file: string, value: unknown): void {
  writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
