import { join } from 'node:path';
import { z } from 'zod';
import { readRecordFile, writeRecordFile } from '../fs/record-file.js';
import type { NamedRef } from '../kube/cluster-client.js';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const refSchema = z.strictObject({ apiVersion: z.string().min(1), kind: z.string().min(1), name: z.string().min(1), namespace: z.string().min(1).optional() });
const recordSchema = z.record(
  z.string().regex(NAME),
  z.strictObject({
    /** The rendered objects' hash when they were applied and became ready. */
    hash: z.string(),
    /** What was applied where: cluster name to the objects' references. */
    clusters: z.record(z.string().regex(NAME), z.array(refSchema)),
  }),
);

export type InstallRecords = z.output<typeof recordSchema>;
export interface AppliedInstall {
  hash: string;
  clusters: Record<string, NamedRef[]>;
}

/**
 * What `up` installed (installs.json in the state dir): per install, the hash it applied and the objects on each
 * cluster, so a second `up` skips an unchanged install, prunes what an install no longer has, and removes an
 * install whose entry is gone. A record that fails its schema counts for nothing (the objects carry the lab's mark).
 */
export class InstallRecord {
  constructor(private readonly root: string) {}

  private get file(): string {
    return join(this.root, 'installs.json');
  }

  read(): InstallRecords {
    return readRecordFile(this.file, recordSchema, {});
  }

  set(name: string, applied: AppliedInstall | undefined): void {
    const { [name]: _old, ...rest } = this.read();
    writeRecordFile(this.file, applied ? { ...rest, [name]: applied } : rest);
  }
}
