// `npm run bench -- --scale N`: a local lab of hub + N managed clusters with real agents, brought up in steps
// (`./lab up` of 10 clusters, then of 20, ...: up extends a lab), sampled after each step (hub CPU and RSS, the
// lab's RSS, machine memory, load, hub LIST latency); then 100 ManifestWorks per cluster applied on the hub and
// timed until all are Applied and Available, sampled again; then `./lab down`, which always runs. Writes
// samples.csv, samples.svg and results.json into a folder it prints, and the measures against the N=50 targets.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { ClusterClient, type ObjectRef } from '../src/kube/cluster-client.js';
import { stateRoot } from '../src/lab/state.js';
import type { ComponentStatus } from '../src/ocm/installer.js';
import { MANAGED_CLUSTER } from '../src/ocm/resources.js';
import { processesOwnedBy } from '../src/process/ownership.js';
import type { ProcInfo } from '../src/process/proc.js';
import { CLUSTER_PART_PREFIX } from '../src/providers/local/local-provider.js';
import { findToolchain } from '../src/toolchain/toolchain.js';
import { floorLines, kwokctlFloor, type KwokctlFloor } from './bench/kwokctl-floor.js';
import { keepLabLogs } from './bench/lab-logs.js';
import { applyWorks, MANIFEST_WORK, waitAllAvailable } from './bench/manifest-works.js';
import { median, seconds } from './bench/measure.js';
import { machineBusySeconds, machineUsage, usageByProgram, usageOf, type Usage } from './bench/proc-usage.js';
import { parseScaleArgs, SCALE_USAGE, stepCounts, type ScaleArgs } from './bench/scale-args.js';
import { cpuLines, scaleCsv, scaleSvg, targetLines, type ScaleSample, type ScaleTotals } from './bench/scale-report.js';

const HUB = 'hub';
const WORKS_TIMEOUT_MS = 15 * 60_000;
const LIST_RUNS = 5;
/** How long the lab is left alone after each step to see what it costs doing nothing. */
const QUIET_WINDOW_MS = 15_000;

type ProgramUsage = Usage & { program: string };

interface PhaseTiming {
  title: string;
  durationMs: number;
  outcome: string;
}

/** What `./lab up --json` prints (the fields used here). */
interface UpOutput {
  stateDir: string;
  kubeconfigs: Record<string, string>;
  phases: PhaseTiming[];
  totalMs: number;
}

interface UpStep {
  clusters: number;
  wallSeconds: number;
  totalMs: number;
  phases: PhaseTiming[];
}

/** The bench's lab: its config file, and how to run ./lab on it. */
class BenchLab {
  readonly name: string;
  readonly config: string;
  readonly stateDir: string;

  constructor(
    private readonly repo: string,
    dir: string,
    clusters: number,
  ) {
    this.name = `bench-scale-${clusters}`;
    this.config = join(dir, 'lab.config.yaml');
    this.stateDir = stateRoot({ name: this.name, configPath: this.config });
  }

  /** The config with `count` managed clusters (cluster01, cluster02, ...). */
  async writeConfig(count: number, width: number): Promise<void> {
    const clusters = Array.from({ length: count }, (_, i) => `  - name: cluster${String(i + 1).padStart(width, '0')}`);
    const config = [`name: ${this.name}`, 'provider: local', 'ocm:', '  featureGates:', '    ManifestWorkReplicaSet: true', `hub:`, `  name: ${HUB}`, 'managedClusters:', ...clusters, ''];
    await writeFile(this.config, config.join('\n'));
  }

  /**
   * Runs ./lab on the config and returns its exit code and stdout; its stderr (progress, errors) goes to this
   * terminal unless `quiet`, when it is returned too. Ctrl-C reaches it from the terminal, not through here: a
   * second SIGINT would make it exit at once instead of stopping cleanly.
   */
  async run(args: string[], options: { quiet?: boolean } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const result = await execa(join(this.repo, 'lab'), [...args, '--config', this.config], {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: options.quiet ? 'pipe' : 'inherit',
      reject: false,
    });
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr ?? '') };
  }

  async up(): Promise<UpOutput> {
    const { exitCode, stdout } = await this.run(['up', '--json']);
    if (exitCode !== 0) throw new Error(`./lab up failed (exit ${exitCode}); its error is printed above`);
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as UpOutput;
  }

  /** The OCM components as `./lab status --json` reports them (it exits 1 when something is unhealthy). */
  async components(): Promise<ComponentStatus[]> {
    const { stdout } = await this.run(['status', '--json'], { quiet: true });
    try {
      return (JSON.parse(stdout) as { components: ComponentStatus[] }).components;
    } catch {
      return [];
    }
  }

  /** Every live process carrying the lab's owner marker. */
  processes(): ProcInfo[] {
    return processesOwnedBy({ root: this.stateDir });
  }
}

