#!/usr/bin/env -S npx tsx
// Builds, offline, every container image a kind lab needs into the local Docker engine:
// Kubernetes component images at kubeadm's tags, OCM images at clusteradm's tags (every release of
// versions.json ocmVersions: the others must be built into the toolchain first, ./lab setup --ocm), the workload
// image and the kind node image with all of them preloaded (ops/images/README.md).
// Usage: npx tsx ops/images/build.ts [--force]   (needs root, Docker, Go, debootstrap)
// The cache is ~/.cache/ocm-lab/images/<hash of versions.json + ops/images/>; each group is skipped
// when its outputs exist, so an interrupted build resumes. Heavy intermediate parts (Go binaries, Debian
// root filesystems) live under parts/<key of their own inputs> and survive edits that do not concern them.
import { $, fs, path } from 'zx';
import { kubernetesGoMod, kubernetesLdflags, moduleInfo } from '../kubernetes-module.js';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  COMPONENT_IMAGES,
  IMAGE_BUILD_LABEL,
  NODE_IMAGE,
  OCM_IMAGES,
  OCM_IMAGE_BINARIES,
  WORKLOAD_IMAGE,
  imagesCacheRoot,
  imagesDir,
  imagesHash,
  imagesSourceDir,
  ocmImagesOf,
  partKey,
} from '../../src/toolchain/images.js';
import { ocmReleaseDir } from '../../src/toolchain/ocm-release.js';
import { loadVersions, toolchainDir } from '../../src/toolchain/versions.js';

const versions = loadVersions();
const hash = imagesHash();
const outDir = imagesDir();
const partsDir = path.join(imagesCacheRoot(), 'parts');
const doneDir = path.join(outDir, 'done');
const force = process.argv.includes('--force');
const toolchainBin = path.join(toolchainDir(), 'bin');
const timings: Record<string, number> = {};

$.verbose = false;
$.env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -trimpath', GOTOOLCHAIN: 'local' };
const ldflags = '-s -w';

/** Node packages (Debian bookworm) of the kind node's root filesystem. */
const NODE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'containerd', 'runc', 'containernetworking-plugins', 'iptables', 'nftables',
  'iproute2', 'conntrack', 'socat', 'ca-certificates', 'kmod', 'procps', 'util-linux', 'mount', 'ethtool',
  'libseccomp2', 'ebtables', 'ipset',
];
/** Packages of the small Debian base of the kube-proxy image. */
const PROXY_PACKAGES = ['iptables', 'nftables', 'conntrack', 'ipset', 'kmod', 'ca-certificates'];
const SUITE = 'bookworm';

function log(message: string): void {
  process.stdout.write(`[images] ${message}\n`);
}

async function imageExists(ref: string): Promise<boolean> {
  return (await $`docker image inspect --format {{.Id}} ${ref}`.nothrow()).exitCode === 0;
}

/** Runs a build group unless its marker (and, for images, the images) already exist. */
async function step(name: string, images: string[], build: () => Promise<void>): Promise<void> {
  const marker = path.join(doneDir, name.replace(/[^\w.-]+/g, '_'));
  if (!force && existsSync(marker) && (await Promise.all(images.map(imageExists))).every(Boolean)) {
    log(`${name}: cached`);
    return;
  }
  const started = Date.now();
  log(`${name}: building…`);
  await build();
  const missing: string[] = [];
  for (const image of images) if (!(await imageExists(image))) missing.push(image);
  if (missing.length) throw new Error(`${name}: build finished but ${missing.join(', ')} is missing from Docker`);
  timings[name] = Math.round((Date.now() - started) / 1000);
  await fs.mkdirp(doneDir);
  await fs.writeFile(marker, new Date().toISOString());
  log(`${name}: done in ${timings[name]}s`);
}

