import { run } from '../../process/run.js';
import { createNetworkArgs, ownedNetworksArgs } from './kind-commands.js';

const DOCKER_TIMEOUT_MS = 60_000;

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
    return (await run('docker', ownedNetworksArgs(this.owner), { timeoutMs: DOCKER_TIMEOUT_MS, signal })).split('\n').filter(Boolean);
  }

  async remove(signal?: AbortSignal): Promise<void> {
    const networks = await this.owned(signal).catch((): string[] => []);
    this.made = undefined;
    if (networks.length) await run('docker', ['network', 'rm', ...networks], { timeoutMs: DOCKER_TIMEOUT_MS, signal });
  }
}
