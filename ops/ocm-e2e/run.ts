#!/usr/bin/env -S npx tsx
// Runs Open Cluster Management's own end-to-end suite (open-cluster-management.io/ocm/test/e2e at the
// pinned version, built by ops/ocm-e2e/build.ts) against a kind lab: its hub and one managed cluster,
// with the lab's own OCM images. Brings the lab up first (`./lab up` changes nothing on a healthy lab).
//
// Usage: npm run test:ocm-e2e -- [--config fixtures/configs/kind.yaml] [--cluster cluster1]
//          [--focus <regexp>] [--skip <regexp>] [--label-filter <expr>] [--out ocm-e2e-results]
//        npm run test:ocm-e2e -- --all [--config fixtures/configs/ocm-e2e.yaml]
//
// The default selection runs on any kind lab. `--all` runs every spec, as upstream's CI does, on a lab whose hub
// manages itself (fixtures/configs/ocm-e2e.yaml, the default with --all). The suite runs in passes, their reports
// merged into one row per spec: Default mode; the ClusterProperty spec alone (AGENT_ROLLING_SPEC); with --all the
// Hosted-mode specs (-klusterlet-deploy-mode=SingletonHosted, as upstream's e2e-hosted job).
//
// The managed cluster is prepared as OCM's CI prepares it (./spoke.ts): the lab's klusterlet makes way
// for the suite's own, and `./lab up` joins the cluster again afterwards. The suite changes the hub as it
// does upstream: it turns on the feature gates ManifestWorkReplicaSet, CleanUpCompletedManifestWork,
// ClusterImporter and NilExecutorValidating, and leaves the cluster set `universal` behind. Run it on a
// lab you can throw away.
// Writes each pass's junit.xml and report.json (Ginkgo's) into <out> and its subfolders, and the merged results, one
// row per spec, into <out>/specs.md and <out>/results.json; prints the table and exits 0 when every spec that ran
// passed, 1 when one failed, 2 on bad usage.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadConfig } from '../../src/config/load.js';
import { joinedClusters, LOCAL_CLUSTER } from '../../src/config/schema.js';
import { repoRoot } from '../../src/repo-root.js';
import { ClusterClient } from '../../src/kube/cluster-client.js';
import { ADDON_EXAMPLES_IMAGES, BUSYBOX_IMAGE } from './images.js';
import { enableSuiteHubGates } from './hub-gates.js';
import { usePreloadedImages } from './preloaded-images.js';
import { handOverSpoke, prepareSpoke, removeSuiteLeftovers } from './spoke.js';

/**
 * The specs this lab is expected to pass (README, "OCM's own e2e suite"): placement, the work agent,
 * the ManifestWork, ManagedCluster and ManagedClusterSetBinding webhooks, cluster set bindings,
 * ManifestWorkReplicaSet, ClusterProperty, managed namespaces, the add-on API's conversion webhook, the
 * add-on lease checks on the managed cluster, the taints that follow a cluster's conditions, and the template add-on
 * managed by add-on deployment configs (on the images ./images.ts builds).
 */
export const DEFAULT_FOCUS = [
  'Placement',
  'Work agent',
  'ManifestWork admission webhook',
  'Admission webhook',
  'ManagedClusterSetBinding',
  'Test ManifestWorkReplicaSet',
  'ClusterProperty',
  'ManagedNamespace',
  'Create v1(alpha|beta)1 (ManagedClusterAddOn|ClusterManagementAddOn)',
  'Webhook infrastructure',
  'Checking addon lease on managed cluster',
  'Taints update check',
  'Enable addon management feature gate',
].join('|');

/**
 * Left out when the managed cluster is not the hub: the template add-on spec reads with the hub's client the secrets
 * its agent writes on the managed cluster, so it needs the hub and the managed cluster to be one cluster
 * (ops/ocm-e2e/NOTES.md).
 */
const HUB_IS_SPOKE_SPECS = 'Template type addon should be functioning';

