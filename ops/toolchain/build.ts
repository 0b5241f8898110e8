#!/usr/bin/env -S npx tsx
// Builds every pinned binary from the Go module proxy into the toolchain cache.
// Usage: npx tsx ops/toolchain/build.ts [--force] [--ocm <version>]   (normally run by `./lab setup` or `./lab up`)
// --ocm builds only that OCM release (binaries, webhook server, CRDs) into ocm/<version>/, beside the pinned one.
// Each group is skipped when its outputs already exist, so an interrupted build resumes.
import { $, fs, path } from 'zx';
import { kubernetesGoMod, kubernetesLdflags, moduleInfo } from '../kubernetes-module.js';
import { existsSync } from 'node:fs';
import { ALL_BINARIES, KUBERNETES_BINARIES, KWOK_BINARIES, OCM_BINARIES } from '../../src/toolchain/binaries.js';
import { CRD_FILES_BY_MODULE } from '../../src/toolchain/crds.js';
import { loadVersions, toolchainDir, toolchainSourceDir } from '../../src/toolchain/versions.js';
import { OCM_RELEASE_MARKER, ocmReleaseDir, releaseChartDirs, releaseCrdDir } from '../../src/toolchain/ocm-release.js';

const versions = loadVersions();
const outDir = toolchainDir();
const binDir = path.join(outDir, 'bin');
const workDir = path.join(outDir, 'work');
const force = process.argv.includes('--force');
/** Seconds each group took to build in this run (cached groups are absent). */
const timings: Record<string, number> = {};

$.verbose = false;
$.env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -trimpath', GOTOOLCHAIN: 'local' };
const ldflags = '-s -w';

function log(message: string): void {
  process.stdout.write(`[toolchain] ${message}\n`);
}

async function step(name: string, outputs: string[], build: () => Promise<void>): Promise<void> {
  if (!force && outputs.every((o) => existsSync(o))) {
    log(`${name}: cached`);
    return;
  }
  const started = Date.now();
  log(`${name}: building…`);
  await build();
  const missing = outputs.filter((o) => !existsSync(o));
  if (missing.length) throw new Error(`${name}: build finished but ${missing.join(', ')} is missing`);
  timings[name] = Math.round((Date.now() - started) / 1000);
  log(`${name}: done in ${timings[name]}s`);
}

const bins = (names: readonly string[]) => names.map((n) => path.join(binDir, n));


/** The files of a committed wrapper (ops/toolchain/wrappers/<name>). */
async function wrapperFiles(name: string): Promise<Record<string, string>> {
  const source = path.join(toolchainSourceDir, 'wrappers', name);
  const files: Record<string, string> = {};
  for (const file of await fs.readdir(source)) files[file] = await fs.readFile(path.join(source, file), 'utf8');
  return files;
}

/** A committed wrapper plus its generated go.mod. */
async function wrapperModule(name: string, goMod: string): Promise<string> {
  return generatedModule(name, { 'go.mod': goMod, ...(await wrapperFiles(name)) });
}

/**
 * A generated module that requires a published module, with go.sum seeded from the module's own go.sum:
 * that file came inside a zip the checksum database verified, so its hashes are trustworthy, and it covers
 * dependencies (sigs.k8s.io/about-api) that the checksum database reachable here does not know.
 */
async function moduleRequiring(name: string, module: string, version: string, files: Record<string, string>, replaces: Record<string, string> = {}): Promise<string> {
  const upstream = await moduleInfo(`${module}@${version}`);
  const upstreamSum = path.join(upstream.Dir, 'go.sum');
  return generatedModule(name, {
    'go.mod': [
      `module ocm-lab.local/toolchain/${name}\n\ngo ${versions.go}\n\nrequire ${module} ${version}\n`,
      ...Object.entries(replaces).map(([m, v]) => `replace ${m} => ${m} ${v}\n`),
    ].join('\n'),
    'go.sum': existsSync(upstreamSum) ? await fs.readFile(upstreamSum, 'utf8') : '',
    ...files,
  });
}

/**
 * Builds main packages of a published module through a generated wrapper module.
 * (`go install pkg@version` would also work, but it asks the proxy for the module's version
 * list to check deprecations, and the proxy here refuses that list for some modules.)
 */
async function buildFromModule(module: string, version: string, pkgs: string[], replaces: Record<string, string> = {}, extraLdflags = '', out = binDir): Promise<void> {
  const imports = pkgs.map((p) => `\t_ "${p}"`).join('\n');
  const tools = `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`;
  const dir = await moduleRequiring(`${module.replaceAll('/', '_')}-${version}`, module, version, { 'tools.go': tools }, replaces);
  await $({ cwd: dir })`go build -ldflags=${`${ldflags} ${extraLdflags}`.trim()} -o ${out + '/'} ${pkgs}`;
}

