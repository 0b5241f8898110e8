import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { repoRoot } from '../repo-root.js';

export interface ToolchainVersions {
  go: string;
  kubernetes: string;
  kubernetesStaging: string;
  etcd: string;
  kwok: string;
  ocm: string;
  /** Every OCM release a lab can run or upgrade between; `ocm` is built with the toolchain, the others on demand. */
  ocmVersions: string[];
  ocmApi: string;
  clusteradm: string;
  kind: string;
  helm: string;
  kindNodeImage: string;
}

export const toolchainSourceDir = join(repoRoot(), 'ops', 'toolchain');

export function loadVersions(dir = toolchainSourceDir): ToolchainVersions {
  return JSON.parse(readFileSync(join(dir, 'versions.json'), 'utf8')) as ToolchainVersions;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Hash of everything that decides what the build produces: the versions file and the wrapper sources. */
export function toolchainHash(dir = toolchainSourceDir): string {
  const hash = createHash('sha256');
  for (const file of [join(dir, 'versions.json'), ...listFiles(join(dir, 'wrappers'))]) {
    hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

export function toolchainCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OCM_LAB_TOOLCHAIN_CACHE) return resolve(env.OCM_LAB_TOOLCHAIN_CACHE);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'ocm-lab', 'toolchain');
}

export function toolchainDir(env: NodeJS.ProcessEnv = process.env, dir = toolchainSourceDir): string {
  return join(toolchainCacheRoot(env), toolchainHash(dir));
}