/** Milliseconds of one LIST (all namespaces), median of LIST_RUNS after one untimed call. */
async function listLatencyMs(hub: ClusterClient, ref: ObjectRef): Promise<number> {
  await hub.list(ref);
  const times: number[] = [];
  for (let i = 0; i < LIST_RUNS; i++) {
    const started = performance.now();
    await hub.list(ref);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Cores the whole machine kept busy (CPU-seconds a second) while this process waited `ms`. */
async function busyCoresOver(ms: number, signal: AbortSignal): Promise<number> {
  const before = machineBusySeconds();
  await sleep(ms, undefined, { signal });
  return (machineBusySeconds() - before) / (ms / 1000);
}

/** A sample, and the lab's usage by program then (results.json has it; the CSV does not). */
type Sample = ScaleSample & { programs: ProgramUsage[] };

async function sample(lab: BenchLab, hub: ClusterClient, clusters: number, extra: Pick<ScaleSample, 'upSeconds' | 'works' | 'applySeconds' | 'allAvailableSeconds' | 'busyCores'>): Promise<Sample> {
  const hubPids = (await lab.components()).filter((c) => c.cluster === HUB && c.pid).map((c) => c.pid!);
  const hubOcm = usageOf(hubPids);
  const hubControlPlane = usageOf(processesOwnedBy({ root: lab.stateDir, part: `${CLUSTER_PART_PREFIX}${HUB}` }).map((p) => p.pid));
  const owned = lab.processes();
  const all = usageOf(owned.map((p) => p.pid));
  const machine = machineUsage();
  return {
    clusters,
    ...extra,
    hubCpuSeconds: hubOcm.cpuSeconds,
    hubRssMb: hubOcm.rssMb,
    hubControlPlaneCpuSeconds: hubControlPlane.cpuSeconds,
    hubControlPlaneRssMb: hubControlPlane.rssMb,
    labProcesses: all.processes,
    labRssMb: all.rssMb,
    labPssMb: all.pssMb,
    machineUsedMb: machine.usedMb,
    load1: machine.load1,
    listManagedClustersMs: await listLatencyMs(hub, MANAGED_CLUSTER),
    listManifestWorksMs: await listLatencyMs(hub, MANIFEST_WORK),
    programs: usageByProgram(owned),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench --scale] ${line}\n`);
}

function describeSample(s: ScaleSample): string {
  return (
    `${s.clusters} clusters, ${s.works} works: hub OCM ${s.hubRssMb.toFixed(0)} MB / ${s.hubCpuSeconds.toFixed(1)} s CPU, ` +
    `hub control plane ${s.hubControlPlaneRssMb.toFixed(0)} MB / ${s.hubControlPlaneCpuSeconds.toFixed(1)} s CPU, ` +
    `lab ${s.labProcesses} processes: RSS ${s.labRssMb.toFixed(0)} MB (${(s.labRssMb / s.clusters).toFixed(0)} MB a cluster), ` +
    `PSS ${s.labPssMb.toFixed(0)} MB (${(s.labPssMb / s.clusters).toFixed(0)} MB a cluster), machine ${s.machineUsedMb.toFixed(0)} MB used, load ${s.load1.toFixed(2)}${s.busyCores === undefined ? '' : `, ${s.busyCores.toFixed(2)} cores busy`}, ` +
    `LIST managedclusters ${s.listManagedClustersMs.toFixed(1)} ms, manifestworks ${s.listManifestWorksMs.toFixed(1)} ms`
  );
}

function describePrograms(programs: ProgramUsage[]): string {
  const width = Math.max(...programs.map((p) => p.program.length));
  return programs.map((p) => `  ${p.program.padEnd(width)} ${p.pssMb.toFixed(0).padStart(6)} MB  x${String(p.processes).padEnd(3)} ${(p.pssMb / p.processes).toFixed(0).padStart(5)} MB`).join('\n');
}

function describePhases(step: UpStep): string {
  const phases = step.phases.map((p) => `${p.title} ${p.outcome === 'skipped' ? 'skipped' : `${(p.durationMs / 1000).toFixed(1)}s`}`);
  return `up to ${step.clusters}: ${step.wallSeconds.toFixed(1)}s wall (${(step.totalMs / 1000).toFixed(1)}s in up): ${phases.join(', ')}`;
}

/** What a run gathers; written out whether or not it got to the end. */
interface ScaleRun {
  args: ScaleArgs;
  steps: UpStep[];
  samples: Sample[];
  worksAvailableSeconds?: number;
  downSeconds?: number;
  /** Memory used on the machine before the first `up`. */
  machineBaselineMb: number;
  /** Why the run stopped early, if it did. */
  failure?: string;
  /** The bare-kwokctl floor (--floor), measured after the lab is down. */
  floor?: KwokctlFloor;
  /** Whether anything of the lab was left after down. */
  leftovers: string[];
}

/** `up` in steps, each sampled; then the works, timed until all are Available, sampled again. */
async function bringUpAndLoad(lab: BenchLab, run: ScaleRun, signal: AbortSignal): Promise<void> {
  const width = String(run.args.clusters).length;
  let hub: ClusterClient | undefined;
  let names: string[] = [];
  for (const count of stepCounts(run.args.clusters, run.args.step)) {
    signal.throwIfAborted();
    await lab.writeConfig(count, width);
    log(`./lab up with ${count} managed clusters`);
    let output: UpOutput | undefined;
    const wallSeconds = await seconds(async () => (output = await lab.up()));
    const step = { clusters: count, wallSeconds, totalMs: output!.totalMs, phases: output!.phases };
    run.steps.push(step);
    log(describePhases(step));
    hub ??= new ClusterClient(HUB, output!.kubeconfigs[HUB]!);
    names = Object.keys(output!.kubeconfigs).filter((c) => c !== HUB);
    const busyCores = await busyCoresOver(QUIET_WINDOW_MS, signal);
    run.samples.push(await sample(lab, hub, count, { upSeconds: wallSeconds, works: 0, busyCores }));
    log(describeSample(run.samples.at(-1)!));
  }
  if (!hub || run.args.worksPerCluster === 0) return;
  const expected = names.length * run.args.worksPerCluster;
  log(`applying ${expected} ManifestWorks (${run.args.worksPerCluster} per cluster) on the hub${run.args.worksPerSecond ? `, ${run.args.worksPerSecond} a second at most` : ''}`);
  const started = performance.now();
  const busyBefore = machineBusySeconds();
  await applyWorks(hub, names, run.args.worksPerCluster, { perSecond: run.args.worksPerSecond, signal });
  const applySeconds = (performance.now() - started) / 1000;
  log(`applied in ${applySeconds.toFixed(1)}s; waiting until all are Applied and Available`);
  let reportedAt = 0;
  await waitAllAvailable(hub, expected, {
    timeoutMs: WORKS_TIMEOUT_MS,
    signal,
    onProgress: (available) => {
      if (performance.now() - reportedAt < 2000 && available < expected) return;
      reportedAt = performance.now();
      log(`${available}/${expected} Available after ${((performance.now() - started) / 1000).toFixed(0)}s`);
    },
  });
  run.worksAvailableSeconds = (performance.now() - started) / 1000;
  const busyCores = (machineBusySeconds() - busyBefore) / run.worksAvailableSeconds;
  run.samples.push(await sample(lab, hub, names.length, { works: expected, applySeconds, allAvailableSeconds: run.worksAvailableSeconds, busyCores }));
  log(describeSample(run.samples.at(-1)!));
}

/** `./lab down`, then what of the lab is still there (state dir, marked processes, `./lab status` not saying so). */
async function tearDown(lab: BenchLab, run: ScaleRun, out: string): Promise<void> {
  if (run.failure && existsSync(lab.stateDir)) {
    const kept = await keepLabLogs(lab.stateDir, join(out, 'lab-logs')).catch((error: unknown) => `none (${error instanceof Error ? error.message : String(error)})`);
    log(`the lab failed: kept the end of ${kept} log files of it in ${join(out, 'lab-logs')}`);
  }
  log('./lab down');
  let exitCode = 0;
  run.downSeconds = await seconds(async () => ({ exitCode } = await lab.run(['down'])));
  if (exitCode !== 0) {
    run.leftovers.push(`./lab down exited ${exitCode}`);
    run.downSeconds = undefined;
  }
  const status = await lab.run(['status'], { quiet: true });
  if (!/no lab .* is up/.test(status.stderr)) run.leftovers.push(`./lab status (exit ${status.exitCode}) does not say the lab is gone: ${(status.stdout + status.stderr).trim()}`);
  if (existsSync(lab.stateDir)) run.leftovers.push(`its state dir ${lab.stateDir} is still there`);
  const pids = lab.processes().map((p) => p.pid);
  if (pids.length) run.leftovers.push(`${pids.length} of its processes still run: ${pids.join(' ')}`);
}

/** The same number of control planes made by bare kwokctl, one after another: what `up` cannot go below here. */
async function measureFloor(run: ScaleRun): Promise<void> {
  const toolchain = findToolchain()!;
  const width = String(run.args.clusters).length;
  const names = ['bench-floor-hub', ...Array.from({ length: run.args.clusters }, (_, i) => `bench-floor-${String(i + 1).padStart(width, '0')}`)];
  log(`the floor: ${names.length} control planes made by bare kwokctl, one after another`);
  run.floor = await kwokctlFloor((name) => toolchain.bin(name), names, (name, took) => {
    const made = names.indexOf(name) + 1;
    if (made % 10 === 0 || made === names.length) log(`bare kwokctl: ${made}/${names.length} made (the last in ${took.toFixed(1)}s)`);
  });
}

function totalsOf(run: ScaleRun): ScaleTotals {
  const complete = run.steps.length > 0 && run.steps.at(-1)!.clusters === run.args.clusters;
  return {
    clusters: run.args.clusters,
    upSeconds: complete ? run.steps.reduce((sum, s) => sum + s.wallSeconds, 0) : undefined,
    upSteps: run.steps.length,
    labPssMb: run.samples.length ? Math.max(...run.samples.map((s) => s.labPssMb)) : undefined,
    worksAvailableSeconds: run.worksAvailableSeconds,
    works: run.args.clusters * run.args.worksPerCluster,
    downSeconds: run.downSeconds,
  };
}

function defaultOutDir(repo: string, clusters: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return join(repo, 'bench-results', `scale-${clusters}-${stamp}`);
}

async function writeResults(out: string, run: ScaleRun): Promise<void> {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'samples.csv'), scaleCsv(run.samples));
  if (run.samples.length) await writeFile(join(out, 'samples.svg'), scaleSvg(run.samples));
  await writeFile(join(out, 'results.json'), `${JSON.stringify({ ...run, totals: totalsOf(run), machine: { cores: cpus().length, memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version } }, null, 2)}\n`);
}

function printSummary(out: string, run: ScaleRun): void {
  const steps = run.steps.map((s) => `${s.clusters}: ${s.wallSeconds.toFixed(1)}s`).join(', ');
  console.log(`\nscale benchmark, ${run.args.clusters} managed clusters in steps of ${run.args.step} (up per step: ${steps || 'none'})`);
  for (const line of targetLines(totalsOf(run))) console.log(`  ${line}`);
  if (run.samples.length) {
    const peakUsed = Math.max(...run.samples.map((s) => s.machineUsedMb));
    console.log(`  machine memory used: ${run.machineBaselineMb.toFixed(0)} MB before the lab, ${peakUsed.toFixed(0)} MB at most with it`);
    console.log(`\nthe lab's memory by program at the end (PSS, processes, PSS each):\n${describePrograms(run.samples.at(-1)!.programs)}`);
  }
  for (const line of cpuLines(run.samples, cpus().length)) console.log(`  ${line}`);
  if (run.floor) console.log(`\n${floorLines(run.floor, cpus().length).join('\n')}`);
  if (run.failure) console.log(`\nstopped early: ${run.failure}`);
  if (run.leftovers.length) console.log(`\nthe lab was NOT fully removed:\n  ${run.leftovers.join('\n  ')}`);
  else console.log('\nthe lab is gone (no state dir, no marked process, ./lab status finds no lab)');
  console.log(`\nresults: ${out}`);
}

/** The whole benchmark; `down` always runs, and the results are written however far it got. */
export async function scaleBench(repo: string, args: ScaleArgs): Promise<void> {
  if (!findToolchain()) await execa(join(repo, 'lab'), ['setup'], { stdio: 'inherit' });
  // Not timed: builds dist/ when stale.
  await execa(join(repo, 'lab'), ['--help'], { stdio: 'ignore' });
  const dir = await mkdtemp(join(tmpdir(), 'ocm-lab-bench-scale-'));
  const lab = new BenchLab(repo, dir, args.clusters);
  const out = args.outDir ?? defaultOutDir(repo, args.clusters);
  const run: ScaleRun = { args, steps: [], samples: [], machineBaselineMb: machineUsage().usedMb, leftovers: [] };
  const interrupt = new AbortController();
  // Every parallel apply listens to it.
  setMaxListeners(200, interrupt.signal);
  // Ctrl-C reaches ./lab too, which stops; this process carries on to `down` (repeats are ignored: down must run).
  const onInterrupt = () => interrupt.abort(new Error('interrupted'));
  process.on('SIGINT', onInterrupt);
  try {
    await bringUpAndLoad(lab, run, interrupt.signal);
  } catch (error) {
    run.failure = error instanceof Error ? error.message : String(error);
  } finally {
    try {
      await tearDown(lab, run, out);
      if (args.floor && !interrupt.signal.aborted && !run.leftovers.length) await measureFloor(run);
    } catch (error) {
      run.failure ??= `the floor: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      process.off('SIGINT', onInterrupt);
      await rm(dir, { recursive: true, force: true });
    }
  }
  await writeResults(out, run);
  printSummary(out, run);
  if (run.failure || run.leftovers.length) process.exitCode = 1;
}

/** Entry from ops/bench.ts: `argv` are the arguments after the script. */
export async function main(argv: string[], repo: string): Promise<void> {
  const args = parseScaleArgs(argv);
  if (!args) throw new Error(`no --scale N: ${SCALE_USAGE}`);
  await scaleBench(repo, args);
}
