import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { runBuildScript } from './build-script.js';
import { ALL_BINARIES, type BinaryName } from './binaries.js';
import { loadVersions, toolchainDir, toolchainSourceDir, type ToolchainVersions } from './versions.js';

/** A complete, built toolchain in the cache. */
export interface Toolchain {
  dir: string;
  versions: ToolchainVersions;
  crdDir: string;
  bin(name: BinaryName): string;
}

function toolchainAt(dir: string): Toolchain {
  return {
    dir,
    versions: loadVersions(),
    crdDir: join(dir, 'crds'),
    bin: (name) => join(dir, 'bin', name),
  };
}

/** The cached toolchain, or undefined when it has not been (completely) built. */
export function findToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain | undefined {
  const dir = toolchainDir(env);
  const marker = join(dir, 'toolchain.json');
  if (!existsSync(marker)) return undefined;
  const built = JSON.parse(readFileSync(marker, 'utf8')) as { binaries: string[] };
  const toolchain = toolchainAt(dir);
  const complete = ALL_BINARIES.every((b) => built.binaries.includes(b) && existsSync(toolchain.bin(b)));
  return complete ? toolchain : undefined;
}

export function requireToolchain(): Toolchain {
  const toolchain = findToolchain();
  if (!toolchain) {
    throw new LabError(`the toolchain is not built (expected in ${toolchainDir()})`, { hint: 'run ./lab setup (or ./lab up, which builds it first)' });
  }
  return toolchain;
}

/** Runs the zx build script, streaming its progress lines. Resumes an interrupted build. */
export async function buildToolchain(onLine: (line: string) => void, signal?: AbortSignal): Promise<Toolchain> {
  const script = join(toolchainSourceDir, 'build.ts');
  const result = await runBuildScript(script, 'toolchain', onLine, signal);
  if (result.exitCode !== 0) {
    throw new LabError(`toolchain build failed (exit ${result.exitCode}):\n${result.tail.join('\n')}`, {
      hint: 'check that the Go module proxy is reachable and `go version` is >= 1.25, then run ./lab setup again (it resumes)',
    });
  }
  const toolchain = findToolchain();
  if (!toolchain) throw new LabError('toolchain build finished but the toolchain is incomplete', { hint: 'run ./lab setup again' });
  return toolchain;
}
