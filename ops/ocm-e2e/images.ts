// The workload images OCM's e2e suite asks for, built offline into the local Docker engine (no registry answers here):
// - quay.io/asmacdo/busybox (the work specs' Deployment runs `sh -c "sleep 3600"`, their Job `/bin/sh -c "echo …;
//   sleep 10; echo …"`): Debian's static busybox with a link per applet.
// - quay.io/open-cluster-management/addon-examples:latest (the add-on management specs' template add-on runs
//   `/helloworld_helm agent …` and `/helloworld_helm cleanup …` as its container args, no entrypoint): the
//   add-on framework's example at the version the pinned OCM requires, built from the Go module proxy; also tagged
//   quay.io/ocm/addon-examples:latest, the image one spec overrides it with.
// `npm run test:ocm-e2e` and the kind suite's lab load them with kind.extraImages (fixtures/configs/kind.yaml).
// The suite names busybox without a tag, so its pods pull Always: ./preloaded-images.ts makes them use the loaded one.
import { $, fs, path } from 'zx';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { moduleInfo } from '../kubernetes-module.js';
import { loadVersions, toolchainSourceDir } from '../../src/toolchain/versions.js';

export const BUSYBOX_IMAGE = 'quay.io/asmacdo/busybox:latest';
export const ADDON_EXAMPLES_IMAGES = ['quay.io/open-cluster-management/addon-examples:latest', 'quay.io/ocm/addon-examples:latest'];
/** Every image this module builds: what a lab for the suite lists in kind.extraImages. */
export const SUITE_IMAGES = [BUSYBOX_IMAGE, ...ADDON_EXAMPLES_IMAGES];

const ADDON_FRAMEWORK = 'open-cluster-management.io/addon-framework';
const ADDON_EXAMPLE_PACKAGE = `${ADDON_FRAMEWORK}/cmd/example/helloworld_helm`;

const BUILD_LABEL = 'io.ocm-lab.ocm-e2e-images';

async function builtWith(tag: string, key: string): Promise<boolean> {
  const found = await $`docker image inspect --format ${`{{index .Config.Labels "${BUILD_LABEL}"}}`} ${tag}`.nothrow().quiet();
  return found.exitCode === 0 && found.stdout.trim() === key;
}

