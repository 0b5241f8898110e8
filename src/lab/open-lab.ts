import type { LabSpec } from '../config/schema.js';
import { LabError } from '../errors.js';
import { requireToolchain, type Toolchain } from '../toolchain/toolchain.js';
import { labParts, type LabParts } from './lab-parts.js';
import { StateStore, stateRoot, type LabState } from './state.js';

/** A lab that `up` has made: its spec, state, provider and installer. */
export interface OpenLab {
  spec: LabSpec;
  state: StateStore;
  recorded: LabState;
  parts: LabParts;
  toolchain: Toolchain;
}

export function labStore(spec: LabSpec): StateStore {
  return new StateStore(stateRoot(spec), spec);
}

/** The lab as `./lab up` left it; a clear error when there is none. */
export function openLab(spec: LabSpec): OpenLab {
  const state = labStore(spec);
  const recorded = state.read();
  if (!recorded) throw new LabError(`no lab "${spec.name}" is up (no state in ${state.root})`, { hint: './lab up creates it' });
  const toolchain = requireToolchain();
  return { spec, state, recorded, parts: labParts(recorded.provider, spec, state.root, toolchain, recorded.providerRecord), toolchain };
}
