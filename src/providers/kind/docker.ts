import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { errorMessage } from '../../errors.js';

/** The script that makes a Docker engine run kind's privileged nodes on this kind of machine. */
export const ENSURE_DOCKER = 'bash ops/docker/ensure-docker.sh';
/** A tiny local image ensure-docker.sh builds (there is no registry to pull one from): the privileged probe's fallback. */
export const PROBE_IMAGE = 'ocm-lab/probe:1';
/** The runc wrapper ensure-docker.sh makes dockerd's default runtime where the host refuses CAP_SYS_RESOURCE. */
export const ADAPTED_RUNTIME = 'ocm-lab-runc';

const CLI_TIMEOUT_MS = 10_000;
// Asking a registry for a manifest is quick where one answers; an offline host must not stall `provider: auto`.
const PULLABLE_TIMEOUT_MS = 5_000;
const PRIVILEGED_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// The docker CLI: kind drives it, so its view of the engine (DOCKER_HOST, contexts) is the one that counts.

export interface CliAnswer {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The docker program itself could not be started. */
  notFound: boolean;
}

export type DockerCli = (args: string[], timeoutMs: number) => Promise<CliAnswer>;

export const dockerCli: DockerCli = async (args, timeoutMs) => {
  const result = await execa('docker', args, { reject: false, timeout: timeoutMs, stdin: 'ignore' });
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: result.timedOut,
    notFound: (result as { code?: string }).code === 'ENOENT',
  };
};

// ---------------------------------------------------------------------------------------------
// Probes: one question each, answered without throwing.

export type EngineAnswer =
  | { state: 'answers'; version: string; endpoint: string }
  | { state: 'no-cli'; detail: string }
  | { state: 'no-engine'; detail: string };

export type ImagePresence = { state: 'present' } | { state: 'absent' } | { state: 'unknown'; detail: string };

export type Pullability = { pullable: true } | { pullable: false; detail: string };

export type PrivilegedRun = { works: true; note?: string } | { works: false; capsRefused: boolean; detail: string };

export interface DockerProbes {
  engine(): Promise<EngineAnswer>;
  imagePresence(image: string): Promise<ImagePresence>;
  /** Whether a registry serves the image's manifest: asked without pulling anything. */
  pullability(image: string): Promise<Pullability>;
  /** Tagged images in the engine's local store. */
  localImages(): Promise<string[]>;
  runPrivileged(image: string): Promise<PrivilegedRun>;
  defaultRuntime(): Promise<string | undefined>;
}

/** A privileged container that exits at once: what every kind node needs. */
export function privilegedProbeArgs(image: string): string[] {
  return ['run', '--rm', '--privileged', '--entrypoint', 'true', image];
}