/** A cached intermediate directory keyed by its own inputs; built into a temporary folder, then renamed. */
async function part(name: string, inputs: unknown, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(partsDir, `${name}-${partKey(inputs)}`);
  if (!force && existsSync(dir)) {
    log(`${name}: cached part`);
    return dir;
  }
  const started = Date.now();
  log(`${name}: building…`);
  const tmp = `${dir}.tmp`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdirp(tmp);
  await build(tmp);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  timings[name] = Math.round((Date.now() - started) / 1000);
  log(`${name}: done in ${timings[name]}s`);
  return dir;
}

// ---------------------------------------------------------------- Go builds


async function goModule(dir: string, files: Record<string, string>): Promise<void> {
  await fs.mkdirp(dir);
  for (const [file, content] of Object.entries(files)) await fs.writeFile(path.join(dir, file), content);
  await $({ cwd: dir })`go mod tidy -e`;
}

/** Main packages of a published module, built through a generated wrapper module (go.sum seeded from upstream). */
async function buildFromModule(work: string, out: string, module: string, version: string, pkgs: string[], extraLdflags = ''): Promise<void> {
  const upstream = await moduleInfo(`${module}@${version}`);
  const upstreamSum = path.join(upstream.Dir, 'go.sum');
  const imports = pkgs.map((p) => `\t_ "${p}"`).join('\n');
  await goModule(work, {
    'go.mod': `module ocm-lab.local/images/${module.replaceAll('/', '_')}\n\ngo ${versions.go}\n\nrequire ${module} ${version}\n`,
    'go.sum': existsSync(upstreamSum) ? await fs.readFile(upstreamSum, 'utf8') : '',
    'tools.go': `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`,
  });
  await $({ cwd: work })`go build -ldflags=${`${ldflags} ${extraLdflags}`.trim()} -o ${out + '/'} ${pkgs}`;
}

async function sourceFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = await fs.readFile(file, 'utf8');
  }
  return files;
}

async function buildBinaries(): Promise<Record<string, string>> {
  const goVersion = (await $`go env GOVERSION`).stdout.trim();
  const bin: Record<string, string> = {};

  const k8s = await part('go-kubernetes-node', { goVersion, k: versions.kubernetes, s: versions.kubernetesStaging, w: await sourceFiles(path.join(imagesSourceDir, 'wrappers', 'kubernetes')) }, async (dir) => {
    const work = path.join(dir, 'work');
    await goModule(work, { 'go.mod': await kubernetesGoMod('ocm-lab.local/images/kubernetes', versions), ...(await sourceFiles(path.join(imagesSourceDir, 'wrappers', 'kubernetes'))) });
    const pkgs = ['kubeadm', 'kubelet', 'kube-proxy'].map((b) => `k8s.io/kubernetes/cmd/${b}`);
    await $({ cwd: work })`go build -ldflags=${kubernetesLdflags(ldflags, versions)} -o ${dir + '/'} ${pkgs}`;
    await fs.rm(work, { recursive: true, force: true });
  });
  for (const b of ['kubeadm', 'kubelet', 'kube-proxy']) bin[b] = path.join(k8s, b);

  const coredns = await part('go-coredns', { goVersion, v: COMPONENT_IMAGES.coredns.split(':v')[1] }, async (dir) => {
    await buildFromModule(path.join(dir, 'work'), dir, 'github.com/coredns/coredns', `v${COMPONENT_IMAGES.coredns.split(':v')[1]}`, ['github.com/coredns/coredns']);
    await fs.rm(path.join(dir, 'work'), { recursive: true, force: true });
  });
  bin.coredns = path.join(coredns, 'coredns');

  const addon = await part('go-ocm-addon', { goVersion, v: versions.ocm }, async (dir) => {
    await buildFromModule(path.join(dir, 'work'), dir, 'open-cluster-management.io/ocm', versions.ocm, ['open-cluster-management.io/ocm/cmd/addon']);
    await fs.rm(path.join(dir, 'work'), { recursive: true, force: true });
  });
  bin.addon = path.join(addon, 'addon');

  const localSrc = path.join(imagesSourceDir, 'go');
  const local = await part('go-local', { goVersion, src: await sourceFiles(localSrc) }, async (dir) => {
    await $({ cwd: localSrc })`go build -ldflags=${ldflags} -o ${dir + '/'} ./cmd/...`;
  });
  for (const b of ['pause', 'web', 'runc-oom']) bin[b] = path.join(local, b);

  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'registration', 'work', 'placement', 'registration-operator']) {
    bin[b] = path.join(toolchainBin, b);
  }
  const missing = Object.values(bin).filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`missing binaries (build the toolchain first: ./lab setup): ${missing.join(', ')}`);
  return bin;
}