/** Debian's busybox-static package, unpacked: the one file, /bin/busybox, that the image needs. */
async function debianBusybox(work: string): Promise<string> {
  const debs = path.join(work, 'debs');
  await fs.mkdirp(debs);
  const download = () => $({ cwd: debs })`apt-get download -o APT::Sandbox::User=root busybox-static`.nothrow();
  if ((await download()).exitCode !== 0) {
    await $`apt-get update -qq`;
    await $({ cwd: debs })`apt-get download -o APT::Sandbox::User=root busybox-static`;
  }
  const deb = ((await fs.readdir(debs)) as string[]).find((f) => f.startsWith('busybox-static_') && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download busybox-static left no package in ${debs}`);
  const root = path.join(work, 'deb-root');
  await $`dpkg-deb -x ${path.join(debs, deb)} ${root}`;
  const binary = ['bin/busybox', 'usr/bin/busybox'].map((f) => path.join(root, f)).find(existsSync);
  if (!binary) throw new Error(`${deb} holds no busybox binary`);
  return binary;
}

/** A root filesystem folder, `docker import`ed with the given Dockerfile-style changes and our build label. */
async function importFolder(tag: string, root: string, key: string, changes: string[]): Promise<void> {
  const changeArgs = [`LABEL ${BUILD_LABEL}=${key}`, ...changes].flatMap((c) => ['--change', c]);
  await $`tar --numeric-owner -C ${root} -c . | docker import ${changeArgs} - ${tag}`;
}

async function buildBusybox(work: string, key: string): Promise<void> {
  const binary = await debianBusybox(work);
  const root = path.join(work, 'busybox-root');
  await fs.mkdirp(path.join(root, 'bin'));
  await fs.mkdirp(path.join(root, 'tmp'));
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await fs.copyFile(binary, path.join(root, 'bin', 'busybox'));
  await fs.chmod(path.join(root, 'bin', 'busybox'), 0o755);
  const applets = (await $`${binary} --list`).stdout.split('\n').filter((a) => a && a !== 'busybox');
  for (const applet of applets) await fs.symlink('busybox', path.join(root, 'bin', applet));
  await importFolder(BUSYBOX_IMAGE, root, key, ['ENV PATH=/bin', 'CMD ["sh"]']);
}

/** The add-on framework release the pinned OCM requires (its go.mod): the one whose example its e2e suite runs. */
async function addonFrameworkVersion(): Promise<string> {
  const ocm = await moduleInfo(`open-cluster-management.io/ocm@${loadVersions().ocm}`);
  const version = (await fs.readFile(ocm.GoMod, 'utf8')).match(/^\s*open-cluster-management\.io\/addon-framework\s+(v\S+)/m)?.[1];
  if (!version) throw new Error(`${ocm.GoMod} does not require ${ADDON_FRAMEWORK}`);
  return version;
}

/** Through a wrapper module that requires only the framework; go.sum seeded from the framework's own (a verified zip). */
async function buildAddonExamples(work: string, key: string): Promise<void> {
  const version = await addonFrameworkVersion();
  const upstream = await moduleInfo(`${ADDON_FRAMEWORK}@${version}`);
  const module = path.join(work, 'module');
  await fs.mkdirp(module);
  await fs.writeFile(path.join(module, 'go.mod'), `module ocm-lab.local/addon-examples\n\ngo ${loadVersions().go}\n\nrequire ${ADDON_FRAMEWORK} ${version}\n`);
  await fs.writeFile(path.join(module, 'go.sum'), await fs.readFile(path.join(upstream.Dir, 'go.sum'), 'utf8'));
  const root = path.join(work, 'root');
  await fs.mkdirp(path.join(root, 'tmp'));
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await $({ cwd: module, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -trimpath', GOTOOLCHAIN: 'local' } })`go build -ldflags=${'-s -w'} -o ${path.join(root, 'helloworld_helm')} ${ADDON_EXAMPLE_PACKAGE}`;
  await fs.mkdirp(path.join(root, 'etc/ssl/certs'));
  await fs.copyFile('/etc/ssl/certs/ca-certificates.crt', path.join(root, 'etc/ssl/certs/ca-certificates.crt'));
  await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\n');
  await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
  const [tag, ...aliases] = ADDON_EXAMPLES_IMAGES;
  await importFolder(tag!, root, key, ['ENV PATH=/']);
  for (const alias of aliases) await $`docker tag ${tag} ${alias}`;
}

/** Builds each image unless Docker holds it from a build of this very file and the same pinned versions. */
export async function buildSuiteImages(workRoot: string, log: (message: string) => void): Promise<void> {
  const key = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(path.join(toolchainSourceDir, 'versions.json')))
    .digest('hex')
    .slice(0, 12);
  const builds: [string[], (work: string, key: string) => Promise<void>][] = [
    [[BUSYBOX_IMAGE], buildBusybox],
    [ADDON_EXAMPLES_IMAGES, buildAddonExamples],
  ];
  for (const [images, build] of builds) {
    if ((await Promise.all(images.map((image) => builtWith(image, key)))).every(Boolean)) {
      log(`${images.join(', ')}: cached`);
      continue;
    }
    const work = path.join(workRoot, images[0]!.replace(/[^\w.-]+/g, '_'));
    await fs.rm(work, { recursive: true, force: true });
    const started = Date.now();
    await build(work, key);
    await fs.rm(work, { recursive: true, force: true });
    log(`${images.join(', ')}: built in ${Math.round((Date.now() - started) / 1000)}s`);
  }
}
