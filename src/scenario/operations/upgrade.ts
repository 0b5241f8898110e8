import { z } from 'zod';
import { describeValue } from '../../config/schema-issues.js';
import { compareVersions, OCM_PARTS, type OcmPart } from '../../ocm/ocm-versions.js';
import { sleep } from '../../process/abort.js';
import { loadVersions } from '../../toolchain/versions.js';
import { formatDuration } from '../duration.js';
import { StepFailure } from '../step-context.js';
import type { StepBase } from '../types.js';
import { duration } from './fields.js';
import { defineOperation } from './operation.js';
import { takeWorkloadSnapshot, workloadDisruptions } from './workload-snapshot.js';

export interface UpgradeStep extends StepBase {
  op: 'upgrade';
  to: string;
  /** In OCM's documented order: the hub before the agents. */
  parts: OcmPart[];
  settleMs: number;
}

const DEFAULT_SETTLE_MS = 20_000;

export const upgradeOperation = defineOperation<UpgradeStep>({
  name: 'upgrade',
  schema: () => {
    const versions = loadVersions().ocmVersions;
    return z
      .strictObject({
        to: z
          .enum(versions as [string, ...string[]], { error: (issue) => `must be an OCM release this toolchain builds (${versions.join(', ')}), got ${describeValue(issue.input)}` })
          .meta({ description: `The OCM release to move to: ${versions.join(' or ')}.` }),
        parts: z
          .array(z.enum(OCM_PARTS, { error: (issue) => `must be hub or agents, got ${describeValue(issue.input)}` }))
          .min(1, { error: 'must list hub, agents or both' })
          .default([...OCM_PARTS])
          .meta({ description: 'What moves: hub (its components), agents (every klusterlet), or both (default); always hub first.' }),
        settle: duration('How long the workloads are watched after the upgrade before they are compared (default 20s): long enough for the new agents to resync.').optional(),
      })
      .meta({
        description:
          'Upgrades the lab\'s OCM and proves the workloads survived: every object a ManifestWork applied keeps its uid and resourceVersion, the pods it runs are neither replaced nor restarted, and every work that was Applied and Available stays so.',
      })
      .transform(({ to, parts, settle }) => ({ op: 'upgrade' as const, to, parts: OCM_PARTS.filter((p) => parts.includes(p)), settleMs: settle ?? DEFAULT_SETTLE_MS }));
  },

  /**
   * Takes a picture of every ManifestWork and the objects it applied, upgrades each part (hub first), watches the
   * workloads for `settle`, and fails naming every object that was deleted, re-created or written, and every work
   * that stopped being Applied or Available. The summary names the components that restarted.
   */
  async execute(step, { lab, signal }) {
    const before = await takeWorkloadSnapshot(lab, signal);
    const moves: string[] = [];
    const restarted: string[] = [];
    for (const part of step.parts) {
      const from = lab.ocmVersions()[part] ?? 'unknown';
      const started = Date.now();
      const result = await lab.upgradeOcm(part, step.to, signal);
      restarted.push(...result.restarted);
      moves.push(`${part} ${from} → ${step.to} in ${formatDuration(Date.now() - started)}`);
    }
    await sleep(step.settleMs, signal);
    const problems = workloadDisruptions(before, await takeWorkloadSnapshot(lab, signal));
    if (problems.length) throw new StepFailure(`the upgrade disturbed the workloads (${moves.join(', ')}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return `${moves.join(', ')}; restarted: ${restarted.join(', ') || 'none'}; ${before.objects.length} applied objects kept (uid, resourceVersion), their pods kept (${before.objects.reduce((n, o) => n + o.pods.length, 0)}, none replaced or restarted), and ${before.works.length} ManifestWorks stayed Applied/Available`;
  },

  needs(step, caps) {
    if (!caps.upgrade) return `upgrades OCM, which the ${caps.provider} lab cannot do yet`;
    if (compareVersions(step.to, caps.ocmVersion) < 0) return `upgrades to ${step.to}, older than the lab's OCM ${caps.ocmVersion} (OCM goes forward only)`;
    return undefined;
  },
});