export function dockerProbes(cli: DockerCli = dockerCli): DockerProbes {
  return {
    async engine() {
      const [version, context] = await Promise.all([
        cli(['version', '--format', '{{json .}}'], CLI_TIMEOUT_MS),
        cli(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], CLI_TIMEOUT_MS),
      ]);
      if (version.notFound) return { state: 'no-cli', detail: '`docker` is not on PATH' };
      const serverVersion = parseServerVersion(version.stdout);
      if (version.exitCode !== 0 || !serverVersion) {
        if (version.timedOut) return { state: 'no-engine', detail: `the engine did not answer within ${CLI_TIMEOUT_MS / 1000}s` };
        if (version.exitCode === 126) return { state: 'no-cli', detail: failureDetail(version) }; // found but not executable
        return { state: 'no-engine', detail: failureDetail(version) };
      }
      const endpoint = context.exitCode === 0 ? context.stdout.trim() : '';
      return { state: 'answers', version: serverVersion, endpoint: endpoint || process.env.DOCKER_HOST || 'the default endpoint' };
    },

    async imagePresence(image) {
      const answer = await cli(['image', 'inspect', '--format', '{{.Id}}', image], CLI_TIMEOUT_MS);
      if (answer.exitCode === 0) return { state: 'present' };
      if (/no such image/i.test(answer.stderr)) return { state: 'absent' };
      return { state: 'unknown', detail: failureDetail(answer) };
    },

    async pullability(image) {
      const answer = await cli(['manifest', 'inspect', image], PULLABLE_TIMEOUT_MS);
      if (answer.exitCode === 0) return { pullable: true };
      if (answer.timedOut) return { pullable: false, detail: `its registry did not answer within ${PULLABLE_TIMEOUT_MS / 1000}s` };
      return { pullable: false, detail: failureDetail(answer) };
    },

    async localImages() {
      const answer = await cli(['images', '--format', '{{.Repository}}:{{.Tag}}'], CLI_TIMEOUT_MS);
      if (answer.exitCode !== 0) return [];
      return answer.stdout.split('\n').map((line) => line.trim()).filter((ref) => ref && !ref.includes('<none>'));
    },

    async runPrivileged(image) {
      return classifyPrivilegedRun(await cli(privilegedProbeArgs(image), PRIVILEGED_TIMEOUT_MS));
    },

    async defaultRuntime() {
      const answer = await cli(['info', '--format', '{{.DefaultRuntime}}'], CLI_TIMEOUT_MS);
      return answer.exitCode === 0 && answer.stdout.trim() ? answer.stdout.trim() : undefined;
    },
  };
}

export function classifyPrivilegedRun(answer: CliAnswer): PrivilegedRun {
  if (answer.exitCode === 0) return { works: true };
  // runc applies capabilities before it looks up the program, so a missing `true` means privileged set-up worked.
  if (/executable file not found/.test(answer.stderr)) return { works: true, note: 'the image has no `true`, but the privileged container started' };
  if (answer.timedOut) return { works: false, capsRefused: false, detail: `it did not finish within ${PRIVILEGED_TIMEOUT_MS / 1000}s` };
  if (/unable to apply caps/.test(answer.stderr)) {
    return { works: false, capsRefused: true, detail: 'unable to apply caps: the host refuses a capability (CAP_SYS_RESOURCE) and the runtime adaptation is missing' };
  }
  return { works: false, capsRefused: false, detail: failureDetail(answer) };
}

function parseServerVersion(stdout: string): string | undefined {
  try {
    return (JSON.parse(stdout) as { Server?: { Version?: string } | null }).Server?.Version || undefined;
  } catch {
    return undefined;
  }
}

function failureDetail(answer: CliAnswer): string {
  const line = answer.stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return line ?? (answer.timedOut ? 'timed out' : `exit code ${answer.exitCode ?? 'unknown'}, no error output`);
}

// ---------------------------------------------------------------------------------------------
// Can kind run here? Every condition, in the order each depends on the one before.

export type KindConditionName = 'docker CLI' | 'docker engine' | 'node image' | 'privileged containers';

