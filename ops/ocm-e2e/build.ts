#!/usr/bin/env -S npx tsx
// Compiles Open Cluster Management's own end-to-end suite (open-cluster-management.io/ocm/test/e2e,
// Ginkgo) at the pinned `ocm` version into a self-contained test binary, from the Go module proxy.
// Also builds the workload images the suite runs (./images.ts) into Docker, when Docker holds none of this build.
// Usage: npx tsx ops/ocm-e2e/build.ts [--force]
// Output: ~/.cache/ocm-lab/ocm-e2e/<hash of versions.json + this script>/ocm-e2e.test; skipped when it
// exists. The last line on stdout is the binary's path. The binary takes the suite's flags and Ginkgo's
// directly (-ginkgo.label-filter, -ginkgo.focus, -ginkgo.junit-report, -ginkgo.v, -ginkgo.dry-run).
import { $, fs, path } from 'zx';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { moduleInfo } from '../kubernetes-module.js';
import { buildSuiteImages } from './images.js';
import { loadVersions, toolchainSourceDir } from '../../src/toolchain/versions.js';

const E2E_MODULE = 'open-cluster-management.io/ocm';
const E2E_PACKAGE = `${E2E_MODULE}/test/e2e`;
const BINARY = 'ocm-e2e.test';

const versions = loadVersions();
const force = process.argv.includes('--force');

$.verbose = false;
$.env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -trimpath', GOTOOLCHAIN: 'local' };
const ldflags = '-s -w';

function log(message: string): void {
  process.stdout.write(`[ocm-e2e] ${message}\n`);
}

/** Hash of what decides the binary: the pinned versions and this script. */
function buildHash(): string {
  const hash = createHash('sha256');
  for (const file of [path.join(toolchainSourceDir, 'versions.json'), fileURLToPath(import.meta.url)]) {
    hash.update(path.basename(file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OCM_LAB_OCM_E2E_CACHE) return path.resolve(env.OCM_LAB_OCM_E2E_CACHE);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(homedir(), '.cache');
  return path.join(base, 'ocm-lab', 'ocm-e2e');
}

/**
 * A wrapper module that only requires the pinned ocm: `go test -c <package of a dependency>` builds from
 * it (with -mod=mod Go records the suite's imports, all of which ocm's own go.mod already pins). go.sum is
 * seeded from ocm's go.sum, which came inside a zip the checksum database verified, and covers modules the
 * checksum database reachable here does not know. No `go mod tidy`: it would prune the suite's test-only
 * dependencies (test/e2e has only _test.go files, so nothing can import it) and their go.sum lines.
 */
async function wrapperModule(dir: string): Promise<void> {
  const upstream = await moduleInfo(`${E2E_MODULE}@${versions.ocm}`);
  const upstreamSum = path.join(upstream.Dir, 'go.sum');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdirp(dir);
  await fs.writeFile(
    path.join(dir, 'go.mod'),
    `module ocm-lab.local/ocm-e2e\n\ngo ${versions.go}\n\nrequire ${E2E_MODULE} ${versions.ocm}\n`,
  );
  await fs.writeFile(path.join(dir, 'go.sum'), existsSync(upstreamSum) ? await fs.readFile(upstreamSum, 'utf8') : '');
}

async function main(): Promise<void> {
  const outDir = path.join(cacheRoot(), buildHash());
  const binary = path.join(outDir, BINARY);
  await buildSuiteImages(path.join(cacheRoot(), 'images-work'), log);
  if (!force && existsSync(binary)) {
    log(`ocm ${versions.ocm} e2e suite: cached`);
    process.stdout.write(`${binary}\n`);
    return;
  }
  const goVersion = (await $`go env GOVERSION`).stdout.trim();
  log(`ocm ${versions.ocm} e2e suite: building with Go ${goVersion} into ${outDir}…`);
  const started = Date.now();
  const workDir = path.join(outDir, 'work');
  await wrapperModule(workDir);
  const partial = `${binary}.tmp`;
  await $({ cwd: workDir })`go test -c -ldflags=${ldflags} -o ${partial} ${E2E_PACKAGE}`;
  if (!existsSync(partial)) throw new Error(`go test -c finished but ${partial} is missing`);
  await fs.rename(partial, binary);
  const seconds = Math.round((Date.now() - started) / 1000);
  await fs.writeJson(
    path.join(outDir, 'build.json'),
    { module: E2E_MODULE, version: versions.ocm, package: E2E_PACKAGE, go: goVersion, builtAt: new Date().toISOString(), buildSeconds: seconds },
    { spaces: 2 },
  );
  await fs.rm(workDir, { recursive: true, force: true });
  log(`done in ${seconds}s`);
  process.stdout.write(`${binary}\n`);
}

main().catch((error: unknown) => {
  const detail = error instanceof Error ? error.message : String(error);
  const stderr = (error as { stderr?: string }).stderr;
  process.stderr.write(`[ocm-e2e] build failed: ${detail}\n${stderr ? stderr.slice(-4000) : ''}\n`);
  process.exit(1);
});
