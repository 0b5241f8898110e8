// The kind part of `npm run bench -- --kind`: image build (warm, and cold with --kind-cold), `./lab up`
// of hub + 2 on kind until every managed cluster is Available, `./lab down`, and the same three clusters
// made the way OCM's solutions/setup-dev-environment/local-up.sh makes them (kind clusters one after
// another, `clusteradm init --wait`, each `join --wait` one at a time, accept, wait for Available), on
// the same node image, in the same run: the ratio is ours over that baseline.
import { existsSync } from 'node:fs';
import { $, fs, os, path } from 'zx';
import { kindClusterConfig, isCgroupV1 } from '../src/providers/kind/kind-commands.js';
import { recordHostSysctls, restoreHostSysctls } from '../src/providers/kind/host-sysctls.js';
import { parseHubToken } from '../src/ocm/clusteradm/clusteradm-installer.js';
import { getTokenArgs } from '../src/ocm/clusteradm/commands.js';
import { OCM_NAMESPACES } from '../src/ocm/clusteradm/operator-deployments.js';
import { NODE_IMAGE } from '../src/toolchain/images.js';
import { findToolchain } from '../src/toolchain/toolchain.js';
import { loadVersions } from '../src/toolchain/versions.js';
import { median, seconds } from './bench/measure.js';
import { medianPhases, parseUpPhases, phaseLine, rechecks } from './bench/up-phases.js';
import type { PhaseTiming } from '../src/lab/bring-up/action.js';

export type Row = [measure: string, seconds: string, note: string];

const fmt = (x: number) => x.toFixed(1);

/** The local-up.sh way, timed from nothing to both managed clusters Available. */
async function sequentialBaseline(work: string): Promise<number> {
  const bin = (name: 'kind' | 'clusteradm' | 'kubectl') => findToolchain()!.bin(name);
  const names = ['hub', 'cluster1', 'cluster2'];
  const kindName = (c: string) => `bench-seq-${c}`;
  const kubeconfig = (c: string) => path.join(work, `${c}.kubeconfig`);
  const config = path.join(work, 'kind.yaml');
  const owner = path.join(work, 'owner');
  await fs.mkdirp(owner);
  await fs.writeFile(config, kindClusterConfig({ ownerDir: owner, cgroupV1: isCgroupV1(existsSync), offlineImage: true }));
  const sysctls = path.join(work, 'sysctls.json');
  recordHostSysctls(sysctls);
  const version = loadVersions().ocm;
  try {
    return await seconds(async () => {
      for (const c of names) await $`${bin('kind')} create cluster --name ${kindName(c)} --image ${NODE_IMAGE} --config ${config} --kubeconfig ${kubeconfig(c)}`.quiet();
      await $`${bin('clusteradm')} init --wait --bundle-version ${version} --kubeconfig ${kubeconfig('hub')}`.quiet();
      const token = parseHubToken((await $`${bin('clusteradm')} ${getTokenArgs({ kubeconfig: kubeconfig('hub') })}`).stdout);
      const server = (await $`${bin('kubectl')} --kubeconfig ${kubeconfig('hub')} config view --minify -o jsonpath={.clusters[0].cluster.server}`).stdout.trim();
      for (const c of names.slice(1)) {
        await $`${bin('clusteradm')} join --hub-token ${token} --hub-apiserver ${server} --cluster-name ${c} --force-internal-endpoint-lookup --bundle-version ${version} --wait --kubeconfig ${kubeconfig(c)}`.quiet();
      }
      await $`${bin('clusteradm')} accept --clusters ${names.slice(1).join(',')} --wait --kubeconfig ${kubeconfig('hub')}`;
      await $`${bin('kubectl')} --kubeconfig ${kubeconfig('hub')} wait --for=condition=ManagedClusterConditionAvailable managedcluster --all --timeout=300s`;
      // The same end point as `./lab up`: every OCM Deployment of every cluster available.
      for (const c of names) {
        for (const ns of OCM_NAMESPACES[c === 'hub' ? 'hub' : 'managed']) await $`${bin('kubectl')} --kubeconfig ${kubeconfig(c)} wait --for=condition=Available deployment --all -n ${ns} --timeout=300s`;
      }
    });
  } finally {
    for (const c of names) await $`${bin('kind')} delete cluster --name ${kindName(c)} --kubeconfig ${kubeconfig(c)}`.nothrow().quiet();
    restoreHostSysctls(sysctls);
  }
}

