import type { LabSpec } from '../config/schema.js';
import { errorMessage, LabError } from '../errors.js';
import type { ProviderEntry, ProviderRecord, ProviderSupport } from './provider-entry.js';
import { PROVIDER_TABLE } from './table.js';

export interface ProviderChoice {
  entry: ProviderEntry;
  /** What the lab records about its provider (see ProviderEntry.prepare). */
  record: ProviderRecord;
  /** Why this provider: set in the config, or what `auto` found. */
  reason: string;
}

async function support(entry: ProviderEntry, spec: LabSpec, signal?: AbortSignal): Promise<{ record: ProviderRecord; support: ProviderSupport }> {
  try {
    const record = await entry.prepare(spec, signal);
    return { record, support: await entry.detect(spec, record, signal) };
  } catch (error) {
    return { record: {}, support: { usable: false, reason: `checking it failed: ${errorMessage(error)}` } };
  }
}

/**
 * The provider of a new lab. A named provider must be able to run here (else an error with the reason and
 * its fix); `provider: auto` takes the first provider of the table, in order, that can run, and says why the
 * ones before it could not.
 */
export async function chooseProvider(spec: LabSpec, table: readonly ProviderEntry[] = PROVIDER_TABLE, signal?: AbortSignal): Promise<ProviderChoice> {
  if (spec.provider !== 'auto') {
    const entry = table.find((e) => e.name === spec.provider);
    if (!entry) throw new LabError(`provider ${spec.provider} is not known here`, { exitCode: 2 });
    const found = await support(entry, spec, signal);
    if (!found.support.usable) {
      const others = table.filter((e) => e !== entry && e.auto).map((e) => `\`provider: ${e.name}\``);
      throw new LabError(`provider ${entry.name} cannot run here: ${found.support.reason}`, {
        hint: [found.support.fix, others.length ? `or set ${others.join(' or ')}` : undefined].filter(Boolean).join('; '),
        exitCode: found.support.configProblem ? 2 : 1,
      });
    }
    return { entry, record: found.record, reason: 'set in the config' };
  }
  const unusable: string[] = [];
  for (const entry of table.filter((e) => e.auto)) {
    const found = await support(entry, spec, signal);
    if (found.support.usable) {
      const before = unusable.length ? `${unusable.join('; ')}, so ${entry.name} is used: ` : '';
      return { entry, record: found.record, reason: `auto: ${before}${found.support.reason}` };
    }
    unusable.push(`${entry.name} is not usable (${found.support.reason})`);
  }
  throw new LabError(`no provider can run here: ${unusable.join('; ')}`, { hint: './lab doctor shows each condition with its fix' });
}
