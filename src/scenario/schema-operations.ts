import { z } from 'zod';
import { evenIfFieldsFailed, hasExactlyOne, integerBetween, nonEmptyString, oneKeyOf, refuse, whenPresent } from '../config/schema-fields.js';
import { describeValue, quotedValue } from '../config/schema-issues.js';
import { MAX_DURATION_MS, parseDuration } from './duration.js';
import type { KubeObject, StepOp } from './types.js';


const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A name the API server would take for the object: refused here, at its line, instead of failing the run. */
function kubeName(description: string, kind: 'label' | 'subdomain') {
  const [pattern, max, what] = kind === 'label' ? [DNS_LABEL, 63, 'a DNS-1123 label'] : [DNS_SUBDOMAIN, 253, 'a DNS-1123 subdomain'];
  return refuse(nonEmptyString(description), (name) =>
    name.length <= max && pattern.test(name) ? undefined : `must be ${what} (lowercase letters, digits, "-"${kind === 'subdomain' ? ' and "."' : ''}; at most ${max}), got ${quotedValue(name)}`,
  ).meta({ description, pattern: pattern.source, maxLength: max });
}

export const OPS: readonly StepOp[] = ['apply', 'assert', 'absent', 'delete', 'work', 'label', 'clusterset', 'accept', 'join', 'fault', 'script', 'sleep'];

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

const OBJECT_SOURCES = ['file', 'object', 'objects'] as const;
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const PLACEMENT = /^[a-z0-9-]+\/[a-z0-9.-]+$/;
const WORK_TARGETS = ['to', 'placement'] as const;
const faultTarget = z.enum(['controlPlane', 'agent']);
const labelChange = z
  .union([z.string(), z.number(), z.boolean(), z.null()], { error: 'must be a string, or null to remove the label' })
  .transform((value) => (value === null ? null : String(value)));

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

const kubeObject = z
  .record(z.string(), z.unknown(), { error: whenPresent(() => 'must be a Kubernetes object (a mapping)') })
  .refine((object) => typeof object.apiVersion === 'string' && typeof object.kind === 'string', { error: 'needs apiVersion and kind' })
  .meta({
    description: 'A Kubernetes object; for assert and absent a partial one, matched as a subset.',
    required: ['apiVersion', 'kind'],
    properties: { apiVersion: { type: 'string', description: 'e.g. v1, apps/v1.' }, kind: { type: 'string', description: 'e.g. ConfigMap, Deployment.' } },
  })
  .transform((object) => object as KubeObject);

