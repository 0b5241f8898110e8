import { describe, expect, it } from 'vitest';
import { parseBusyTicks, parseCpuTicks, parseLoad1, parsePssKb, parseRssKb, parseUsedMb, programName, usageByProgram, usageOf } from '../../../../ops/bench/proc-usage.js';

describe('/proc parsers', () => {
  it('adds utime and stime, past a command name with spaces and parentheses', () => {
    const stat = '4242 (kube (api) server) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 12 0 999 1000 2000';
    expect(parseCpuTicks(stat)).toBe(1234 + 567);
  });

  it('counts busy ticks of the whole machine: user, nice, system, irq, softirq and steal, not idle or iowait', () => {
    expect(parseBusyTicks('cpu  100 2 30 5000 40 6 7 8 0 0\ncpu0 50 1 15 2500 20 3 3 4 0 0\n')).toBe(100 + 2 + 30 + 6 + 7 + 8);
    expect(() => parseBusyTicks('intr 1 2 3\n')).toThrow(/cpu line/);
  });

  it('reads VmRSS, and 0 where a process has none', () => {
    expect(parseRssKb('Name:\tetcd\nVmPeak:\t 1 kB\nVmRSS:\t   51200 kB\nRssAnon:\t 1 kB\n')).toBe(51200);
    expect(parseRssKb('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBe(0);
  });

  it('reads Pss, not Pss_Anon or SwapPss', () => {
    expect(parsePssKb('55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:  9000 kB\nPss:   4500 kB\nPss_Anon:  100 kB\nSwapPss:  0 kB\n')).toBe(4500);
    expect(parsePssKb('')).toBe(0);
  });

  it('reads memory used as total minus available, and the 1-minute load', () => {
    expect(parseUsedMb('MemTotal:       2097152 kB\nMemFree:         100 kB\nMemAvailable:    1048576 kB\n')).toBe(1024);
    expect(() => parseUsedMb('MemTotal: 1 kB\n')).toThrow(/MemAvailable/);
    expect(parseLoad1('1.25 0.80 0.50 2/300 4242\n')).toBe(1.25);
  });
});

describe('usageOf', () => {
  it('measures this process and skips a pid that does not exist', () => {
    const usage = usageOf([process.pid, process.pid, 2 ** 22 + 1]);
    expect(usage.processes).toBe(1);
    expect(usage.rssMb).toBeGreaterThan(10);
    expect(usage.pssMb).toBeGreaterThan(0);
    expect(usage.pssMb).toBeLessThanOrEqual(usage.rssMb);
    expect(usage.cpuSeconds).toBeGreaterThan(0);
  });
});

describe('programName', () => {
  it('is the binary, with its subcommand where it has one', () => {
    expect(programName(['/root/.cache/ocm-lab/toolchain/x/bin/kube-apiserver', '--etcd-servers=https://127.0.0.1:2379'])).toBe('kube-apiserver');
    expect(programName(['/cache/ocm/v1.2.0/registration', 'agent', '--cluster-name=c1'])).toBe('registration agent');
    expect(programName(['etcd'])).toBe('etcd');
    expect(programName([])).toBe('?');
  });
});

describe('usageByProgram', () => {
  it('groups processes by program', () => {
    const groups = usageByProgram([
      { pid: process.pid, args: ['node', 'a.js'] },
      { pid: 2 ** 22 + 1, args: ['/bin/etcd', '--name=x'] },
    ]);
    expect(groups.map((g) => [g.program, g.processes])).toEqual([['node', 1], ['etcd', 0]]);
  });
});
