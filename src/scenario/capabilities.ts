import { relative } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { gateEnabled, HUB_FEATURE_GATES, HUB_GATED_KINDS, type FeatureGates } from '../ocm/feature-gates.js';
import type { Scenario, Step } from './types.js';

/** What the lab under test can do beyond the Kubernetes API; decided by its provider and installer. */
export interface LabCapabilities {
  provider: string;
  controlPlaneFaults: boolean;
  agentFaults: boolean;
  freshJoin: boolean;
  /** The hub feature gates the lab's config sets (OCM's defaults for the rest). */
  hubFeatureGates: FeatureGates;
}

/** A hub gate an `apply` step's objects need and the lab leaves off. */
function missingGate(step: Step, gates: FeatureGates): string | undefined {
  if (step.op !== 'apply' || step.expectError !== undefined) return undefined;
  for (const object of step.objects) {
    const needs = typeof object.kind === 'string' ? HUB_GATED_KINDS[object.kind] : undefined;
    if (needs && String(object.apiVersion).startsWith(`${needs.apiGroup}/`) && !gateEnabled(HUB_FEATURE_GATES, needs.component, needs.gate, gates)) {
      return `applies a ${object.kind}, which the hub acts on only with the feature gate ${needs.gate}: set ocm.featureGates.${needs.gate}: true in the lab config`;
    }
  }
  return undefined;
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
      const gate = missingGate(step, caps.hubFeatureGates);
      const message = what ? `step "${step.name}" needs ${what}, which the ${caps.provider} provider cannot do` : gate && `step "${step.name}" ${gate}`;
      if (!message) continue;
      issues.push({ file: relative(process.cwd(), step.source.file) || step.source.file, line: step.source.line, column: 1, field: step.op, message });
    }
  }
  if (issues.length) throw new ConfigError(issues, 'run these scenarios on a lab that can run them, or leave them out (--select)');
}
