import type { OPERATIONS, StepOf } from './operations/registry.js';

/** A scenario file, validated: what `./lab run` executes. */
export interface Scenario {
  name: string;
  labels: Record<string, string>;
  /** Absolute path of the file (paths in steps resolve against its folder). */
  file: string;
  timeoutMs: number;
  steps: Step[];
  cleanup: Step[];
}

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
};

/** Where a step sits in its file, for messages. */
export interface SourceRef {
  file: string;
  line: number;
}

/** What every step has, whatever its operation. */
export interface StepBase {
  name: string;
  timeoutMs?: number;
  source: SourceRef;
}

/** A step of any operation: each operation module (src/scenario/operations/) declares its own. */
export type Step = StepOf<(typeof OPERATIONS)[number]>;

export type StepOp = Step['op'];
