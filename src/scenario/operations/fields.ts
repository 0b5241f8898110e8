import { z } from 'zod';
import { nonEmptyString, refuse, whenPresent } from '../../config/schema-fields.js';
import { quotedValue } from '../../config/schema-issues.js';
import { MAX_DURATION_MS, parseDuration } from '../duration.js';
import type { KubeObject, StepBase } from '../types.js';
import { kubeObject, objectSourceFields } from './object-sources.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** Cluster names a scenario may target; unknown names are reported at their line. */
export interface ScenarioTargets {
  hub: string;
  managed: string[];
}

/** What a `file:` field holds: its Kubernetes objects, or why they cannot be read. */
export type ManifestFile = { objects: unknown[] } | { problem: string };

export interface ScenarioContext {
  /** The clusters steps may target; without them any cluster name is accepted. */
  targets?: ScenarioTargets;
  /** Reads the objects of a `file:` field (relative to the scenario); without it files are not read. */
  readManifests?: (path: string) => ManifestFile;
}

/** A name the API server would take for the object: refused here, at its line, instead of failing the run. */
export function kubeName(description: string, kind: 'label' | 'subdomain') {
  const [pattern, max, what] = kind === 'label' ? [DNS_LABEL, 63, 'a DNS-1123 label'] : [DNS_SUBDOMAIN, 253, 'a DNS-1123 subdomain'];
  return refuse(nonEmptyString(description), (name) =>
    name.length <= max && pattern.test(name) ? undefined : `must be ${what} (lowercase letters, digits, "-"${kind === 'subdomain' ? ' and "."' : ''}; at most ${max}), got ${quotedValue(name)}`,
  ).meta({ description, pattern: pattern.source, maxLength: max });
}

/** A Go-style duration (30s, 2m, 1m30s) of at most 24h, read as milliseconds. */
export function duration(description: string) {
  const error = whenPresent((input) => `must be a duration like 30s, 2m or 1m30s, got ${quotedValue(input)}`);
  return z
    .string({ error })
    .regex(DURATION, { error, abort: true })
    .refine((text) => (parseDuration(text) ?? 0) > 0, { error, abort: true })
    .refine((text) => (parseDuration(text) ?? Infinity) <= MAX_DURATION_MS, { error: (issue) => `must be at most 24h, got ${quotedValue(issue.input)}` })
    .meta({ description })
    .transform((text) => parseDuration(text) ?? 0);
}

/** Fields several operations share, bound to a scenario context (the lab's cluster names, the manifest reader). */
export type OperationFields = ReturnType<typeof operationFields>;

export function operationFields({ targets, readManifests }: ScenarioContext) {
  function clusterName(role: 'any' | 'managed', description: string) {
    const name = nonEmptyString(description);
    if (!targets) return name;
    const allowed = role === 'any' ? [targets.hub, ...targets.managed] : targets.managed;
    const what = role === 'any' ? 'a cluster' : 'a managed cluster';
    return name
      .refine((value) => allowed.includes(value), { error: (issue) => `${JSON.stringify(issue.input)} is not ${what} of this lab (${allowed.join(', ')})` })
      .meta({ description });
  }

  return {
    anyCluster: clusterName('any', 'The cluster: "hub" or a managed cluster.'),
    managedCluster: clusterName('managed', 'A managed cluster.'),
    objectSources: objectSourceFields(readManifests),
  };
}

/** An operation's own timeout, which wins over the step's. */
export function stepTimeout(description: string) {
  return duration(description).optional();
}

/** A step that waits for a partial object on a cluster (assert, absent). */
export type WatchStep<Op extends string> = StepBase & { op: Op; cluster: string; object: KubeObject };

/** The value of assert and absent: the cluster, the partial object, and a timeout of its own. */
export function watchedObject<Op extends string>(op: Op, cluster: z.ZodString, texts: { description: string; timeout: string }) {
  return z
    .strictObject({ cluster, object: kubeObject, timeout: stepTimeout(texts.timeout) })
    .meta({ description: texts.description })
    .transform((fields) => ({ op, cluster: fields.cluster, object: fields.object, timeoutMs: fields.timeout }));
}

/** A step that names only a managed cluster (accept, join). */
export type ClusterStep<Op extends string> = StepBase & { op: Op; cluster: string };

/** The value of accept and join: the managed cluster alone. */
export function clusterOnly<Op extends string>(op: Op, cluster: z.ZodString, description: string) {
  return z
    .strictObject({ cluster })
    .meta({ description })
    .transform((fields) => ({ op, cluster: fields.cluster }));
}
