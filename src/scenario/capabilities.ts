import { relative } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Scenario, Step } from './types.js';

/** What the lab under test can do beyond the Kubernetes API; decided by its provider and installer. */
export interface LabCapabilities {
  provider: string;
  controlPlaneFaults: boolean;
  agentFaults: boolean;
  freshJoin: boolean;
}

/** Why this lab cannot run the step, or undefined when it can. */
function missing(step: Step, caps: LabCapabilities): string | undefined {
  if (step.op === 'fault' && step.target === 'controlPlane' && !caps.controlPlaneFaults) return 'stopping and starting a control plane';
  if (step.op === 'fault' && step.target === 'agent' && !caps.agentFaults) return 'stopping and starting a klusterlet agent';
  if (step.op === 'join' && !caps.freshJoin) return 'a fresh join';
  return undefined;
}

/** Rejects, at file:line, every step the lab's provider or installer cannot do (exit 2, before anything runs). */
export function checkCapabilities(scenarios: Scenario[], caps: LabCapabilities): void {
  const issues: ConfigIssue[] = [];
  for (const scenario of scenarios) {
    for (const step of [...scenario.steps, ...scenario.cleanup]) {
      const what = missing(step, caps);
      if (!what) continue;
      issues.push({
        file: relative(process.cwd(), step.source.file) || step.source.file,
        line: step.source.line,
        column: 1,
        field: step.op,
        message: `step "${step.name}" needs ${what}, which the ${caps.provider} provider cannot do`,
      });
    }
  }
  if (issues.length) throw new ConfigError(issues, 'run these scenarios on a lab whose provider supports them, or leave them out (--select)');
}