/**
 * The ClusterProperty spec turns the suite klusterlet's ClusterProperty gate on and, in its cleanup, off again: two
 * roll-outs of the registration agent, the second not waited for. A spec right after it that needs that agent fails:
 * the loopback spec approved the add-on CSR of the replaced agent, whose successor asked anew (run 1 of --all,
 * 2026-12-06). Ginkgo shuffles the suite's top-level containers, so any spec can come next: this one runs in a pass of
 * its own.
 */
const AGENT_ROLLING_SPEC = {
  focus: 'ClusterProperty API test',
  text: 'ClusterProperty API test create/update/delete clusterproperty managed cluster should have clusterproperty synced',
};

/** Whether a spec is in a Ginkgo focus/skip selection (the regexps read as JavaScript ones: the ones used here are both). */
export function selects(focus: string | undefined, skip: string, spec: string): boolean {
  return (!focus || new RegExp(focus).test(spec)) && (!skip || !new RegExp(skip).test(spec));
}

/** The Hosted-mode specs skip themselves unless the suite runs in Hosted mode: the second pass of --all. */
const HOSTED_LABEL = 'klusterlet-hosted';
const DEFAULT_CONFIG = 'fixtures/configs/kind.yaml';
const ALL_CONFIG = 'fixtures/configs/ocm-e2e.yaml';

/** Specs whose pods run images ./images.ts builds: left out when the lab does not load those (kind.extraImages). */
const SPECS_NEEDING_IMAGES = [
  { images: [BUSYBOX_IMAGE], specs: ['should return wellkown status of deployment', 'Should cleanup manifestwork with TTL after job completion'] },
  { images: ADDON_EXAMPLES_IMAGES, specs: ['Enable addon management feature gate'] },
];

const LAB = join(repoRoot(), 'lab');

interface SpecReport {
  ContainerHierarchyTexts: string[] | null;
  LeafNodeText: string;
  LeafNodeType: string;
  LeafNodeLabels: string[] | null;
  LeafNodeLocation: { FileName: string; LineNumber: number };
  State: string;
  RunTime: number;
  NumAttempts?: number;
  Failure?: { Message: string; Location: { FileName: string; LineNumber: number } };
  /** With -flake-attempts, each failed attempt before the last ("Failure recorded during attempt N: ..."). */
  AdditionalFailures?: { Failure: { Message: string } }[] | null;
}

export interface SpecResult {
  spec: string;
  location: string;
  state: string;
  seconds: number;
  failure?: string;
  /** How many times it ran, where more than once (--flake-attempts). */
  attempts?: number;
}

/** One row per It of Ginkgo's JSON report (suite-level nodes such as BeforeSuite only when they failed). */
export function specResults(report: { SpecReports: SpecReport[] | null }[]): SpecResult[] {
  return report
    .flatMap((suite) => suite.SpecReports ?? [])
    .filter((s) => s.LeafNodeType === 'It' || s.State !== 'passed')
    .map((s) => ({
      spec: [...(s.ContainerHierarchyTexts ?? []), s.LeafNodeText || `[${s.LeafNodeType}]`].join(' ').trim(),
      location: `${s.LeafNodeLocation.FileName.replace(/^.*\/(test\/e2e\/)/, '$1')}:${s.LeafNodeLocation.LineNumber}`,
      // Ginkgo reports a spec the filters left out as skipped with no message; a spec that skipped itself says why.
      state: s.State === 'skipped' && !s.Failure ? 'not selected' : s.State,
      seconds: Math.round(s.RunTime / 1e8) / 10,
      failure: (s.Failure?.Message ?? s.AdditionalFailures?.map((f) => f.Failure.Message).join(' '))?.replace(/\s+/g, ' ').trim().slice(0, 300) || undefined,
      ...((s.NumAttempts ?? 1) > 1 && { attempts: s.NumAttempts }),
    }))
    .sort((a, b) => a.location.localeCompare(b.location, 'en', { numeric: true }));
}

