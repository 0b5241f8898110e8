import { relative } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { FeatureGates } from '../ocm/feature-gates.js';
import { operationOf } from './operations/registry.js';
import type { Scenario } from './types.js';

/** What the lab under test can do beyond the Kubernetes API; decided by its provider and installer. */
export interface LabCapabilities {
  provider: string;
  controlPlaneFaults: boolean;
  agentFaults: boolean;
  freshJoin: boolean;
  /** Moving the hub or the agents to a newer OCM release. */
  upgrade: boolean;
  /** The OCM release the lab's config installs. */
  ocmVersion: string;
  /** The hub feature gates the lab's config sets (OCM's defaults for the rest). */
  hubFeatureGates: FeatureGates;
}

/** Rejects, at file:line, every step the lab's provider or installer cannot do (exit 2, before anything runs); each operation says what it needs. */
export function checkCapabilities(scenarios: Scenario[], caps: LabCapabilities): void {
  const issues: ConfigIssue[] = [];
  for (const scenario of scenarios) {
    for (const step of [...scenario.steps, ...scenario.cleanup]) {
      const problem = operationOf(step).needs?.(step, caps);
      if (!problem) continue;
      issues.push({ file: relative(process.cwd(), step.source.file) || step.source.file, line: step.source.line, column: 1, field: step.op, message: `step "${step.name}" ${problem}` });
    }
  }
  if (issues.length) throw new ConfigError(issues, 'run these scenarios on a lab that can run them, or leave them out (--select)');
}