/** Our own command (ops/toolchain/wrappers/<name>) built against a published module it imports. */
async function buildWrapperOf(name: string, module: string, version: string, output: string, tags: string[] = []): Promise<void> {
  const dir = await moduleRequiring(`${name}-${version}`, module, version, await wrapperFiles(name));
  await $({ cwd: dir })`go build -tags=${tags.join(',')} -ldflags=${ldflags} -o ${output} .`;
}

/**
 * An OCM release other than the pinned one, for labs that run it or upgrade from it: its binaries, the webhook
 * server built against it, and the CRDs its operators install (from the ocm module's own manifests), under
 * ocm/<version>/. A release the module proxy refuses fails here with the proxy's answer.
 */
async function buildOcmRelease(version: string): Promise<void> {
  const dir = ocmReleaseDir(outDir, version);
  const releaseBin = path.join(dir, 'bin');
  const source = await moduleInfo(`open-cluster-management.io/ocm@${version}`).catch((error: unknown) => {
    throw new Error(`the Go module proxy does not serve open-cluster-management.io/ocm@${version}: ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`);
  });
  await step(`ocm ${version}`, OCM_BINARIES.map((b) => path.join(releaseBin, b)), () =>
    buildFromModule('open-cluster-management.io/ocm', version, OCM_BINARIES.map((b) => `open-cluster-management.io/ocm/cmd/${b}`), {}, '', releaseBin),
  );
  // Releases without add-on webhooks (v1.0.0) have no pkg/addon/webhook: the wrapper leaves that server out.
  const addonWebhooks = existsSync(path.join(source.Dir, 'pkg', 'addon', 'webhook'));
  await step(`ocm ${version} hub webhooks`, [path.join(releaseBin, 'ocm-webhook-server')], () =>
    buildWrapperOf('ocm-webhooks', 'open-cluster-management.io/ocm', version, path.join(releaseBin, 'ocm-webhook-server'), addonWebhooks ? [] : ['ocm_no_addon_webhooks']),
  );
  // The release's own charts, which its clusteradm renders for init and join (kind labs at a release other than the pin).
  const charts = releaseChartDirs(dir);
  await step(`ocm ${version} charts`, [path.join(charts.clusterManager, 'Chart.yaml'), path.join(charts.klusterlet, 'Chart.yaml')], async () => {
    for (const [chart, to] of [['cluster-manager', charts.clusterManager], ['klusterlet', charts.klusterlet]] as const) {
      await fs.rm(to, { recursive: true, force: true });
      await fs.copy(path.join(source.Dir, 'deploy', chart, 'chart', chart), to);
      await $`chmod -R u+w ${to}`;
    }
  });
  const marker = path.join(dir, OCM_RELEASE_MARKER);
  await step(`ocm ${version} CRDs`, [marker], async () => {
    const crdsUnder = async (folder: string) =>
      ((await fs.readdir(path.join(source.Dir, folder), { recursive: true })) as string[]).filter((f) => f.endsWith('.crd.yaml')).map((f) => path.join(source.Dir, folder, f));
    const sides = { hub: await crdsUnder('manifests/cluster-manager/hub'), managed: await crdsUnder('manifests/klusterlet/managed') };
    for (const [side, files] of Object.entries(sides)) {
      const crdDir = releaseCrdDir(dir, side as keyof typeof sides);
      await fs.rm(crdDir, { recursive: true, force: true });
      await fs.mkdirp(crdDir);
      for (const file of files) await fs.copyFile(file, path.join(crdDir, path.basename(file)));
    }
    await fs.writeJson(marker, { version, webhookServers: ['registration', 'work', ...(addonWebhooks ? ['addon'] : [])], builtAt: new Date().toISOString() }, { spaces: 2 });
  });
}

async function generatedModule(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(workDir, name);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdirp(dir);
  for (const [file, content] of Object.entries(files)) await fs.writeFile(path.join(dir, file), content);
  await $({ cwd: dir })`go mod tidy -e`;
  return dir;
}

