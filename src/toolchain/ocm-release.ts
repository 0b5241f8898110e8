import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { runBuildScript } from './build-script.js';
import { OCM_BINARIES, OCM_WEBHOOK_SERVER } from './binaries.js';
import { HUB_CRD_FILES, MANAGED_CRD_FILES } from './crds.js';
import type { Toolchain } from './toolchain.js';
import { loadVersions, toolchainSourceDir } from './versions.js';

/** The programs OCM runs as host processes: its own binaries and the webhook server built against the release. */
export const OCM_PROCESS_BINARIES = [...OCM_BINARIES, OCM_WEBHOOK_SERVER] as const;
export type OcmProcessBinary = (typeof OCM_PROCESS_BINARIES)[number];
export type WebhookServer = 'registration' | 'work' | 'addon';

/** Written last by the release build (ops/toolchain/build.ts --ocm): the release is complete when it is there. */
export const OCM_RELEASE_MARKER = 'release.json';

/** One OCM release as a lab runs it on this host: where its programs and CRDs are. */
export interface OcmRelease {
  version: string;
  bin(name: OcmProcessBinary): string;
  /** CRD files the cluster-manager operator installs on a hub, and the klusterlet on a managed cluster. */
  crdFiles: { hub: string[]; managed: string[] };
  /** The hub webhook servers the release has (v1.0.0 has no add-on webhooks, so no add-on conversion either). */
  webhookServers: WebhookServer[];
  /** Its charts, for a release clusteradm does not render itself (every one but the pinned, which has none here). */
  charts?: { clusterManager: string; klusterlet: string };
}

export const ocmReleaseDir = (toolchainDir: string, version: string) => join(toolchainDir, 'ocm', version);
export const releaseCrdDir = (releaseDir: string, side: 'hub' | 'managed') => join(releaseDir, 'crds', side);
/** The release's Helm charts of the cluster manager and the klusterlet (OCM's deploy/<chart>/chart/<chart>). */
export const releaseChartDirs = (releaseDir: string) => ({ clusterManager: join(releaseDir, 'charts', 'cluster-manager'), klusterlet: join(releaseDir, 'charts', 'klusterlet') });

/** The releases a lab can run, oldest first (ops/toolchain/versions.json ocmVersions). */
export function supportedOcmVersions(): string[] {
  return loadVersions().ocmVersions;
}

/** The release in the toolchain, or undefined when it has not been built. */
export function findOcmRelease(toolchain: Toolchain, version: string): OcmRelease | undefined {
  if (version === toolchain.versions.ocm) {
    return {
      version,
      bin: (name) => toolchain.bin(name),
      crdFiles: { hub: HUB_CRD_FILES.map((f) => join(toolchain.crdDir, f.split('/').at(-1)!)), managed: MANAGED_CRD_FILES.map((f) => join(toolchain.crdDir, f.split('/').at(-1)!)) },
      webhookServers: ['registration', 'work', 'addon'],
    };
  }
  const dir = ocmReleaseDir(toolchain.dir, version);
  const marker = join(dir, OCM_RELEASE_MARKER);
  const charts = releaseChartDirs(dir);
  // Releases built before the charts were part of them are completed by the next build (its other steps cached).
  if (![marker, join(charts.klusterlet, 'Chart.yaml'), join(charts.clusterManager, 'Chart.yaml')].every(existsSync)) return undefined;
  const built = JSON.parse(readFileSync(marker, 'utf8')) as { webhookServers: WebhookServer[] };
  const crds = (side: 'hub' | 'managed') => readdirSync(releaseCrdDir(dir, side)).sort().map((f) => join(releaseCrdDir(dir, side), f));
  return { version, bin: (name) => join(dir, 'bin', name), crdFiles: { hub: crds('hub'), managed: crds('managed') }, webhookServers: built.webhookServers, charts };
}

export function requireOcmRelease(toolchain: Toolchain, version: string): OcmRelease {
  const release = findOcmRelease(toolchain, version);
  if (!release) throw new LabError(`OCM ${version} is not built in the toolchain`, { hint: `run ./lab setup (it builds the OCM versions the config names), or ./lab up` });
  return release;
}

/** Builds a release beside the pinned one (the Go module proxy must serve it), or finds it built. */
export async function ensureOcmRelease(toolchain: Toolchain, version: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<OcmRelease> {
  const found = findOcmRelease(toolchain, version);
  if (found) return found;
  const result = await runBuildScript(join(toolchainSourceDir, 'build.ts'), 'toolchain', onLine, signal, ['--ocm', version]);
  if (result.exitCode !== 0) {
    throw new LabError(`building OCM ${version} failed (exit ${result.exitCode}):\n${result.tail.join('\n')}`, {
      hint: 'check that the Go module proxy serves open-cluster-management.io/ocm at that version, then run ./lab setup again (it resumes)',
    });
  }
  return requireOcmRelease(toolchain, version);
}
