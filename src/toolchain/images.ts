import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { LabError } from '../errors.js';
import { runBuildScript } from './build-script.js';
import { repoRoot } from '../repo-root.js';
import { loadVersions, toolchainSourceDir } from './versions.js';

/** ops/images: the image build script and everything it puts into images. */
export const imagesSourceDir = join(repoRoot(), 'ops', 'images');

const pinned = loadVersions();

/**
 * Kubernetes component images at the tags kubeadm asks for (`kubeadm config images list`): the control plane at
 * the pinned Kubernetes version; etcd, CoreDNS and pause at the tags that kubeadm release pins itself.
 */
export const COMPONENT_IMAGES = {
  'kube-apiserver': `registry.k8s.io/kube-apiserver:${pinned.kubernetes}`,
  'kube-controller-manager': `registry.k8s.io/kube-controller-manager:${pinned.kubernetes}`,
  'kube-scheduler': `registry.k8s.io/kube-scheduler:${pinned.kubernetes}`,
  'kube-proxy': `registry.k8s.io/kube-proxy:${pinned.kubernetes}`,
  etcd: 'registry.k8s.io/etcd:3.6.8-0',
  coredns: 'registry.k8s.io/coredns/coredns:v1.14.2',
  pause: 'registry.k8s.io/pause:3.10.2',
} as const;

/** OCM's images and the binary each runs. */
export const OCM_IMAGE_BINARIES = { 'registration-operator': 'registration-operator', registration: 'registration', work: 'work', placement: 'placement', 'addon-manager': 'addon' } as const;

/** The images one OCM release deploys (its operators' defaults, and clusteradm's with `--bundle-version`). */
export function ocmImagesOf(version: string): string[] {
  return Object.keys(OCM_IMAGE_BINARIES).map((name) => `quay.io/open-cluster-management/${name}:${version}`);
}

/** The images of every release a lab can run or upgrade between: the node image holds them all. */
export const OCM_IMAGES = pinned.ocmVersions.flatMap(ocmImagesOf);

/** The scenarios' HTTP workload (200 "ok" on :8080, /healthz included). */
export const WORKLOAD_IMAGE = 'ocm-lab/web:1';

/** The kind node image, with every image above preloaded into containerd. */
export const NODE_IMAGE = `ocm-lab/kind-node:${pinned.kubernetes}`;

/** Label on images and build containers carrying the inputs hash. */
export const IMAGE_BUILD_LABEL = 'io.ocm-lab.images';

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

/** Files under ops/images/ that document or test the images without going into them. */
const NOT_INPUTS = new Set(['README.md', 'kind-config.yaml', 'verify.sh', 'ensure-build-tools.sh']);

/** Hash of what decides the images: versions.json and every file under ops/images/ but NOT_INPUTS. */
export function imagesHash(): string {
  const hash = createHash('sha256');
  const files = [join(toolchainSourceDir, 'versions.json'), ...listFiles(imagesSourceDir).filter((f) => !NOT_INPUTS.has(relative(imagesSourceDir, f)))];
  for (const file of files) hash.update(relative(repoRoot(), file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/** Key of an intermediate part (Go binaries, Debian root filesystems) from its own inputs. */
export function partKey(inputs: unknown): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 12);
}

export function imagesCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OCM_LAB_IMAGES_CACHE) return resolve(env.OCM_LAB_IMAGES_CACHE);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'ocm-lab', 'images');
}

/** ~/.cache/ocm-lab/images/<hash>: the build marker (images.json) of the current inputs. */
export function imagesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(imagesCacheRoot(env), imagesHash());
}

export interface BuiltImages {
  dir: string;
  nodeImage: string;
  ocmImages: string[];
  workloadImage: string;
}

function dockerHasImage(ref: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** The built images of the current inputs, or undefined unless the marker exists and Docker has every image. */
export function findImages(env: NodeJS.ProcessEnv = process.env): BuiltImages | undefined {
  const dir = imagesDir(env);
  const marker = join(dir, 'images.json');
  if (!existsSync(marker)) return undefined;
  const built = JSON.parse(readFileSync(marker, 'utf8')) as Partial<BuiltImages> & { componentImages?: string[] };
  if (!built.nodeImage || !built.workloadImage || !Array.isArray(built.ocmImages)) return undefined;
  const all = [built.nodeImage, built.workloadImage, ...built.ocmImages, ...(built.componentImages ?? [])];
  if (!all.every(dockerHasImage)) return undefined;
  return { dir, nodeImage: built.nodeImage, ocmImages: built.ocmImages, workloadImage: built.workloadImage };
}

/** Runs the zx image build script, streaming its progress lines. Resumes an interrupted build. */
export async function buildImages(onLine: (line: string) => void, signal?: AbortSignal): Promise<BuiltImages> {
  const script = join(imagesSourceDir, 'build.ts');
  const result = await runBuildScript(script, 'images', onLine, signal);
  if (result.exitCode !== 0) {
    throw new LabError(`image build failed (exit ${result.exitCode}):\n${result.tail.join('\n')}`, {
      hint: 'the build needs root, a Docker engine, debootstrap and the toolchain (./lab setup); run it again, it resumes',
    });
  }
  const images = findImages();
  if (!images) throw new LabError('image build finished but some images are missing', { hint: 'run the image build again' });
  return images;
}