async function main(): Promise<void> {
  const goVersion = (await $`go env GOVERSION`).stdout.trim();
  log(`Go ${goVersion}; output ${outDir}`);
  await fs.mkdirp(binDir);
  const started = Date.now();
  const release = process.argv.includes('--ocm') ? process.argv[process.argv.indexOf('--ocm') + 1] : undefined;
  if (release) {
    await buildOcmRelease(release);
    await fs.rm(workDir, { recursive: true, force: true });
    log(`ocm ${release} complete in ${Math.round((Date.now() - started) / 1000)}s`);
    return;
  }

  await step(`etcd ${versions.etcd}`, bins(['etcd']), async () => {
    const dir = await wrapperModule(
      'etcd',
      `module ocm-lab.local/toolchain/etcd\n\ngo ${versions.go}\n\nrequire go.etcd.io/etcd/server/v3 ${versions.etcd}\n`,
    );
    await $({ cwd: dir })`go build -ldflags=${ldflags} -o ${path.join(binDir, 'etcd')} .`;
  });

  await step(`kubernetes ${versions.kubernetes}`, bins(KUBERNETES_BINARIES), async () => {
    const dir = await wrapperModule('kubernetes', await kubernetesGoMod('ocm-lab.local/toolchain/kubernetes', versions));
    const pkgs = KUBERNETES_BINARIES.map((b) => `k8s.io/kubernetes/cmd/${b}`);
    await $({ cwd: dir })`go build -ldflags=${kubernetesLdflags(ldflags, versions)} -o ${binDir + '/'} ${pkgs}`;
  });

  await step(`kwok ${versions.kwok}`, bins(KWOK_BINARIES), () =>
    buildFromModule('sigs.k8s.io/kwok', versions.kwok, KWOK_BINARIES.map((b) => `sigs.k8s.io/kwok/cmd/${b}`)),
  );

  await step(`ocm ${versions.ocm}`, bins(OCM_BINARIES), () =>
    buildFromModule('open-cluster-management.io/ocm', versions.ocm, OCM_BINARIES.map((b) => `open-cluster-management.io/ocm/cmd/${b}`)),
  );

  await step(`ocm ${versions.ocm} hub webhooks`, bins(['ocm-webhook-server']), () =>
    buildWrapperOf('ocm-webhooks', 'open-cluster-management.io/ocm', versions.ocm, path.join(binDir, 'ocm-webhook-server')),
  );

  await step(`clusteradm ${versions.clusteradm}`, bins(['clusteradm']), () =>
    // clusteradm v1.3.1 requires ocm v1.3.1, which the module proxy here refuses; it only uses ocm's
    // chart package (for init/join), which builds unchanged against the pinned ocm.
    buildFromModule('open-cluster-management.io/clusteradm', versions.clusteradm, ['open-cluster-management.io/clusteradm/cmd/clusteradm'], {
      'open-cluster-management.io/ocm': versions.ocm,
    }),
  );

  await step(`kind ${versions.kind}`, bins(['kind']), () => buildFromModule('sigs.k8s.io/kind', versions.kind, ['sigs.k8s.io/kind']));

  // Renders install: charts (helm template); `helm version` reports the pinned version.
  await step(`helm ${versions.helm}`, bins(['helm']), () =>
    buildFromModule('helm.sh/helm/v4', versions.helm, ['helm.sh/helm/v4/cmd/helm'], {}, `-X helm.sh/helm/v4/internal/version.version=${versions.helm}`),
  );

  const crdDir = path.join(outDir, 'crds');
  const crdModules = { 'ocm-api': `open-cluster-management.io/api@${versions.ocmApi}`, ocm: `open-cluster-management.io/ocm@${versions.ocm}` };
  const crdFiles = Object.values(CRD_FILES_BY_MODULE).flat();
  await step(`ocm ${versions.ocm} CRDs`, crdFiles.map((f) => path.join(crdDir, path.basename(f))), async () => {
    await fs.mkdirp(crdDir);
    for (const [module, files] of Object.entries(CRD_FILES_BY_MODULE)) {
      const info = await moduleInfo(crdModules[module as keyof typeof crdModules]);
      for (const file of files) await fs.copyFile(path.join(info.Dir, file), path.join(crdDir, path.basename(file)));
    }
  });

  const marker = path.join(outDir, 'toolchain.json');
  const previous = existsSync(marker) ? ((await fs.readJson(marker)) as { buildSeconds?: Record<string, number> }) : {};
  await fs.writeJson(
    marker,
    {
      versions,
      go: goVersion,
      binaries: ALL_BINARIES,
      builtAt: new Date().toISOString(),
      buildSeconds: { ...previous.buildSeconds, ...timings },
    },
    { spaces: 2 },
  );
  await fs.rm(workDir, { recursive: true, force: true });
  log(`complete in ${Math.round((Date.now() - started) / 1000)}s`);
}

main().catch((error: unknown) => {
  const detail = error instanceof Error ? error.message : String(error);
  const stderr = (error as { stderr?: string }).stderr;
  process.stderr.write(`[toolchain] build failed: ${detail}\n${stderr ? stderr.slice(-4000) : ''}\n`);
  process.exit(1);
});
