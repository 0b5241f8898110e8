import { z } from 'zod';
import { evenIfFieldsFailed, hasExactlyOne, oneKeyOf } from '../../config/schema-fields.js';
import type { StepBase } from '../types.js';
import { defineOperation, providerCannot } from './operation.js';

export interface FaultStep extends StepBase {
  op: 'fault';
  cluster: string;
  action: 'stop' | 'start';
  target: 'controlPlane' | 'agent';
}

const faultTarget = z.enum(['controlPlane', 'agent']);

export const faultOperation = defineOperation<FaultStep>({
  name: 'fault',
  schema: ({ managedCluster }) =>
    z
      .strictObject({
        cluster: managedCluster,
        stop: faultTarget.meta({ description: 'Stops the control plane or the klusterlet agent.' }).optional(),
        start: faultTarget.meta({ description: 'Starts the control plane or the klusterlet agent.' }).optional(),
      })
      .refine(hasExactlyOne(['stop', 'start']), { error: 'needs exactly one of "stop" or "start" (controlPlane or agent)', ...evenIfFieldsFailed })
      .meta({ description: 'Stops or starts a managed cluster\'s control plane or klusterlet agent.', ...oneKeyOf(['stop', 'start']) })
      .transform(({ cluster, stop, start }) => {
        const change = stop ? { action: 'stop' as const, target: stop } : { action: 'start' as const, target: start! };
        return { op: 'fault' as const, cluster, ...change };
      }),

  /** Stops or starts a managed cluster's control plane or its klusterlet agent. */
  async execute(step, { lab, signal }) {
    await lab.fault(step.cluster, step.target, step.action, signal);
    return `${step.action === 'stop' ? 'stopped' : 'started'} the ${step.target === 'controlPlane' ? 'control plane' : 'klusterlet agent'} of ${step.cluster}`;
  },

  needs(step, caps) {
    if (step.target === 'controlPlane' && !caps.controlPlaneFaults) return providerCannot(caps, 'stopping and starting a control plane');
    if (step.target === 'agent' && !caps.agentFaults) return providerCannot(caps, 'stopping and starting a klusterlet agent');
    return undefined;
  },
});