export function specTable(results: SpecResult[]): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const attempts = (r: SpecResult) => (r.attempts ? ` (${r.attempts} attempts)` : '');
  const rows = results.map((r) => `| ${escape(r.spec)} | ${r.state}${attempts(r)}${r.failure ? `: ${escape(r.failure)}` : ''} | ${r.seconds} |`);
  return ['| spec | result | seconds |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * One row per spec from several passes over the same suite: a spec's row is the one of the pass that ran it (not
 * left out by the filters and not skipped by the spec itself), else its first.
 */
export function mergePasses(passes: SpecResult[][]): SpecResult[] {
  const ran = (r: SpecResult) => r.state !== 'not selected' && r.state !== 'skipped';
  const rows = new Map<string, SpecResult>();
  for (const result of passes.flat()) {
    const key = `${result.location} ${result.spec}`;
    const kept = rows.get(key);
    if (!kept || (!ran(kept) && ran(result))) rows.set(key, result);
  }
  return [...rows.values()].sort((a, b) => a.location.localeCompare(b.location, 'en', { numeric: true }));
}

async function lastLine(command: string, args: string[]): Promise<string> {
  const { stdout } = await execa(command, args, { stderr: 'inherit' });
  return stdout.trim().split('\n').pop() ?? '';
}

class UsageError extends Error {
  readonly usage = true;
}

export interface Pass {
  name: string;
  out: string;
  args: string[];
}

/**
 * The suite's runs for a selection, each into a folder of its own: Default mode; the ClusterProperty spec alone when
 * the selection holds it (AGENT_ROLLING_SPEC); the Hosted-mode specs when asked.
 */
export function suitePasses(selection: { out: string; focus?: string; skip: string; labelFilter?: string; hosted: boolean }): Pass[] {
  const { out, focus, skip, labelFilter, hosted } = selection;
  const labels = labelFilter ? [`-ginkgo.label-filter=${labelFilter}`] : [];
  const passes: Pass[] = [
    {
      name: 'Default mode',
      out,
      args: [
        '-klusterlet-deploy-mode=Default',
        ...(focus ? [`-ginkgo.focus=${focus}`] : []),
        `-ginkgo.skip=${[skip, AGENT_ROLLING_SPEC.focus].filter(Boolean).join('|')}`,
        ...labels,
      ],
    },
  ];
  if (selects(focus, skip, AGENT_ROLLING_SPEC.text)) {
    passes.push({
      name: `${AGENT_ROLLING_SPEC.focus}, alone (it rolls the suite's registration agent out twice)`,
      out: join(out, 'cluster-property'),
      args: ['-klusterlet-deploy-mode=Default', `-ginkgo.focus=${AGENT_ROLLING_SPEC.focus}`, ...labels],
    });
  }
  if (hosted) passes.push({ name: 'Hosted mode', out: join(out, 'hosted'), args: ['-klusterlet-deploy-mode=SingletonHosted', `-ginkgo.label-filter=${HOSTED_LABEL}`] });
  return passes;
}

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('npm run test:ocm-e2e --')
    .option('config', { alias: 'c', type: 'string', describe: `a kind lab config (default: ${DEFAULT_CONFIG}, with --all ${ALL_CONFIG})` })
    .option('cluster', { type: 'string', describe: `the managed cluster to test (default: ${LOCAL_CLUSTER} when the hub manages itself, else the first)` })
    .option('all', { type: 'boolean', describe: 'every spec, in Default and then in Hosted mode, on a hub that manages itself' })
    .option('focus', { type: 'string', describe: 'Ginkgo focus regexp (default: the specs every kind lab passes)' })
    .option('skip', { type: 'string', describe: 'Ginkgo skip regexp' })
    .option('label-filter', { type: 'string', describe: 'Ginkgo label filter' })
    .option('flake-attempts', {
      type: 'number',
      default: 1,
      describe: 'runs a failed spec up to this many times in all (Ginkgo -flake-attempts); the reports name every spec that needed more than one',
    })
    .check((args) => {
      if (!Number.isInteger(args['flake-attempts']) || args['flake-attempts'] < 1 || args['flake-attempts'] > 5) throw new UsageError('--flake-attempts takes a whole number from 1 to 5');
      return true;
    })
    .option('out', { type: 'string', default: 'ocm-e2e-results', describe: 'folder for each pass\'s junit.xml and report.json, and the merged specs.md and results.json' })
    .conflicts('all', ['focus', 'skip', 'label-filter'])
    .strict()
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    })
    .help()
    .parse();

  const configPath = argv.config ?? (argv.all ? ALL_CONFIG : DEFAULT_CONFIG);
  const spec = loadConfig(configPath);
  if (spec.provider !== 'kind') {
    throw new UsageError(`${configPath}: OCM's e2e suite needs the klusterlet operator's pods, so a kind lab (provider: kind, not ${spec.provider})`);
  }
  const joined = joinedClusters(spec).map((c) => c.name);
  const managed = argv.cluster ?? (spec.hub.manage ? LOCAL_CLUSTER : joined[0]!);
  if (!joined.includes(managed)) throw new UsageError(`${configPath}: no managed cluster "${managed}" (the lab joins ${joined.join(', ')})`);
  const selfManaged = managed === LOCAL_CLUSTER;
  if (argv.all) {
    if (!selfManaged) {
      throw new UsageError(
        `--all needs the hub as the suite's managed cluster (hub.manage: true in ${configPath}, --cluster ${LOCAL_CLUSTER}): several specs read with the hub's client what an agent writes on its cluster, as upstream runs them on one cluster`,
      );
    }
    const adoptable = joined.filter((name) => name !== managed && !name.startsWith('e2e-'));
    if (adoptable.length) {
      throw new UsageError(
        `${configPath}: with --all the hub may hold no ManagedCluster but the suite's and e2e-* ones (${adoptable.join(', ')}): the spec "Created klusterlet without managed cluster name" adopts the first other one and deletes it`,
      );
    }
  }

  const unloaded = SPECS_NEEDING_IMAGES.filter(({ images }) => images.some((image) => !spec.kind.extraImages.includes(image)));
  for (const { images, specs } of unloaded) {
    process.stdout.write(`[ocm-e2e] ${configPath} does not load ${images.join(', ')} (kind.extraImages): leaving out ${specs.join('; ')}\n`);
  }
  // The template add-on spec reads with the hub's client what its agent writes on the managed cluster.
  const defaultSkip = argv.all || selfManaged ? [] : [HUB_IS_SPOKE_SPECS];
  const skip = [...(argv.skip !== undefined ? [argv.skip] : defaultSkip), ...unloaded.flatMap(({ specs }) => specs)].filter(Boolean).join('|');

  const binary = await lastLine('npx', ['tsx', join(repoRoot(), 'ops/ocm-e2e/build.ts')]);
  const up = () => execa(LAB, ['up', '--config', configPath], { stdio: 'inherit' });
  await up();
  const hubKubeconfig = await lastLine(LAB, ['kubeconfig', spec.hub.name, '--config', configPath]);
  const managedKubeconfig = selfManaged ? hubKubeconfig : await lastLine(LAB, ['kubeconfig', managed, '--config', configPath]);
  const suiteCluster = selfManaged ? spec.hub.name : managed;

  const out = resolve(argv.out);
  const image = (name: string) => `quay.io/open-cluster-management/${name}:${spec.ocm.version}`;
  const common = [
    `-hub-kubeconfig=${hubKubeconfig}`,
    `-managed-kubeconfig=${managedKubeconfig}`,
    '-nil-executor-validating=true',
    `-registration-image=${image('registration')}`,
    `-work-image=${image('work')}`,
    `-singleton-image=${image('registration-operator')}`,
    `-ginkgo.timeout=${argv.all ? '100m' : '50m'}`,
    '-ginkgo.no-color',
    '-ginkgo.v',
    ...(argv['flake-attempts'] > 1 ? [`-ginkgo.flake-attempts=${argv['flake-attempts']}`] : []),
  ];
  const passes = suitePasses({ out, focus: argv.all ? undefined : (argv.focus ?? DEFAULT_FOCUS), skip, labelFilter: argv['label-filter'], hosted: !!argv.all });

  // The suite's "With Job" spec waits until no pod at all is left in the managed cluster's default namespace.
  const suiteClient = new ClusterClient(suiteCluster, managedKubeconfig);
  const strangers = await suiteClient.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' });
  if (strangers.length) {
    const names = strangers.map((pod) => pod.metadata?.name).join(', ');
    throw new UsageError(
      `${suiteCluster} has pods in its default namespace (${names}); OCM's e2e suite needs it empty (its Job spec waits for every pod there to go): remove them, or test another cluster (--cluster)`,
    );
  }
  process.stdout.write(`[ocm-e2e] ${managed}: the lab's klusterlet makes way for the suite's\n`);
  const bootstrap = await handOverSpoke({ cluster: suiteCluster, kubeconfig: managedKubeconfig, selfManagedAs: selfManaged ? managed : undefined });
  const hubClient = new ClusterClient(spec.hub.name, hubKubeconfig);
  const leftovers = await removeSuiteLeftovers(hubClient);
  if (leftovers.length) process.stdout.write(`[ocm-e2e] ${spec.hub.name}: removed what an earlier run of the suite left: ${leftovers.join(', ')}\n`);
  process.stdout.write(`[ocm-e2e] ${spec.hub.name}: the feature gates the suite turns on, rolled out before it starts\n`);
  await enableSuiteHubGates(hubClient);
  const removePolicy = await usePreloadedImages(suiteClient, [
    BUSYBOX_IMAGE.replace(/:latest$/, ''),
  ]);
  const exitCodes: (number | undefined)[] = [];
  const reports: SpecResult[][] = [];
  try {
    for (const [index, pass] of passes.entries()) {
      if (index > 0) await prepareSpoke(suiteClient, hubClient, bootstrap);
      mkdirSync(pass.out, { recursive: true });
      process.stdout.write(`[ocm-e2e] ${pass.name}: ${binary} against ${spec.hub.name} and ${managed} of lab ${spec.name}\n`);
      const args = [...common, ...pass.args, `-ginkgo.junit-report=${join(pass.out, 'junit.xml')}`, `-ginkgo.json-report=${join(pass.out, 'report.json')}`];
      const suite = await execa(binary, args, { stdio: 'inherit', reject: false, cwd: pass.out });
      exitCodes.push(suite.exitCode);
      reports.push(specResults(JSON.parse(readFileSync(join(pass.out, 'report.json'), 'utf8'))));
    }
  } finally {
    await removePolicy();
  }

  // The report first: it stands even if the cluster does not join the lab again.
  const results = mergePasses(reports);
  const table = specTable(results);
  writeFileSync(join(out, 'specs.md'), `${table}\n`);
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const count = (state: string) => results.filter((r) => r.state === state).length;
  const failed = results.filter((r) => !['passed', 'skipped', 'pending', 'not selected'].includes(r.state)).length;
  process.stdout.write(
    `\n${table}\n\n${count('passed')} passed (${results.filter((r) => r.state === 'passed' && r.attempts).length} of them after a failed attempt), ${failed} failed, ${count('skipped')} skipped, ${count('not selected')} not selected (reports in ${out})\n`,
  );

  process.stdout.write(`[ocm-e2e] ${managed} joins the lab again\n`);
  await up();
  return failed === 0 && exitCodes.every((code) => code === 0) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof UsageError || (error as { exitCode?: number }).exitCode === 2 ? 2 : 1);
    },
  );
}
