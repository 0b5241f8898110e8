import type { LabSpec } from '../config/schema.js';
import { LabError } from '../errors.js';
import { ClusterClient } from '../kube/cluster-client.js';
import type { LabParts } from '../lab/lab-parts.js';
import type { ClusterRecord, StateStore } from '../lab/state.js';
import type { HubInfo } from '../ocm/installer.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import type { Step } from './types.js';

/** A running lab as scenarios see it: named clusters with clients, plus the lab's provider and installer. */
export class ScenarioLab {
  private readonly clients = new Map<string, ClusterClient>();

  constructor(
    readonly spec: LabSpec,
    readonly state: StateStore,
    readonly parts: LabParts,
    readonly toolchain: Toolchain,
  ) {}

  get hubName(): string {
    return this.spec.hub.name;
  }

  cluster(name: string): ClusterRecord {
    const record = this.state.read()?.clusters[name];
    if (!record) throw new LabError(`cluster "${name}" is not part of the lab`, { hint: `clusters: ${Object.keys(this.state.read()?.clusters ?? {}).join(', ')}` });
    return record;
  }

  client(name: string): ClusterClient {
    let client = this.clients.get(name);
    if (!client) {
      const record = this.cluster(name);
      client = new ClusterClient(name, record.kubeconfig);
      this.clients.set(name, client);
    }
    return client;
  }

  hub(): ClusterClient {
    return this.client(this.hubName);
  }

  hubInfo(): HubInfo {
    return this.parts.installer.hubInfo(this.cluster(this.hubName));
  }
}

/** What one step runs with: the lab and the time it has. */
export interface StepContext {
  lab: ScenarioLab;
  timeoutMs: number;
}

/** Runs one operation; resolves with an optional one-line summary for the report. */
export type StepExecutor<S extends Step = Step> = (step: S, ctx: StepContext) => Promise<string | void>;

/** An expectation that did not hold: the message says what differs, where, and after how long. */
export class StepFailure extends LabError {}
