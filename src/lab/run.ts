import type { LabSpec } from '../config/schema.js';
import type { CoreOptions } from '../core/progress.js';
import type { RunResult } from '../report/types.js';
import { checkCapabilities } from '../scenario/capabilities.js';
import { runScenarios, type RunOptions } from '../scenario/runner.js';
import type { Scenario } from '../scenario/types.js';
import type { ProviderKind } from '../providers/provider.js';
import { capabilitiesOf } from './lab-parts.js';
import { withLabLock } from './lock.js';
import { labStore, openLab } from './open-lab.js';
import { LabScenarioAccess } from './scenario-access.js';
import { upLocked, type UpResult } from './up.js';

/**
 * Rejects (exit 2, at file:line) the scenarios whose steps the lab cannot do: the provider of the lab
 * that is up, else the one the config names. With `provider: auto` and no lab up, the provider is not
 * known yet; returns which provider was checked.
 */
export function validateForLab(spec: LabSpec, scenarios: Scenario[]): ProviderKind | undefined {
  const provider = labStore(spec).tryRead()?.provider ?? (spec.provider === 'auto' ? undefined : spec.provider);
  if (provider) checkCapabilities(scenarios, capabilitiesOf(provider, spec));
  return provider;
}

/** `./lab run`: holds the lab's lock while scenarios start and stop its agents and control planes. */
export async function run(spec: LabSpec, scenarios: Scenario[], options: RunOptions): Promise<RunResult> {
  const lab = new LabScenarioAccess(openLab(spec));
  checkCapabilities(scenarios, lab.capabilities);
  return withLabLock(labStore(spec).root, 'run', () => runScenarios(scenarios, lab, options));
}

/** `./lab demo`: up, then the tour, under one lock so nothing runs in between. */
export async function demo(spec: LabSpec, tour: Scenario[], options: RunOptions & CoreOptions): Promise<{ up: UpResult; run: RunResult }> {
  const state = labStore(spec);
  return withLabLock(state.root, 'demo', async () => {
    const upResult = await upLocked(spec, state, options);
    const lab = new LabScenarioAccess(openLab(spec));
    checkCapabilities(tour, lab.capabilities);
    return { up: upResult, run: await runScenarios(tour, lab, options) };
  });
}