// ---------------------------------------------------------------- Debian root filesystems

function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const uri = text.match(/^URIs:\s*(\S+\/debian)\/?\s*$/m)?.[1] ?? text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+\S+/m)?.[1];
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

/** A debootstrapped minbase Debian, stored as rootfs.tar. */
async function debianRootfs(name: string, packages: string[]): Promise<string> {
  const mirror = debianMirror();
  const dir = await part(name, { SUITE, mirror, packages }, async (out) => {
    const root = path.join(out, 'root');
    const debs = path.join(partsDir, 'debs');
    await fs.mkdirp(debs);
    try {
      await $`debootstrap --variant=minbase --cache-dir=${debs} --include=${packages.join(',')} ${SUITE} ${root} ${mirror}`;
    } catch (error) {
      const logFile = path.join(root, 'debootstrap', 'debootstrap.log');
      const tail = existsSync(logFile) ? (await fs.readFile(logFile, 'utf8')).slice(-3000) : '';
      throw new Error(`debootstrap of ${name} failed: ${(error as Error).message}\n${tail}`);
    }
    // Slim: package caches, lists, documentation.
    await $`rm -rf ${root}/var/cache/apt/archives/*.deb ${root}/var/lib/apt/lists ${root}/usr/share/doc ${root}/usr/share/man ${root}/usr/share/info ${root}/usr/share/locale`;
    await fs.mkdirp(path.join(root, 'var/lib/apt/lists/partial'));
    await fs.writeFile(path.join(root, 'etc/apt/sources.list'), `deb ${mirror} ${SUITE} main\n`);
    await $`tar --numeric-owner --xattrs -C ${root} -cf ${path.join(out, 'rootfs.tar')} .`;
    await fs.rm(root, { recursive: true, force: true });
  });
  return path.join(dir, 'rootfs.tar');
}

// ---------------------------------------------------------------- images

interface ImageFile {
  /** Path in the image. */
  at: string;
  /** Host file to copy, or literal content. */
  from?: string;
  content?: string;
  mode?: number;
}

/** Assembles a root filesystem (optionally on a base tarball) and `docker import`s it under `tag`. */
async function importImage(tag: string, files: ImageFile[], changes: string[], baseTar?: string): Promise<void> {
  const stage = path.join(outDir, 'work', tag.replace(/[^\w.-]+/g, '_'));
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdirp(stage);
  if (baseTar) await $`tar --numeric-owner --xattrs -xpf ${baseTar} -C ${stage}`;
  for (const d of ['tmp', 'etc', 'etc/ssl/certs']) await fs.mkdirp(path.join(stage, d));
  await fs.chmod(path.join(stage, 'tmp'), 0o1777);
  for (const f of files) {
    const target = path.join(stage, f.at);
    await fs.mkdirp(path.dirname(target));
    if (f.from) await fs.copyFile(f.from, target);
    else await fs.writeFile(target, f.content ?? '');
    await fs.chmod(target, f.mode ?? 0o755);
  }
  const changeArgs = [`LABEL ${IMAGE_BUILD_LABEL}=${hash}`, ...changes].flatMap((c) => ['--change', c]);
  await $`tar --numeric-owner --xattrs -C ${stage} -c . | docker import ${changeArgs} - ${tag}`;
  await fs.rm(stage, { recursive: true, force: true });
}

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CA_FILE: ImageFile = { at: 'etc/ssl/certs/ca-certificates.crt', from: '/etc/ssl/certs/ca-certificates.crt', mode: 0o644 };
const PASSWD: ImageFile = { at: 'etc/passwd', content: 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:10001:10001:nonroot:/home/nonroot:/sbin/nologin\n', mode: 0o644 };
const GROUP: ImageFile = { at: 'etc/group', content: 'root:x:0:\nnonroot:x:10001:\n', mode: 0o644 };

async function buildComponentImages(bin: Record<string, string>, proxyBase: string): Promise<void> {
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const) {
    await importImage(COMPONENT_IMAGES[name], [{ at: `usr/local/bin/${name}`, from: bin[name] }, PASSWD, GROUP], [PATH_ENV, `CMD ["${name}"]`]);
  }
  await importImage(COMPONENT_IMAGES['kube-proxy'], [{ at: 'usr/local/bin/kube-proxy', from: bin['kube-proxy'] }], [PATH_ENV, 'CMD ["kube-proxy"]'], proxyBase);
  await importImage(COMPONENT_IMAGES.coredns, [{ at: 'coredns', from: bin.coredns }, CA_FILE, PASSWD, GROUP], [PATH_ENV, 'EXPOSE 53 53/udp', 'ENTRYPOINT ["/coredns"]']);
  await importImage(COMPONENT_IMAGES.pause, [{ at: 'pause', from: bin.pause }], ['ENTRYPOINT ["/pause"]', 'USER 65535:65535']);
}

