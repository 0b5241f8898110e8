import { readFileSync } from 'node:fs';
import { getContainerRuntimeClient, ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { CommandError, errorMessage } from '../errors.js';
import { run } from '../process/run.js';
import { withTimeout } from '../process/with-timeout.js';

const ENGINE_TIMEOUT_MS = 10_000;
const CLI_TIMEOUT_MS = 10_000;
const PRIVILEGED_TIMEOUT_MS = 20_000;

export interface KindSupport {
  usable: boolean;
  reason: string;
}

/**
 * Whether kind can run here: a reachable Docker engine, the docker CLI kind drives, and privileged
 * containers (kind nodes are privileged). Bounded in time and never throws, so `provider: auto` can ask freely.
 */
export async function detectKindSupport(nodeImage: string): Promise<KindSupport> {
  let engine: ContainerRuntimeClient;
  try {
    engine = await withTimeout(getContainerRuntimeClient(), ENGINE_TIMEOUT_MS, `looking for a Docker engine took longer than ${ENGINE_TIMEOUT_MS / 1000}s`);
  } catch (error) {
    return { usable: false, reason: `no Docker engine reachable (${firstLine(errorMessage(error))})` };
  }
  const where = `Docker engine ${engine.info.containerRuntime.serverVersion} at ${engine.info.containerRuntime.host}`;

  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: CLI_TIMEOUT_MS });
  } catch (error) {
    return { usable: false, reason: `${where} is reachable, but the docker CLI kind runs is not (${failureReason(error, 'is `docker` on PATH?')})` };
  }

  let present: boolean;
  try {
    present = await withTimeout(engine.image.exists(ImageName.fromString(nodeImage)), CLI_TIMEOUT_MS, `inspecting ${nodeImage} took longer than ${CLI_TIMEOUT_MS / 1000}s`);
  } catch (error) {
    return { usable: false, reason: `${where} could not inspect ${nodeImage} (${firstLine(errorMessage(error))})` };
  }
  if (!present) {
    return { usable: true, reason: `${where} is reachable; ${nodeImage} is not present locally, kind will pull it (privileged containers not checked)` };
  }

  try {
    await run('docker', privilegedProbeArgs(nodeImage), { timeoutMs: PRIVILEGED_TIMEOUT_MS });
  } catch (error) {
    return { usable: false, reason: `${where} cannot run privileged containers (${failureReason(error)})` };
  }
  return { usable: true, reason: `${where} runs privileged containers of ${nodeImage}` };
}

/** A privileged container of the node image that exits at once: what every kind node needs. */
export function privilegedProbeArgs(nodeImage: string): string[] {
  return ['run', '--rm', '--privileged', '--entrypoint', 'true', nodeImage];
}

const INOTIFY_LIMITS = [
  { key: 'fs.inotify.max_user_watches', file: '/proc/sys/fs/inotify/max_user_watches', minimum: 524288 },
  { key: 'fs.inotify.max_user_instances', file: '/proc/sys/fs/inotify/max_user_instances', minimum: 512 },
] as const;

/**
 * kind's known issue: several clusters on one host exhaust the default inotify limits and
 * pods fail with "too many open files". Returns one message per limit below kind's recommendation.
 */
export function kindHostLimitsProblems(read: (file: string) => string = (file) => readFileSync(file, 'utf8')): string[] {
  const problems: string[] = [];
  for (const limit of INOTIFY_LIMITS) {
    let value: number;
    try {
      value = Number.parseInt(read(limit.file).trim(), 10);
    } catch {
      continue; // not Linux, or /proc hidden: nothing to check
    }
    if (Number.isNaN(value) || value >= limit.minimum) continue;
    problems.push(
      `${limit.key} is ${value}, kind needs at least ${limit.minimum} for several clusters: ` +
        `sudo sysctl -w ${limit.key}=${limit.minimum} (persist it in /etc/sysctl.d/)`,
    );
  }
  return problems;
}

function failureReason(error: unknown, whenSilent = 'no error output'): string {
  const detail = error instanceof CommandError ? error.stderr : errorMessage(error);
  return firstLine(detail) || whenSilent;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
