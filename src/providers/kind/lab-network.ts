import { errorMessage, LabError } from '../../errors.js';
import { run } from '../../process/run.js';
import { createNetworkArgs, labNetworksArgs, NETWORK_OWNER_LABEL } from './kind-commands.js';

const DOCKER_TIMEOUT_MS = 60_000;

export function inspectNetworksArgs(ids: string[]): string[] {
  return ['network', 'inspect', ...ids];
}

/** IDs of the networks in `docker network inspect` output whose owner label is exactly `owner` (JSON, never split on spaces). */
export function ownedNetworkIds(json: string, owner: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new LabError(`could not read Docker's description of the lab networks (not JSON: ${errorMessage(error)})`, {
      hint: 'check that `docker network inspect` works (docker info), then run the command again',
    });
  }
  if (!Array.isArray(data)) return [];
  return (data as { Id?: unknown; Labels?: Record<string, unknown> | null }[])
    .filter((network) => typeof network?.Id === 'string' && network.Labels?.[NETWORK_OWNER_LABEL] === owner)
    .map((network) => network.Id as string);
}

/**
 * The lab's own Docker network, labelled with its owner (the lab's state dir). Clusters are created in
 * parallel and each needs the network first, so `ensure` makes it once per process: Docker refuses a
 * second `network create` of the same name while the first is still being made.
 */
export class LabNetwork {
  private made?: Promise<void>;

  constructor(
    readonly name: string,
    private readonly owner: string,
  ) {}

  ensure(signal?: AbortSignal): Promise<void> {
    this.made ??= this.make(signal).catch((error: unknown) => {
      this.made = undefined;
      throw error;
    });
    return this.made;
  }

  private async make(signal?: AbortSignal): Promise<void> {
    if ((await this.owned(signal)).length) return;
    await run('docker', createNetworkArgs(this.name, this.owner), { timeoutMs: DOCKER_TIMEOUT_MS, signal });
  }

  /** IDs of every network labelled as this owner's (one, unless something else made more). */
  async owned(signal?: AbortSignal): Promise<string[]> {
    return ownedNetworks(this.owner, signal);
  }

  async remove(signal?: AbortSignal): Promise<void> {
    const networks = await this.owned(signal).catch((): string[] => []);
    this.made = undefined;
    if (networks.length) await run('docker', ['network', 'rm', ...networks], { timeoutMs: DOCKER_TIMEOUT_MS, signal });
  }
}

/** IDs of the networks whose owner label is exactly `owner`, read from `docker network inspect`. */
export async function ownedNetworks(owner: string, signal?: AbortSignal): Promise<string[]> {
  const quick = { timeoutMs: DOCKER_TIMEOUT_MS, signal };
  const ids = (await run('docker', labNetworksArgs(), quick)).split('\n').map((id) => id.trim()).filter(Boolean);
  if (!ids.length) return [];
  return ownedNetworkIds(await run('docker', inspectNetworksArgs(ids), quick), owner);
}