/** Where a release's binaries are: the pinned one's here and in the toolchain, the others' in the toolchain's ocm/<version>/. */
function releaseBinary(bin: Record<string, string>, version: string, binary: string): string {
  if (version === versions.ocm) return bin[binary]!;
  const file = path.join(ocmReleaseDir(toolchainDir(), version), 'bin', binary);
  if (!existsSync(file)) throw new Error(`OCM ${version} is not built in the toolchain (${file}): run ./lab setup --ocm ${version} first`);
  return file;
}

async function buildOcmImages(bin: Record<string, string>): Promise<void> {
  for (const version of versions.ocmVersions) {
    const tags = ocmImagesOf(version);
    for (const [index, binary] of Object.values(OCM_IMAGE_BINARIES).entries()) {
      const from = releaseBinary(bin, version, binary);
      await importImage(tags[index]!, [{ at: binary, from }, CA_FILE, PASSWD, GROUP], [PATH_ENV, 'USER 10001', 'WORKDIR /tmp']);
    }
  }
}

async function buildWorkloadImage(bin: Record<string, string>): Promise<void> {
  await importImage(WORKLOAD_IMAGE, [{ at: 'web', from: bin.web }, PASSWD, GROUP], ['USER 10001', 'EXPOSE 8080', 'ENTRYPOINT ["/web"]']);
}

const nodeSource = path.join(imagesSourceDir, 'node');

