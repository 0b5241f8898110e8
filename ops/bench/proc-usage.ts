// What processes and the machine use, read from /proc: CPU seconds, RSS and PSS of a set of pids, memory used, load.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** CPU seconds and memory of a set of processes, summed. */
export interface Usage {
  processes: number;
  cpuSeconds: number;
  /** Resident memory: pages shared between processes (the same binary's code) count once for each. */
  rssMb: number;
  /** Proportional set size: a shared page counts its share for each, so the sum is what the set really holds. */
  pssMb: number;
}

export interface MachineUsage {
  /** MemTotal - MemAvailable: what the machine could not hand out now. */
  usedMb: number;
  load1: number;
}

/** utime + stime in clock ticks, from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of proc(5), so utime (14) and stime (15) are at 11 and 12 here.
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS in kB from the text of /proc/<pid>/status; 0 for a kernel thread or a zombie, which have none. */
export function parseRssKb(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : 0;
}

/** Pss in kB from the text of /proc/<pid>/smaps_rollup; 0 where it has none. */
export function parsePssKb(smapsRollup: string): number {
  const match = /^Pss:\s+(\d+)\s+kB$/m.exec(smapsRollup);
  return match ? Number(match[1]) : 0;
}

/** MemTotal - MemAvailable in MB, from the text of /proc/meminfo. */
export function parseUsedMb(meminfo: string): number {
  const kb = (key: string) => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
    if (!match) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(match[1]);
  };
  return (kb('MemTotal') - kb('MemAvailable')) / 1024;
}

/** The 1-minute load average, from the text of /proc/loadavg. */
export function parseLoad1(loadavg: string): number {
  return Number(loadavg.split(' ')[0]);
}

/** Ticks the machine's CPUs spent busy (all but idle and iowait), from the first line of /proc/stat. */
export function parseBusyTicks(procStat: string): number {
  const [label, ...fields] = procStat.split('\n')[0]!.trim().split(/\s+/);
  if (label !== 'cpu') throw new Error('/proc/stat does not start with the cpu line');
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return user! + nice! + system! + irq! + softirq! + (steal ?? 0);
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** The processes' usage now; a pid that ended meanwhile counts for nothing. */
export function usageOf(pids: number[]): Usage {
  let ticks = 0;
  let rssKb = 0;
  let pssKb = 0;
  let processes = 0;
  for (const pid of new Set(pids)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      ticks += parseCpuTicks(stat);
      rssKb += parseRssKb(status);
      pssKb += parsePssKb(rollup);
      processes++;
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { processes, cpuSeconds: ticks / clockTicks(), rssMb: rssKb / 1024, pssMb: pssKb / 1024 };
}

export function machineUsage(): MachineUsage {
  return { usedMb: parseUsedMb(readFileSync('/proc/meminfo', 'utf8')), load1: parseLoad1(readFileSync('/proc/loadavg', 'utf8')) };
}

/** CPU seconds the whole machine has spent busy since boot (summed over its cores). */
export function machineBusySeconds(): number {
  return parseBusyTicks(readFileSync('/proc/stat', 'utf8')) / clockTicks();
}

/** A process's program as a reader knows it: the binary's name, and its subcommand where it has one (`registration agent`). */
export function programName(args: string[]): string {
  const [binary = '?', first] = args;
  return first && /^[a-z][a-z-]*$/.test(first) ? `${basename(binary)} ${first}` : basename(binary);
}

/** Usage by program, largest PSS first. */
export function usageByProgram(processes: { pid: number; args: string[] }[]): (Usage & { program: string })[] {
  const pids = new Map<string, number[]>();
  for (const p of processes) pids.set(programName(p.args), [...(pids.get(programName(p.args)) ?? []), p.pid]);
  return [...pids].map(([program, members]) => ({ program, ...usageOf(members) })).sort((a, b) => b.pssMb - a.pssMb);
}
