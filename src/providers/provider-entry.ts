import type { z } from 'zod';
import type { LabSpec, OcmRuntime } from '../config/schema.js';
import type { Check } from '../core/check.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { ClusterProvider, ProviderCapabilities, ProviderDirs, ProviderKind } from './provider.js';

/** What a provider records about a lab for the lab's whole life (kind: the node image it chose), in the lab's state. */
export type ProviderRecord = Record<string, string>;

/** Whether a provider can run on this host: why, or why not and what would fix it. */
export interface ProviderSupport {
  usable: boolean;
  reason: string;
  fix?: string;
  /** Not usable because of what the config says (a kubeconfig it names does not exist): a usage error, exit 2. */
  configProblem?: boolean;
}

/**
 * One row of the provider table: everything the lab needs to know about a provider, so `up`, `down`, `run`,
 * `status` and `doctor` consult the table and never test a provider's name.
 */
export interface ProviderEntry {
  readonly name: ProviderKind;
  /** Whether `provider: auto` may choose it (table order is the preference). */
  readonly auto: boolean;
  /** How OCM runs on its clusters: pods that `clusteradm` installs, or host processes. */
  ocmRuntime(spec: LabSpec): OcmRuntime;
  /** Its own folder in the state dir: also how `down` recognises a lab whose state.json is lost. */
  readonly workDir: string;
  /** Whether `down` needs the toolchain to remove what it made (a kind cluster needs `kind`). */
  readonly teardownNeedsToolchain: boolean;
  readonly capabilities: ProviderCapabilities;
  /** The schema of its record in state.json (a tampered record is refused with the rest of the state). */
  readonly recordSchema: z.ZodType<ProviderRecord>;
  /** What a new lab of this provider records (resolved once, when the lab is made). */
  prepare(spec: LabSpec, signal?: AbortSignal): Promise<ProviderRecord>;
  /** Whether it can run here for this lab. */
  detect(spec: LabSpec, record: ProviderRecord, signal?: AbortSignal): Promise<ProviderSupport>;
  make(spec: LabSpec, dirs: ProviderDirs, toolchain: Toolchain, record: ProviderRecord): ClusterProvider;
  /** Whether anything the lab at `owner` made with this provider still exists (found by its marks, without the state). */
  ownsAnything(owner: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * Providers of clusters the lab did not make: the user's kubeconfig (absolute) and context of a cluster of this
   * config, or undefined when the config has no such cluster. Others keep the lab's own kubeconfigs.
   */
  userKubeconfig?(spec: LabSpec, cluster: string): { kubeconfig: string; context?: string } | undefined;
  /**
   * Whether agents find the hub through its cluster-info ConfigMap (kind clusters on one Docker network) rather
   * than at the hub handle's serverFromClusters.
   */
  hubLookup(spec: LabSpec): boolean;
  /** Whether the lab makes the clusters itself (and deletes them at `down`), so it may tune what runs on them. */
  makesClusters: boolean;
  /** Its `./lab doctor` lines; problems are failures when the config names this provider (`required`), warnings otherwise. */
  doctorChecks(spec: LabSpec | undefined, required: boolean): Promise<Check[]>;
}
