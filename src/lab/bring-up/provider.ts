import { clusterNames } from '../../config/schema.js';
import { managedClustersProblem } from '../../config/schema-lab-config.js';
import { UsageError } from '../../errors.js';
import { chooseProvider } from '../../providers/select.js';
import { labParts } from '../lab-parts.js';
import { newState } from '../state.js';
import type { StepAction } from './action.js';

/** The lab's provider: the one it was made with, or (a new lab) the one the config names or `auto` finds. */
export const providerAction: StepAction = {
  id: 'provider',
  title: 'Provider',
  async run(ctx) {
    const { spec, state, signal } = ctx;
    const existing = state.read();
    const choice = existing
      ? { name: existing.provider, record: existing.providerRecord, reason: 'lab already exists' }
      : await chooseProvider(spec, undefined, signal).then(({ entry, record, reason }) => ({ name: entry.name, record, reason }));
    // The config could only check `auto` against the larger bound; the chosen provider's own applies now.
    const tooMany = managedClustersProblem(choice.name, spec.managedClusters.length);
    if (tooMany) throw new UsageError(`managedClusters: ${tooMany}`, `provider ${choice.name} was chosen (${choice.reason}); name provider: local, or list fewer clusters`);
    const parts = labParts(choice.name, spec, state.root, ctx.tools, choice.record);
    // A name another lab (or a cluster of nobody's) holds is refused before anything of this lab is made.
    await parts.provider.refuseTakenNames?.(clusterNames(spec), { signal });
    if (!existing) state.write(newState(spec, choice.name, choice.record));
    ctx.parts = parts;
    ctx.provider = { name: choice.name, reason: choice.reason };
    return `Provider: ${choice.name} (${choice.reason})`;
  },
};