/** Rows for kind; `cold` also times an image build into an empty images cache (the Go build cache stays warm). */
export async function kindRows(options: { repo: string; rounds: number; cold: boolean }): Promise<Row[]> {
  const lab = path.join(options.repo, 'lab');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocm-lab-bench-kind-'));
  const config = path.join(dir, 'lab.config.yaml');
  await fs.writeFile(config, 'name: bench-kind\nprovider: kind\nkind:\n  images: local\nmanagedClusters:\n  - name: cluster1\n  - name: cluster2\n');
  const rows: Row[] = [];
  try {
    await $`${lab} setup --kind`;
    if (options.cold) {
      const scratch = path.join(dir, 'images-cache');
      const cold = await seconds(() => $({ env: { ...process.env, OCM_LAB_IMAGES_CACHE: scratch } })`npx tsx ${path.join(options.repo, 'ops/images/build.ts')} --force`);
      rows.push(['kind images: cold build', fmt(cold), 'empty images cache (debootstrap, Go builds from a warm Go build cache, every image)']);
    }
    const warm = await seconds(() => $`${lab} setup --kind`);
    rows.push(['kind images: warm build', fmt(warm), 'nothing changed: `./lab setup --kind` finds every image']);

    // The lab and the baseline take turns, round by round, so a machine that gets slower or faster during the run
    // weighs on both alike; the ratio is the median of the rounds' own ratios.
    const ups: number[] = [];
    const downs: number[] = [];
    const baselines: number[] = [];
    const phases: PhaseTiming[][] = [];
    for (let round = 1; round <= options.rounds; round++) {
      let woken: string[] = [];
      try {
        let output = { stdout: '', stderr: '' };
        ups.push(await seconds(async () => (output = await $`${lab} up --config ${config} --json`.quiet())));
        phases.push(parseUpPhases(output.stdout));
        woken = rechecks(output.stderr);
        downs.push(await seconds(() => $`${lab} down --config ${config}`));
      } catch (error) {
        await $`${lab} down --config ${config}`.nothrow();
        throw error;
      }
      baselines.push(await sequentialBaseline(await fs.mkdtemp(path.join(dir, 'sequential-'))));
      process.stderr.write(
        `kind round ${round}: up ${fmt(ups.at(-1)!)}s (${phaseLine(phases.at(-1)!)}; recheck: ${woken.join(', ') || 'none needed'}), down ${fmt(downs.at(-1)!)}s, the local-up.sh way ${fmt(baselines.at(-1)!)}s\n`,
      );
    }
    const ratios = ups.map((up, i) => up / baselines[i]!);
    rows.push(
      ['kind up (hub + 2, all Available)', fmt(median(ups)), `median of ${options.rounds}: ${ups.map(fmt).join(', ')}; ${median(ratios).toFixed(2)} of the local-up.sh way (median of the rounds' ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}); target <= 60 and < 0.5`],
      ['kind up, by phase', '', `median of ${options.rounds} (phases overlap: the hub install starts with the hub cluster): ${medianPhases(phases)}`],
      ['kind down', fmt(median(downs)), `median of ${options.rounds}: ${downs.map(fmt).join(', ')}`],
      ['kind, the local-up.sh way (baseline)', fmt(median(baselines)), `median of ${options.rounds}, one after each lab round: ${baselines.map(fmt).join(', ')}; clusters one after another, init --wait, each join --wait in turn, accept, Available; same node image`],
    );
    return rows;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