export interface KindCondition {
  name: KindConditionName;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface KindSupport {
  usable: boolean;
  /** One line: what was verified, or the first condition that failed. */
  reason: string;
  /** The fix for the failed condition. */
  fix?: string;
  conditions: KindCondition[];
}

export interface DetectOptions {
  probes?: DockerProbes;
  /** Check every condition that can still be checked after one fails (doctor), not just up to the first failure (auto). */
  exhaustive?: boolean;
}

/**
 * Whether kind can run here: the docker CLI works and an engine answers it, the node image is present
 * locally or its registry serves it, and a privileged container really runs. Bounded in time and never
 * throws, so `provider: auto` can ask freely.
 */
export async function detectKindSupport(nodeImage: string, options: DetectOptions = {}): Promise<KindSupport> {
  const conditions: KindCondition[] = [];
  try {
    await checkConditions(nodeImage, options.probes ?? dockerProbes(), conditions, options.exhaustive ?? false);
  } catch (error) {
    conditions.push({ name: 'docker engine', ok: false, detail: `checking Docker failed: ${errorMessage(error).split('\n')[0]}`, fix: ENSURE_DOCKER });
  }
  const failed = conditions.find((c) => !c.ok);
  if (failed) return { usable: false, reason: failed.detail, fix: failed.fix, conditions };
  return { usable: true, reason: conditions.map((c) => c.detail).slice(1).join('; '), conditions };
}

async function checkConditions(nodeImage: string, probes: DockerProbes, conditions: KindCondition[], exhaustive: boolean): Promise<void> {
  const engine = await probes.engine();
  if (engine.state === 'no-cli') {
    conditions.push({ name: 'docker CLI', ok: false, detail: `the docker CLI kind drives does not work (${engine.detail})`, fix: `${ENSURE_DOCKER} (installs Debian's docker.io)` });
    return;
  }
  conditions.push({ name: 'docker CLI', ok: true, detail: 'docker CLI works' });
  if (engine.state === 'no-engine') {
    conditions.push({ name: 'docker engine', ok: false, detail: `no Docker engine reachable (${engine.detail})`, fix: `${ENSURE_DOCKER} (as root: installs and starts dockerd)` });
    return;
  }
  conditions.push({ name: 'docker engine', ok: true, detail: `Docker engine ${engine.version} at ${engine.endpoint}` });

  const image = await checkNodeImage(nodeImage, probes);
  conditions.push(image.condition);
  if (!image.condition.ok && !exhaustive) return;

  conditions.push(await checkPrivileged(image.present ? nodeImage : undefined, probes));
}

async function checkNodeImage(nodeImage: string, probes: DockerProbes): Promise<{ present: boolean; condition: KindCondition }> {
  const loadFix = `build the kind images offline: ./lab setup --kind (as root; installs nothing: needs Docker and debootstrap, see bash ops/images/ensure-build-tools.sh), or docker load -i <file> of ${nodeImage}`;
  const presence = await probes.imagePresence(nodeImage);
  if (presence.state === 'present') return { present: true, condition: { name: 'node image', ok: true, detail: `node image ${nodeImage} present locally` } };
  if (presence.state === 'unknown') {
    return { present: false, condition: { name: 'node image', ok: false, detail: `node image ${nodeImage} could not be inspected (${presence.detail})`, fix: loadFix } };
  }
  const pull = await probes.pullability(nodeImage);
  return pull.pullable
    ? { present: false, condition: { name: 'node image', ok: true, detail: `node image ${nodeImage} not present locally, but its registry serves it (kind will pull it)` } }
    : { present: false, condition: { name: 'node image', ok: false, detail: `node image ${nodeImage} is not present locally and cannot be pulled (${pull.detail})`, fix: loadFix } };
}

/** Probes with the node image when it is present, else with a local image (ours first): kind's nodes run privileged. */
async function checkPrivileged(nodeImage: string | undefined, probes: DockerProbes): Promise<KindCondition> {
  const fix = `${ENSURE_DOCKER} (as root: configures the runtime adaptation where the host refuses CAP_SYS_RESOURCE)`;
  const image = nodeImage ?? pickProbeImage(await probes.localImages());
  if (!image) {
    return {
      name: 'privileged containers',
      ok: false,
      detail: `privileged containers unverified: no local image to probe with (${PROBE_IMAGE} is built by ${ENSURE_DOCKER})`,
      fix,
    };
  }
  const run = await probes.runPrivileged(image);
  if (!run.works) return { name: 'privileged containers', ok: false, detail: `privileged containers fail (${run.detail})`, fix };
  return { name: 'privileged containers', ok: true, detail: `privileged containers run (probed with ${image}${run.note ? `: ${run.note}` : ''})` };
}

export function pickProbeImage(localImages: string[]): string | undefined {
  return localImages.includes(PROBE_IMAGE) ? PROBE_IMAGE : localImages[0];
}

// ---------------------------------------------------------------------------------------------
// The host side: what doctor reports beside the engine's answers.

const CAP_SYS_RESOURCE = 24n;

/**
 * Whether this host's capability bounding set lacks CAP_SYS_RESOURCE, so runc cannot grant it to a
 * privileged container; undefined where /proc cannot tell.
 */
export function hostRefusesSysResource(readStatus: () => string = () => readFileSync('/proc/self/status', 'utf8')): boolean | undefined {
  try {
    const hex = /^CapBnd:\s*([0-9a-f]+)\s*$/im.exec(readStatus())?.[1];
    return hex === undefined ? undefined : ((BigInt(`0x${hex}`) >> CAP_SYS_RESOURCE) & 1n) === 0n;
  } catch {
    return undefined;
  }
}

export interface RuntimeAdaptation {
  ok: boolean;
  detail: string;
}

/** Whether the runtime adaptation of shared/KIND.md is in place where this host needs it. */
export function assessRuntimeAdaptation(facts: { hostRefuses: boolean | undefined; defaultRuntime: string | undefined; privilegedWorks: boolean | undefined }): RuntimeAdaptation {
  if (facts.hostRefuses === false) return { ok: true, detail: 'not needed: the host grants CAP_SYS_RESOURCE' };
  if (facts.defaultRuntime === ADAPTED_RUNTIME) return { ok: true, detail: `default runtime ${ADAPTED_RUNTIME} drops CAP_SYS_RESOURCE, which this host refuses` };
  if (facts.defaultRuntime === undefined) {
    return { ok: false, detail: `${facts.hostRefuses ? 'needed (the host refuses CAP_SYS_RESOURCE)' : 'may be needed'}, but no engine answered to say which runtime it uses` };
  }
  if (facts.privilegedWorks) return { ok: true, detail: `default runtime ${facts.defaultRuntime} runs privileged containers` };
  return {
    ok: false,
    detail: `${facts.hostRefuses ? 'needed: the host refuses CAP_SYS_RESOURCE' : 'privileged containers fail'}, and the default runtime is ${facts.defaultRuntime}, not ${ADAPTED_RUNTIME}`,
  };
}

const INOTIFY_LIMITS = [
  { key: 'fs.inotify.max_user_watches', file: '/proc/sys/fs/inotify/max_user_watches', minimum: 524288 },
  { key: 'fs.inotify.max_user_instances', file: '/proc/sys/fs/inotify/max_user_instances', minimum: 512 },
] as const;

export interface HostLimitProblem {
  /** What is wrong, e.g. "fs.inotify.max_user_watches is 8192, kind needs at least 524288 for several clusters". */
  problem: string;
  fix: string;
}

/**
 * kind's known issue: several clusters on one host exhaust the default inotify limits and
 * pods fail with "too many open files". One entry per limit below kind's recommendation.
 */
export function kindHostLimits(read: (file: string) => string = (file) => readFileSync(file, 'utf8')): HostLimitProblem[] {
  const problems: HostLimitProblem[] = [];
  for (const limit of INOTIFY_LIMITS) {
    let value: number;
    try {
      value = Number.parseInt(read(limit.file).trim(), 10);
    } catch {
      continue; // not Linux, or /proc hidden: nothing to check
    }
    if (Number.isNaN(value) || value >= limit.minimum) continue;
    problems.push({
      problem: `${limit.key} is ${value}, kind needs at least ${limit.minimum} for several clusters`,
      fix: `sudo sysctl -w ${limit.key}=${limit.minimum} (persist it in /etc/sysctl.d/)`,
    });
  }
  return problems;
}

/** kindHostLimits as one message per limit, fix included. */
export function kindHostLimitsProblems(read?: (file: string) => string): string[] {
  return kindHostLimits(read).map(({ problem, fix }) => `${problem}: ${fix}`);
}
