import type { Check, CheckLevel } from '../../core/check.js';
import { assessRuntimeAdaptation, detectKindSupport, dockerProbes, ENSURE_DOCKER, hostRefusesSysResource, kindHostLimits } from './docker.js';

/**
 * Every condition kind needs, each on its own line with its fix. Docker is optional (the local provider
 * needs none), so a problem is a warning unless the config asks for kind.
 */
export async function kindDoctorChecks(nodeImage: string, kindRequired: boolean): Promise<Check[]> {
  const problem: CheckLevel = kindRequired ? 'fail' : 'warn';
  const probes = dockerProbes();
  const kind = await detectKindSupport(nodeImage, { probes, exhaustive: true });
  const checks: Check[] = kind.conditions.map((condition) =>
    condition.ok
      ? { name: `${condition.name} (kind)`, level: 'ok', detail: condition.detail }
      : { name: `${condition.name} (kind)`, level: problem, detail: condition.detail, fix: condition.fix },
  );

  const engineAnswers = kind.conditions.some((c) => c.name === 'docker engine' && c.ok);
  const privileged = kind.conditions.find((c) => c.name === 'privileged containers');
  const adaptation = assessRuntimeAdaptation({
    hostRefuses: hostRefusesSysResource(),
    defaultRuntime: engineAnswers ? await probes.defaultRuntime() : undefined,
    privilegedWorks: privileged?.ok,
  });
  checks.push(
    adaptation.ok
      ? { name: 'runtime adaptation (kind)', level: 'ok', detail: adaptation.detail }
      : { name: 'runtime adaptation (kind)', level: problem, detail: adaptation.detail, fix: `${ENSURE_DOCKER} (as root)` },
  );

  const limits = kindHostLimits();
  if (limits.length === 0) checks.push({ name: 'inotify (kind)', level: 'ok', detail: "at or above kind's recommended limits" });
  for (const limit of limits) checks.push({ name: 'inotify (kind)', level: 'warn', detail: limit.problem, fix: limit.fix });
  return checks;
}

