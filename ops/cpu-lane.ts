// A CPU share for one of `npm test`'s two runs. On cgroup v1 with Docker's cgroupfs driver (this machine) every kind
// node sits in Docker's one cpu cgroup, and with the kernel's autogroup scheduling each session in the root cgroup
// weighs as much as that whole group. A local lab starts each of its servers in a session of its own (detached), so a
// few dozen busy servers left all the kind nodes together a few per cent of the 2 cores: CI on 2026-12-06 saw a load
// of 25 to 31, the kind hub's /readyz unanswered and its OCM controllers restarted. Measured here: with 12 busy
// processes in sessions of their own, a fixed CPU job in a container took 6x as long (32 s against 5.5 s idle); with
// those processes in a cgroup of Docker's weight, as long as on an idle machine. The local run goes into such a cgroup:
// when both runs are busy each side gets half the machine, and either takes all of it when the other waits.
// Elsewhere (cgroup v2, no rights) the run goes unchanged and says so.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Docker's default cpu.shares, which its group has before it holds a container. */
const DEFAULT_SHARES = '1024';

export interface CpuLane {
  /** The command line that runs `argv` inside the lane's cgroup. */
  wrap(argv: string[]): string[];
  /** Removes the cgroup; call once every process of the lane has ended. */
  remove(): void;
}

/** A cpu cgroup weighted as Docker's, or the reason there is none (no cgroup v1 cpu controller at `cpuRoot`, no rights). */
export function cpuLane(name: string, cpuRoot = '/sys/fs/cgroup/cpu'): CpuLane | { reason: string } {
  if (!existsSync(join(cpuRoot, 'cpu.shares'))) return { reason: `no cgroup v1 cpu controller at ${cpuRoot}` };
  const dockerShares = join(cpuRoot, 'docker', 'cpu.shares');
  const dir = join(cpuRoot, `ocm-lab-${name}-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'cpu.shares'), existsSync(dockerShares) ? readFileSync(dockerShares, 'utf8').trim() : DEFAULT_SHARES);
  } catch (error) {
    return { reason: `cannot make ${dir}: ${(error as Error).message}` };
  }
  return {
    // The shell joins the cgroup before it becomes the command, so every process the run starts is inside.
    wrap: (argv) => ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, ...argv],
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // A process of the lane still lives (it outlived its run): the empty group is harmless and goes at reboot.
      }
    },
  };
}