/** The node root filesystem with our files, imported (no preloaded images yet). */
async function buildNodeBase(bin: Record<string, string>, nodeRootfs: string, baseTag: string): Promise<void> {
  const n = (f: string) => path.join(nodeSource, f);
  await importImage(
    baseTag,
    [
      { at: 'usr/bin/kubeadm', from: bin.kubeadm },
      { at: 'usr/bin/kubelet', from: bin.kubelet },
      { at: 'usr/bin/kubectl', from: bin.kubectl },
      { at: 'usr/local/sbin/runc-oom', from: bin['runc-oom'] },
      { at: 'usr/local/bin/entrypoint', from: n('entrypoint') },
      { at: 'usr/local/bin/dns-relay', from: n('dns-relay') },
      { at: 'etc/systemd/system/dns-relay.service', from: n('dns-relay.service'), mode: 0o644 },
      { at: 'etc/systemd/system/multi-user.target.wants/dns-relay.service', content: '', mode: 0o644 },
      { at: 'etc/systemd/system/kubelet.service', from: n('kubelet.service'), mode: 0o644 },
      { at: 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf', from: n('10-kubeadm.conf'), mode: 0o644 },
      { at: 'etc/systemd/system/multi-user.target.wants/kubelet.service', content: '', mode: 0o644 },
      { at: 'etc/containerd/config.toml', from: n('containerd.toml'), mode: 0o644 },
      { at: 'etc/cni/net.d/10-bridge.conflist', from: n('10-bridge.conflist'), mode: 0o644 },
      { at: 'kind/version', content: `${versions.kubernetes}\n`, mode: 0o644 },
      { at: 'etc/machine-id', content: '', mode: 0o444 },
    ],
    [PATH_ENV, 'ENV container=docker', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]'],
    nodeRootfs,
  );
  // The wants/ entries must be symlinks to the units; systemd ignores empty files there.
  const fix = `FROM ${baseTag}
RUN ln -sf /etc/systemd/system/dns-relay.service /etc/systemd/system/multi-user.target.wants/dns-relay.service \\
 && ln -sf /etc/systemd/system/kubelet.service /etc/systemd/system/multi-user.target.wants/kubelet.service \\
 && ln -sf /lib/systemd/system/containerd.service /etc/systemd/system/multi-user.target.wants/containerd.service \\
 && systemctl mask getty.target systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \\
      sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount systemd-remount-fs.service \\
 && echo 'ShowStatus=yes' >> /etc/systemd/system.conf
`;
  await dockerBuild(baseTag, fix);
}

async function dockerBuild(tag: string, dockerfile: string): Promise<void> {
  const ctx = path.join(outDir, 'work', `ctx-${tag.replace(/[^\w.-]+/g, '_')}`);
  await fs.rm(ctx, { recursive: true, force: true });
  await fs.mkdirp(ctx);
  await fs.writeFile(path.join(ctx, 'Dockerfile'), dockerfile);
  await $({ env: { ...$.env, DOCKER_BUILDKIT: '0' } })`docker build --quiet --tag ${tag} ${ctx}`;
  await fs.rm(ctx, { recursive: true, force: true });
}

/** Starts containerd in a container of the node base, imports `images` into its k8s.io namespace (pinned), commits. */
async function preloadNode(baseTag: string, images: string[]): Promise<void> {
  const name = `ocm-lab-images-preload-${hash}`;
  const committed = `ocm-lab/kind-node-preloaded:${hash}`;
  await $`docker rm -f ${name}`.nothrow().quiet();
  await $`docker run -d --privileged --name ${name} --label ${IMAGE_BUILD_LABEL}=${hash} --entrypoint sleep ${baseTag} infinity`;
  try {
    await $`docker exec -d ${name} sh -c ${'containerd >/var/log/containerd-preload.log 2>&1'}`;
    let ready = false;
    for (let i = 0; i < 60 && !ready; i++) {
      ready = (await $`docker exec ${name} ctr version`.nothrow()).exitCode === 0;
      if (!ready) await new Promise((r) => setTimeout(r, 500));
    }
    if (!ready) throw new Error(`containerd did not start in ${name}: ${(await $`docker exec ${name} cat /var/log/containerd-preload.log`.nothrow()).stdout.slice(-2000)}`);
    await $`docker save ${images} | docker exec -i ${name} ctr --namespace=k8s.io images import --all-platforms --no-unpack -`;
    const listed = (await $`docker exec ${name} ctr --namespace=k8s.io images list --quiet`).stdout.split('\n').filter(Boolean);
    for (const ref of listed) {
      if (ref.startsWith('sha256:')) continue;
      await $`docker exec ${name} ctr --namespace=k8s.io images label ${ref} io.cri-containerd.pinned=pinned`;
    }
    const expected = images.map((i) => ((i.split("/")[0] ?? "").includes(".") ? i : `docker.io/${i}`));
    const absent = expected.filter((i) => !listed.includes(i));
    if (absent.length) throw new Error(`preload is missing ${absent.join(', ')} (containerd has ${listed.join(', ')})`);
    await $`docker exec ${name} sh -c ${'kill $(pidof containerd); while pidof containerd >/dev/null; do sleep 0.2; done; rm -f /var/log/containerd-preload.log'}`;
    await $`docker commit ${name} ${committed}`;
  } finally {
    await $`docker rm -f ${name}`.nothrow().quiet();
  }
  // Run flags of the final image (commit recorded the build container's); STOPSIGNAL needs docker build.
  await dockerBuild(
    NODE_IMAGE,
    `FROM ${committed}
ENV container=docker
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
CMD []
STOPSIGNAL SIGRTMIN+3
LABEL ${IMAGE_BUILD_LABEL}=${hash}
`,
  );
  await $`docker rmi ${committed}`.nothrow();
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root: debootstrap and the node root filesystem need it');
  for (const tool of ['docker', 'go', 'debootstrap', 'tar']) {
    if ((await $`command -v ${tool}`.nothrow()).exitCode !== 0) throw new Error(`${tool} not found on PATH${tool === 'debootstrap' ? ' (apt-get install debootstrap)' : ''}`);
  }
  if ((await $`docker info --format {{.ServerVersion}}`.nothrow()).exitCode !== 0) throw new Error('no Docker engine answers (bash ops/docker/ensure-docker.sh)');
  log(`Go ${(await $`go env GOVERSION`).stdout.trim()}, ${cpus().length} cores; output ${outDir}`);
  await fs.mkdirp(outDir);
  const started = Date.now();

  // debootstrap is mostly network and disk: it runs beside the Go builds (one at a time: they share a .deb cache).
  const [bin, [proxyBase, nodeRootfs]] = await Promise.all([
    buildBinaries(),
    (async () => [await debianRootfs('rootfs-proxy', PROXY_PACKAGES), await debianRootfs('rootfs-node', NODE_PACKAGES)] as const)(),
  ]);

  const componentTags = Object.values(COMPONENT_IMAGES);
  await step('component images', componentTags, () => buildComponentImages(bin, proxyBase));
  await step('ocm images', OCM_IMAGES, () => buildOcmImages(bin));
  await step('workload image', [WORKLOAD_IMAGE], () => buildWorkloadImage(bin));
  const baseTag = `ocm-lab/kind-node-base:${hash}`;
  await step('node base', [baseTag], () => buildNodeBase(bin, nodeRootfs, baseTag));
  const preloaded = [...componentTags, ...OCM_IMAGES, WORKLOAD_IMAGE];
  await step('node image', [NODE_IMAGE], () => preloadNode(baseTag, preloaded));

  // Node bases of earlier inputs are dead weight (the current one shares its layers with the node image).
  for (const tag of (await $`docker images ocm-lab/kind-node-base --format {{.Tag}}`).stdout.split('\n').filter(Boolean)) {
    if (tag !== hash) await $`docker rmi ocm-lab/kind-node-base:${tag}`.nothrow().quiet();
  }
  // So are our images whose tags a rebuild moved to new images.
  const dangling = (await $`docker images --quiet --filter dangling=true --filter label=${IMAGE_BUILD_LABEL}`).stdout.split('\n').filter(Boolean);
  if (dangling.length) await $`docker rmi ${[...new Set(dangling)]}`.nothrow().quiet();

  const marker = path.join(outDir, 'images.json');
  const previous = existsSync(marker) ? ((await fs.readJson(marker)) as { buildSeconds?: Record<string, number> }) : {};
  await fs.writeJson(
    marker,
    {
      hash,
      versions,
      nodeImage: NODE_IMAGE,
      componentImages: componentTags,
      ocmImages: OCM_IMAGES,
      workloadImage: WORKLOAD_IMAGE,
      preloaded,
      builtAt: new Date().toISOString(),
      buildSeconds: { ...previous.buildSeconds, ...timings },
    },
    { spaces: 2 },
  );
  await fs.rm(path.join(outDir, 'work'), { recursive: true, force: true });
  log(`complete in ${Math.round((Date.now() - started) / 1000)}s`);
}

main().catch((error: unknown) => {
  const detail = error instanceof Error ? error.message : String(error);
  const stderr = (error as { stderr?: string }).stderr;
  process.stderr.write(`[images] build failed: ${detail}\n${stderr ? stderr.slice(-4000) : ''}\n`);
  process.exit(1);
});
