import { describe, expect, it } from 'vitest';
import { cpuLines, niceCeiling, scaleCsv, scaleSvg, targetLines, type ScaleSample } from '../../../../ops/bench/scale-report.js';

function sample(clusters: number, extra: Partial<ScaleSample> = {}): ScaleSample {
  return {
    clusters,
    upSeconds: 10 * clusters,
    hubCpuSeconds: 2.25 * clusters,
    hubRssMb: 200 + clusters,
    hubControlPlaneCpuSeconds: 3 * clusters,
    hubControlPlaneRssMb: 400 + 2 * clusters,
    labProcesses: 8 * clusters + 12,
    labRssMb: 150 * clusters,
    labPssMb: 100 * clusters,
    machineUsedMb: 1000 + 160 * clusters,
    load1: 1.5,
    listManagedClustersMs: 3.21,
    listManifestWorksMs: 4.5,
    works: 0,
    ...extra,
  };
}

const samples = [sample(10), sample(20), sample(20, { upSeconds: undefined, works: 2000, applySeconds: 12.5, allAvailableSeconds: 42.04, listManifestWorksMs: 88 })];

/** Open and close tags balance, in order: the document is well-formed as far as a plot needs. */
function balanced(svg: string): boolean {
  const open: string[] = [];
  for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!close) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

describe('scaleCsv', () => {
  it('writes a header and one row per sample, with empty cells for what a row did not measure', () => {
    const lines = scaleCsv(samples).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['clusters', 'up_step_s', 'hub_cpu_s', 'hub_rss_mb']);
    expect(header).toContain('rss_per_cluster_mb');
    const row = (i: number) => Object.fromEntries(lines[i]!.split(',').map((cell, c) => [header[c], cell]));
    expect(row(1)).toMatchObject({ busy_cores: '', clusters: '10', up_step_s: '100.0', hub_cpu_s: '22.5', lab_rss_mb: '1500', rss_per_cluster_mb: '150', lab_pss_mb: '1000', pss_per_cluster_mb: '100', works: '0', apply_s: '', all_available_s: '' });
    expect(row(3)).toMatchObject({ clusters: '20', up_step_s: '', works: '2000', apply_s: '12.5', all_available_s: '42.0', list_manifestworks_ms: '88.0' });
    expect(lines.every((l) => l.split(',').length === header.length)).toBe(true);
  });

  it('writes only the header for no samples', () => {
    expect(scaleCsv([]).split('\n')).toEqual([expect.stringMatching(/^clusters,up_step_s,.*,all_available_s$/), '']);
  });
});

describe('scaleSvg', () => {
  const svg = scaleSvg(samples);

  it('is one well-formed SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(balanced(svg)).toBe(true);
  });

  it('draws a line per series through the step samples and open circles for the sample with works', () => {
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1]!.split(' '));
    expect(lines).toHaveLength(6);
    expect(lines.every((points) => points.length === 2)).toBe(true);
    expect(svg.match(/fill="white" stroke=/g)).toHaveLength(6);
    for (const label of ['lab RSS (MB)', 'lab PSS (MB)', 'machine used (MB)', 'LIST managedclusters (ms)', 'LIST manifestworks (ms)', 'managed clusters']) expect(svg).toContain(label);
  });

  it('keeps every point inside the drawing', () => {
    const [width, height] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.slice(1).map(Number);
    for (const [, x, y] of svg.matchAll(/cx="([\d.]+)" cy="([\d.]+)"/g)) {
      expect(Number(x)).toBeGreaterThan(0);
      expect(Number(x)).toBeLessThanOrEqual(width!);
      expect(Number(y)).toBeGreaterThan(0);
      expect(Number(y)).toBeLessThanOrEqual(height!);
    }
  });

  it('plots a single sample without dividing by zero', () => {
    const one = scaleSvg([sample(1, { labRssMb: 0, labPssMb: 0, machineUsedMb: 0, hubRssMb: 0, hubControlPlaneRssMb: 0, listManagedClustersMs: 0, listManifestWorksMs: 0 })]);
    expect(one).not.toMatch(/NaN|Infinity/);
    expect(balanced(one)).toBe(true);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 7, 12, 180, 2001, 12288].map(niceCeiling)).toEqual([1, 0.5, 1, 10, 20, 200, 5000, 20000]);
  });
});

describe('targetLines', () => {
  it('judges each measure against its target, and what was not measured as a MISS', () => {
    const lines = targetLines({ clusters: 50, upSeconds: 170, labPssMb: 13000, worksAvailableSeconds: undefined, works: 5000, downSeconds: 12 });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/up \(50 clusters\).*170\.0 s \(target <= 180 s\): PASS/);
    expect(lines[1]).toMatch(/13000 MB \(target <= 12288 MB\): MISS/);
    expect(lines[2]).toMatch(/5000 works Available.*not measured.*MISS/);
    expect(lines[3]).toMatch(/down.*12\.0 s \(target <= 30 s\): PASS/);
  });

  it('says when the run had another cluster count than the targets are set for', () => {
    expect(targetLines({ clusters: 10 }).at(-1)).toBe('(the targets are set for 50 clusters; this run had 10)');
  });
});

describe('cpuLines', () => {
  it('gives the quiet lab\'s busy cores after its last step, and the works\' CPU above that, per work', () => {
    const run = [sample(10, { busyCores: 0.3 }), sample(20, { busyCores: 0.63 }), sample(20, { upSeconds: undefined, works: 2000, allAvailableSeconds: 40, busyCores: 1.88 })];
    expect(cpuLines(run, 2)).toEqual([
      'the quiet lab of hub + 20 kept 0.63 of 2 cores busy (3.0% of a core a cluster)',
      'the 2000 works kept 1.88 cores busy for 40.0s: 50 CPU-seconds above the quiet lab\'s, 25 ms a work',
    ]);
  });

  it('says nothing when the quiet lab was not measured, and leaves out works that were not', () => {
    expect(cpuLines([sample(10)], 2)).toEqual([]);
    expect(cpuLines([sample(10, { busyCores: 0.3 })], 2)).toHaveLength(1);
  });
});