/** The value of each operation key of a step, turned into what the step runs. */
export function operationSchemas({ targets, readManifests }: ScenarioContext) {
  function clusterName(role: 'any' | 'managed', description: string) {
    const name = nonEmptyString(description);
    if (!targets) return name;
    const allowed = role === 'any' ? [targets.hub, ...targets.managed] : targets.managed;
    const what = role === 'any' ? 'a cluster' : 'a managed cluster';
    return name
      .refine((value) => allowed.includes(value), { error: (issue) => `${JSON.stringify(issue.input)} is not ${what} of this lab (${allowed.join(', ')})` })
      .meta({ description });
  }

  const anyCluster = clusterName('any', 'The cluster: "hub" or a managed cluster.');
  const managedCluster = clusterName('managed', 'A managed cluster.');

  const manifestFile = nonEmptyString(
    'A YAML file of Kubernetes objects (one or more documents, at most 1 MiB), relative to the scenario file; it must lie in the project (the folder of the lab config above the scenario, else the scenario\'s folder), outside hidden folders.',
  ).transform((path, ctx) => {
    const file = readManifests?.(path) ?? { objects: [] };
    if ('problem' in file) {
      ctx.issues.push({ code: 'custom', message: file.problem, input: path });
      return [];
    }
    return file.objects.flatMap((object) => {
      const parsed = kubeObject.safeParse(object);
      if (!parsed.success) ctx.issues.push({ code: 'custom', message: parsed.error.issues[0]!.message, input: path });
      return parsed.success ? [parsed.data] : [];
    });
  });

  const objectSources = {
    file: manifestFile.optional(),
    object: kubeObject.optional(),
    objects: z.array(kubeObject).min(1, { error: 'must list at least one object' }).meta({ description: 'Kubernetes objects (at least one).' }).optional(),
  };
  const objectsOf = (fields: { file?: KubeObject[]; object?: KubeObject; objects?: KubeObject[] }) =>
    fields.file ?? fields.objects ?? (fields.object ? [fields.object] : []);
  const needsOneSource = `needs exactly one of ${OBJECT_SOURCES.map((key) => `"${key}"`).join(', ')}`;
  const stepTimeout = (description: string) => duration(description).optional();

  return {
    apply: z
      .strictObject({
        cluster: anyCluster,
        file: objectSources.file,
        object: objectSources.object,
        objects: objectSources.objects,
        expectError: nonEmptyString(
          'The API server must refuse every object (e.g. an admission webhook denies it) with a message containing this text; the step fails if one is accepted.',
        ).optional(),
      })
      .refine(hasExactlyOne(OBJECT_SOURCES), { error: needsOneSource, ...evenIfFieldsFailed })
      .meta({ description: 'Server-side apply of Kubernetes objects (one of file, object, objects).', ...oneKeyOf(OBJECT_SOURCES) })
      .transform((fields) => ({ op: 'apply' as const, cluster: fields.cluster, objects: objectsOf(fields), expectError: fields.expectError })),
    assert: z
      .strictObject({ cluster: anyCluster, object: kubeObject, timeout: stepTimeout('How long to wait for a match.') })
      .meta({ description: 'Waits until some object matches the partial object.' })
      .transform((fields) => ({ op: 'assert' as const, cluster: fields.cluster, object: fields.object, timeoutMs: fields.timeout })),
    absent: z
      .strictObject({ cluster: anyCluster, object: kubeObject, timeout: stepTimeout('How long to wait until nothing matches.') })
      .meta({ description: 'Waits until no object matches the partial object.' })
      .transform((fields) => ({ op: 'absent' as const, cluster: fields.cluster, object: fields.object, timeoutMs: fields.timeout })),
    delete: z
      .strictObject({
        cluster: anyCluster,
        object: objectSources.object,
        objects: objectSources.objects,
        file: objectSources.file,
        timeout: stepTimeout('How long to wait until the objects are gone.'),
      })
      .refine(hasExactlyOne(OBJECT_SOURCES), { error: needsOneSource, ...evenIfFieldsFailed })
      .meta({ description: 'Deletes Kubernetes objects and waits until they are gone (one of object, objects, file).', ...oneKeyOf(OBJECT_SOURCES) })
      .transform((fields) => ({ op: 'delete' as const, cluster: fields.cluster, objects: objectsOf(fields), timeoutMs: fields.timeout })),
    work: z
      .strictObject({
        name: kubeName('Name of the ManifestWork.', 'subdomain'),
        to: managedCluster.optional(),
        placement: z
          .string()
          .regex(PLACEMENT, { error: (issue) => `must be "namespace/name", got ${quotedValue(issue.input)}` })
          .meta({ description: 'A Placement as namespace/name: one ManifestWork per cluster it has decided on.' })
          .optional(),
        file: objectSources.file,
        object: objectSources.object,
        objects: objectSources.objects,
      })
      .refine(hasExactlyOne(WORK_TARGETS), { error: 'needs exactly one of "to" (a managed cluster) or "placement" (namespace/name)', ...evenIfFieldsFailed })
      .refine(hasExactlyOne(OBJECT_SOURCES), { error: needsOneSource, ...evenIfFieldsFailed })
      .meta({
        description: 'Creates a ManifestWork holding the manifests, for one cluster (to) or for a Placement\'s decisions (placement).',
        allOf: [oneKeyOf(WORK_TARGETS), oneKeyOf(OBJECT_SOURCES)],
      })
      .transform((fields) => ({ op: 'work' as const, workName: fields.name, to: fields.to, placement: fields.placement, manifests: objectsOf(fields) })),
    label: z
      .strictObject({
        cluster: managedCluster,
        labels: z.record(z.string(), labelChange).meta({ description: 'Labels to set; null removes a label.' }),
      })
      .meta({ description: 'Sets labels on the ManagedCluster.' })
      .transform((fields) => ({ op: 'label' as const, cluster: fields.cluster, labels: fields.labels })),
    clusterset: z
      .strictObject({
        name: kubeName('Name of the ManagedClusterSet.', 'label'),
        clusters: z.array(managedCluster).default([]).meta({ description: 'Managed clusters to add to the set.' }),
        bind: z.array(kubeName('A namespace.', 'label')).default([]).meta({ description: 'Namespaces to bind the set to.' }),
      })
      .meta({ description: 'Creates a ManagedClusterSet, adds the clusters and binds it to the namespaces.' })
      .transform((fields) => ({ op: 'clusterset' as const, setName: fields.name, clusters: fields.clusters, bind: fields.bind })),
    accept: z
      .strictObject({ cluster: managedCluster })
      .meta({ description: 'Accepts the cluster (clusteradm accept).' })
      .transform((fields) => ({ op: 'accept' as const, cluster: fields.cluster })),
    join: z
      .strictObject({ cluster: managedCluster })
      .meta({ description: 'Joins the cluster afresh, as a new cluster would; afterwards it waits to be accepted.' })
      .transform((fields) => ({ op: 'join' as const, cluster: fields.cluster })),
    fault: z
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
    script: z
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
    sleep: z
      .union([duration('How long to wait.'), z.strictObject({ duration: duration('How long to wait.') })], {
        error: (issue) => `must be a duration like 30s or {duration: 30s}, got ${describeValue(issue.input)}`,
      })
      .meta({ description: 'Waits: `sleep: 5s` or `sleep: {duration: 5s}`.' })
      .transform((value) => ({ op: 'sleep' as const, durationMs: typeof value === 'number' ? value : value.duration })),
  } satisfies { [Op in StepOp]: z.ZodType<unknown, unknown> };
}
