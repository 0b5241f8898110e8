import { dirname } from 'node:path';
import { z } from 'zod';
import { integerBetween, nonEmptyString } from '../../config/schema-fields.js';
import { CancelledError } from '../../process/abort.js';
import { formatDuration } from '../duration.js';
import { StepFailure, type ScenarioLab } from '../step-context.js';
import type { StepBase } from '../types.js';
import { defineOperation } from './operation.js';
import { runInOwnGroup } from './process-group.js';

export interface ScriptStep extends StepBase {
  op: 'script';
  cluster?: string;
  run: string;
  expectExitCode: number;
  expectOutput?: string;
}

export function scriptEnv(lab: ScenarioLab, cluster?: string): Record<string, string> {
  const env: Record<string, string> = {
    LAB_NAME: lab.name,
    LAB_HUB: lab.hubName,
    LAB_STATE_DIR: lab.stateDir,
    LAB_MANAGED_CLUSTERS: lab.managedClusters.join(' '),
    PATH: `${dirname(lab.tool('kubectl'))}:${process.env.PATH ?? ''}`,
    KUBECONFIG: lab.cluster(cluster ?? lab.hubName).kubeconfigEnv,
  };
  for (const { name, kubeconfigEnv } of lab.clusters()) {
    env[`LAB_KUBECONFIG_${name.toUpperCase().replaceAll('-', '_')}`] = kubeconfigEnv;
  }
  return env;
}

export const scriptOperation = defineOperation<ScriptStep>({
  name: 'script',
  schema: ({ anyCluster }) =>
    z
      .strictObject({
        cluster: anyCluster.optional(),
        run: nonEmptyString('A bash command; KUBECONFIG points at the cluster (default: the hub).'),
        expect: z
          .strictObject({
            exitCode: integerBetween(0, 255, 'Expected exit code.').default(0),
            output: nonEmptyString('Text the output must contain.').optional(),
          })
          .prefault({})
          .meta({ description: 'What the command must do.' }),
      })
      .meta({ description: 'Runs a bash command with the lab\'s kubeconfigs and toolchain.' })
      .transform(({ cluster, run, expect }) => ({ op: 'script' as const, cluster, run, expectExitCode: expect.exitCode, expectOutput: expect.output })),

  /**
   * Runs a shell command with KUBECONFIG for the cluster (default hub), LAB_* set, and the toolchain on PATH.
   * The command runs in a process group of its own, stopped as a whole when the step ends for any reason.
   */
  async execute(step, { lab, timeoutMs, signal }) {
    const started = Date.now();
    const result = await runInOwnGroup('bash', ['-c', step.run], {
      cwd: dirname(step.source.file),
      env: { ...process.env, ...scriptEnv(lab, step.cluster) },
      timeoutMs,
      signal,
    });
    const output = result.output.trim();
    const tail = output.split('\n').slice(-10).join('\n');
    if (result.ended === 'abort') throw new CancelledError(signal.reason);
    if (result.ended === 'timeout') throw new StepFailure(`script timed out after ${formatDuration(timeoutMs)} and was stopped\n${tail}`);
    if (result.exitCode !== step.expectExitCode) {
      const how = result.exitCode === null ? `was killed by ${result.exitSignal}` : `exited ${result.exitCode}`;
      throw new StepFailure(`script ${how}, expected ${step.expectExitCode} (after ${formatDuration(Date.now() - started)})\n${tail}`);
    }
    if (step.expectOutput !== undefined && !output.includes(step.expectOutput)) {
      throw new StepFailure(`script output does not contain ${JSON.stringify(step.expectOutput)}\n${tail}`);
    }
    return output.split('\n').at(-1) || `exit ${result.exitCode}`;
  },
});
