// The floor under a local lab: its control planes made and deleted by bare kwokctl (the toolchain's binaries, one fake
// node each), as a user would run it offline, with no OCM and none of the lab's checks. One after another: bare kwokctl
// run in parallel picks the same free ports now and then (the lab claims its ports host-wide).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { median, seconds } from './measure.js';
import { machineBusySeconds } from './proc-usage.js';

export interface KwokctlFloor {
  /** Wall seconds to create every cluster (each with its node), one after another. */
  createSeconds: number;
  /** Wall seconds of each create, in order. */
  perCluster: number[];
  /** CPU seconds the whole machine spent while they were created (every core, anything running). */
  createCpuSeconds: number;
  deleteSeconds: number;
}

type Bin = (name: 'kwokctl' | 'kwok' | 'kubectl' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd') => string;

export async function kwokctlFloor(bin: Bin, names: string[], onCreated?: (name: string, seconds: number) => void): Promise<KwokctlFloor> {
  const work = await mkdtemp(join(tmpdir(), 'ocm-lab-bench-kwok-'));
  const env = { ...process.env, KWOK_WORKDIR: work, PATH: `${dirname(bin('kubectl'))}:${process.env.PATH}` };
  const binaries = (['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const).flatMap((b) => [`--${b}-binary`, bin(b)]);
  const kubeconfig = (name: string) => join(work, `${name}.kubeconfig`);
  const kwokctl = (args: string[]) => execa(bin('kwokctl'), args, { env, stdin: 'ignore' });
  const remove = (name: string) => kwokctl(['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig(name)]);
  let deleted = false;
  try {
    const perCluster: number[] = [];
    const cpuBefore = machineBusySeconds();
    const createSeconds = await seconds(async () => {
      for (const name of names) {
        perCluster.push(
          await seconds(async () => {
            await kwokctl(['create', 'cluster', '--name', name, '--runtime', 'binary', ...binaries, '--kwok-controller-binary', bin('kwok'), '--kubeconfig', kubeconfig(name), '--wait', '2m']);
            await kwokctl(['scale', 'node', '--name', name, '--replicas', '1']);
          }),
        );
        onCreated?.(name, perCluster.at(-1)!);
      }
    });
    const createCpuSeconds = machineBusySeconds() - cpuBefore;
    const deleteSeconds = await seconds(async () => {
      for (const name of names) await remove(name);
    });
    deleted = true;
    return { createSeconds, perCluster, createCpuSeconds, deleteSeconds };
  } finally {
    // After a failure, whatever was made goes (a delete of a cluster never made does nothing).
    if (!deleted) for (const name of names) await remove(name).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** What the floor says, in lines for the summary. */
export function floorLines(floor: KwokctlFloor, cores: number): string[] {
  const each = (xs: number[]) => `${median(xs).toFixed(1)}s`;
  return [
    `bare kwokctl, ${floor.perCluster.length} control planes one after another: made in ${floor.createSeconds.toFixed(1)}s ` +
      `(the first 10 ${each(floor.perCluster.slice(0, 10))} each, the last 10 ${each(floor.perCluster.slice(-10))}; medians), deleted in ${floor.deleteSeconds.toFixed(1)}s`,
    `the machine was busy ${floor.createCpuSeconds.toFixed(0)} CPU-seconds while they were made (${(floor.createCpuSeconds / cores).toFixed(0)}s of all ${cores} cores)`,
  ];
}
