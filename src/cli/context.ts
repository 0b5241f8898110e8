import { loadConfig } from '../config/load.js';
import type { LabSpec } from '../config/schema.js';
import { LabError } from '../errors.js';
import { labParts, type LabParts } from '../lab/lab-parts.js';
import { StateStore, stateRoot } from '../lab/state.js';
import { requireToolchain } from '../toolchain/toolchain.js';
import type { GlobalOptions } from './options.js';

export interface LabHandle {
  spec: LabSpec;
  state: StateStore;
}

export function openLab(options: GlobalOptions): LabHandle {
  const spec = loadConfig(options.config);
  return { spec, state: new StateStore(stateRoot(spec)) };
}

/** The lab as `./lab up` left it; a clear error when there is none. */
export function requireExistingLab(options: GlobalOptions): LabHandle & { parts: LabParts } {
  const lab = openLab(options);
  const recorded = lab.state.read();
  if (!recorded) {
    throw new LabError(`no lab "${lab.spec.name}" is up (no state in ${lab.state.root})`, { hint: './lab up creates it' });
  }
  return { ...lab, parts: labParts(recorded.provider, lab.spec, lab.state, requireToolchain()) };
}
