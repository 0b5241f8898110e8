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

interface StepBase {
  name: string;
  timeoutMs?: number;
  source: SourceRef;
}

export type Step =
  | (StepBase & { op: 'apply'; cluster: string; objects: KubeObject[]; expectError?: string })
  | (StepBase & { op: 'assert'; cluster: string; object: KubeObject })
  | (StepBase & { op: 'absent'; cluster: string; object: KubeObject })
  | (StepBase & { op: 'delete'; cluster: string; objects: KubeObject[] })
  | (StepBase & { op: 'work'; workName: string; to?: string; placement?: string; manifests: KubeObject[] })
  | (StepBase & { op: 'label'; cluster: string; labels: Record<string, string | null> })
  | (StepBase & { op: 'clusterset'; setName: string; clusters: string[]; bind: string[] })
  | (StepBase & { op: 'accept'; cluster: string })
  | (StepBase & { op: 'join'; cluster: string })
  | (StepBase & { op: 'fault'; cluster: string; action: 'stop' | 'start'; target: 'controlPlane' | 'agent' })
  | (StepBase & { op: 'script'; cluster?: string; run: string; expectExitCode: number; expectOutput?: string })
  | (StepBase & { op: 'sleep'; durationMs: number });

export type StepOp = Step['op'];
