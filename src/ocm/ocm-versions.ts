import { join } from 'node:path';
import { z } from 'zod';
import { readRecordFile, writeRecordFile } from '../fs/record-file.js';

/** The two parts of OCM that move between releases on their own: the hub's components, and the klusterlet agents. */
export const OCM_PARTS = ['hub', 'agents'] as const;
export type OcmPart = (typeof OCM_PARTS)[number];
export type OcmVersions = Partial<Record<OcmPart, string>>;

const VERSION = /^v(\d+)\.(\d+)\.(\d+)$/;
const recordSchema = z.strictObject({ hub: z.string().regex(VERSION).optional(), agents: z.string().regex(VERSION).optional() });

/** Orders OCM release versions (vMAJOR.MINOR.PATCH). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (VERSION.exec(v) ?? []).slice(1).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * Which release each part of the lab's OCM runs, as the installer last installed or upgraded it (ocm/versions.json).
 * The config's ocm.version is what `up` installs; a part upgraded since (by a scenario, or by raising
 * ocm.version) runs the newer release, and no part is ever moved to an older one.
 */
export class OcmVersionRecord {
  constructor(private readonly dir: string) {}

  private get file(): string {
    return join(this.dir, 'versions.json');
  }

  read(): OcmVersions {
    return readRecordFile(this.file, recordSchema, {});
  }

  set(part: OcmPart, version: string): void {
    writeRecordFile(this.file, { ...this.read(), [part]: version });
  }

  /** The release a part should run: the newer of what it runs and what the config asks for. */
  wanted(part: OcmPart, configured: string): string {
    const running = this.read()[part];
    return running && compareVersions(running, configured) > 0 ? running : configured;
  }
}
