import { dirname } from 'node:path';
import { execa } from 'execa';
import { CancelledError } from '../../process/abort.js';
import { formatDuration } from '../duration.js';
import { StepFailure, type ScenarioLab, type StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

export function scriptEnv(lab: ScenarioLab, cluster?: string): Record<string, string> {
  const env: Record<string, string> = {
    LAB_NAME: lab.name,
    LAB_HUB: lab.hubName,
    LAB_STATE_DIR: lab.stateDir,
    LAB_MANAGED_CLUSTERS: lab.managedClusters.join(' '),
    PATH: `${dirname(lab.tool('kubectl'))}:${process.env.PATH ?? ''}`,
    KUBECONFIG: lab.cluster(cluster ?? lab.hubName).kubeconfig,
  };
  for (const { name, kubeconfig } of lab.clusters()) {
    env[`LAB_KUBECONFIG_${name.toUpperCase().replaceAll('-', '_')}`] = kubeconfig;
  }
  return env;
}

/** Runs a shell command with KUBECONFIG for the cluster (default hub), LAB_* set, and the toolchain on PATH. */
export const script: StepExecutor<Extract<Step, { op: 'script' }>> = async (step, { lab, timeoutMs, signal }) => {
  const started = Date.now();
  const result = await execa('bash', ['-c', step.run], {
    cwd: dirname(step.source.file),
    env: scriptEnv(lab, step.cluster),
    all: true,
    reject: false,
    timeout: timeoutMs,
    cancelSignal: signal,
    forceKillAfterDelay: 2000,
    stdin: 'ignore',
  });
  const output = (result.all ?? '').trim();
  const tail = output.split('\n').slice(-10).join('\n');
  if (result.isCanceled) throw new CancelledError(signal.reason);
  if (result.timedOut) throw new StepFailure(`script timed out after ${formatDuration(timeoutMs)} and was stopped\n${tail}`);
  if (result.exitCode !== step.expectExitCode) {
    throw new StepFailure(`script exited ${result.exitCode}, expected ${step.expectExitCode} (after ${formatDuration(Date.now() - started)})\n${tail}`);
  }
  if (step.expectOutput !== undefined && !output.includes(step.expectOutput)) {
    throw new StepFailure(`script output does not contain ${JSON.stringify(step.expectOutput)}\n${tail}`);
  }
  return output.split('\n').at(-1) || `exit ${result.exitCode}`;
};

