// The scale benchmark's outputs, as pure functions of its samples: the CSV, the SVG plot and the lines against targets.

/** What the benchmark measured after one step (`up` to a cluster count) or after the works were Available. */
export interface ScaleSample {
  /** Managed clusters in the lab. */
  clusters: number;
  /** Wall seconds of the `./lab up` that reached this count; undefined for the row taken after the works. */
  upSeconds?: number;
  /** The hub's OCM components (host processes): CPU seconds since they started, and RSS. */
  hubCpuSeconds: number;
  hubRssMb: number;
  /** The hub's control plane (kube-apiserver, etcd, controller manager, scheduler, kwok). */
  hubControlPlaneCpuSeconds: number;
  hubControlPlaneRssMb: number;
  /** Every process carrying the lab's owner marker: RSS (shared pages once per process) and PSS (shared pages split). */
  labProcesses: number;
  labRssMb: number;
  labPssMb: number;
  machineUsedMb: number;
  load1: number;
  /**
   * Cores the machine kept busy (CPU-seconds a second, all processes): over a quiet window after the step's `up`, or
   * over the works from the first apply until all were Available.
   */
  busyCores?: number;
  /** Median of 5 LISTs on the hub. */
  listManagedClustersMs: number;
  listManifestWorksMs: number;
  /** ManifestWorks on the hub; seconds to apply them all, and from the first apply until all were Applied and Available. */
  works: number;
  applySeconds?: number;
  allAvailableSeconds?: number;
}

const COLUMNS: [header: string, value: (s: ScaleSample) => number | undefined, digits: number][] = [
  ['clusters', (s) => s.clusters, 0],
  ['up_step_s', (s) => s.upSeconds, 1],
  ['hub_cpu_s', (s) => s.hubCpuSeconds, 1],
  ['hub_rss_mb', (s) => s.hubRssMb, 0],
  ['hub_control_plane_cpu_s', (s) => s.hubControlPlaneCpuSeconds, 1],
  ['hub_control_plane_rss_mb', (s) => s.hubControlPlaneRssMb, 0],
  ['lab_processes', (s) => s.labProcesses, 0],
  ['lab_rss_mb', (s) => s.labRssMb, 0],
  ['rss_per_cluster_mb', (s) => s.labRssMb / s.clusters, 0],
  ['lab_pss_mb', (s) => s.labPssMb, 0],
  ['pss_per_cluster_mb', (s) => s.labPssMb / s.clusters, 0],
  ['machine_used_mb', (s) => s.machineUsedMb, 0],
  ['load1', (s) => s.load1, 2],
  ['busy_cores', (s) => s.busyCores, 2],
  ['list_managedclusters_ms', (s) => s.listManagedClustersMs, 1],
  ['list_manifestworks_ms', (s) => s.listManifestWorksMs, 1],
  ['works', (s) => s.works, 0],
  ['apply_s', (s) => s.applySeconds, 1],
  ['all_available_s', (s) => s.allAvailableSeconds, 1],
];

/** One row per sample; a value not measured for that row is an empty cell. */
export function scaleCsv(samples: ScaleSample[]): string {
  const cell = (value: number | undefined, digits: number) => (value === undefined ? '' : value.toFixed(digits));
  const rows = samples.map((s) => COLUMNS.map(([, value, digits]) => cell(value(s), digits)).join(','));
  return `${[COLUMNS.map(([header]) => header).join(','), ...rows].join('\n')}\n`;
}

interface Series {
  name: string;
  color: string;
  value: (s: ScaleSample) => number;
}

const MEMORY: Series[] = [
  { name: 'lab RSS (MB)', color: '#1f77b4', value: (s) => s.labRssMb },
  { name: 'lab PSS (MB)', color: '#17becf', value: (s) => s.labPssMb },
  { name: 'machine used (MB)', color: '#ff7f0e', value: (s) => s.machineUsedMb },
  { name: 'hub OCM + control plane RSS (MB)', color: '#2ca02c', value: (s) => s.hubRssMb + s.hubControlPlaneRssMb },
];
const LATENCY: Series[] = [
  { name: 'LIST managedclusters (ms)', color: '#9467bd', value: (s) => s.listManagedClustersMs },
  { name: 'LIST manifestworks (ms)', color: '#d62728', value: (s) => s.listManifestWorksMs },
];

const WIDTH = 720;
const PANEL_HEIGHT = 260;
const MARGIN = { left: 70, right: 20, top: 30, bottom: 40 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((c) => c >= max)!;
}

/**
 * One chart: a line per series over the step samples (x = clusters); the samples taken with works on the hub
 * are drawn as open circles at their cluster count.
 */
function panel(title: string, series: Series[], steps: ScaleSample[], withWorks: ScaleSample[], top: number): string {
  const all = [...steps, ...withWorks];
  const xMax = Math.max(...all.map((s) => s.clusters));
  const yMax = niceCeiling(Math.max(...all.flatMap((s) => series.map((line) => line.value(s)))));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (clusters: number) => MARGIN.left + (clusters / xMax) * plotWidth;
  const y = (value: number) => top + MARGIN.top + plotHeight - (value / yMax) * plotHeight;
  const f = (n: number) => n.toFixed(1);
  const bottom = top + MARGIN.top + plotHeight;

  const parts = [
    `<text x="${MARGIN.left}" y="${top + 18}" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${MARGIN.left + plotWidth}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${top + MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#333"/>`,
  ];
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const value = yMax * fraction;
    parts.push(
      `<line x1="${MARGIN.left}" y1="${f(y(value))}" x2="${MARGIN.left + plotWidth}" y2="${f(y(value))}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(y(value) + 4)}" text-anchor="end">${Number(value.toPrecision(3))}</text>`,
    );
  }
  for (const clusters of [...new Set(all.map((s) => s.clusters))]) {
    parts.push(`<text x="${f(x(clusters))}" y="${bottom + 16}" text-anchor="middle">${clusters}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${bottom + 34}" text-anchor="middle">managed clusters</text>`);
  series.forEach((line, i) => {
    const points = steps.map((s) => `${f(x(s.clusters))},${f(y(line.value(s)))}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${points}"/>`);
    for (const s of steps) parts.push(`<circle cx="${f(x(s.clusters))}" cy="${f(y(line.value(s)))}" r="3" fill="${line.color}"/>`);
    for (const s of withWorks) parts.push(`<circle cx="${f(x(s.clusters))}" cy="${f(y(line.value(s)))}" r="5" fill="white" stroke="${line.color}" stroke-width="2"/>`);
    const legendY = top + MARGIN.top + 14 + i * 16;
    parts.push(
      `<line x1="${MARGIN.left + 10}" y1="${legendY - 4}" x2="${MARGIN.left + 30}" y2="${legendY - 4}" stroke="${line.color}" stroke-width="2"/>`,
      `<text x="${MARGIN.left + 36}" y="${legendY}">${escapeXml(line.name)}</text>`,
    );
  });
  return parts.join('\n');
}

/** Memory (top) and hub API latency (bottom) against the cluster count, as a standalone SVG document. */
export function scaleSvg(samples: ScaleSample[]): string {
  const steps = samples.filter((s) => s.upSeconds !== undefined);
  const withWorks = samples.filter((s) => s.upSeconds === undefined);
  const height = PANEL_HEIGHT * 2 + 24;
  const note = withWorks.length ? 'lines: after each up step; open circles: after the ManifestWorks were Available' : 'after each up step';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel('Memory', MEMORY, steps, withWorks, 0),
    panel('Hub API latency (median of 5 LISTs)', LATENCY, steps, withWorks, PANEL_HEIGHT),
    `<text x="${MARGIN.left}" y="${height - 6}" fill="#555">${escapeXml(note)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** The measures the targets judge; undefined where the run did not get that far. */
export interface ScaleTotals {
  clusters: number;
  /** The sum of the `up` steps, and how many there were. */
  upSeconds?: number;
  upSteps?: number;
  /** The largest PSS of all the lab's processes over the samples. */
  labPssMb?: number;
  worksAvailableSeconds?: number;
  works?: number;
  downSeconds?: number;
}

/** The targets, set for 50 managed clusters. */
export const SCALE_TARGETS = { clusters: 50, upSeconds: 180, labPssMb: 12 * 1024, worksAvailableSeconds: 300, downSeconds: 30 } as const;

/** One line a target: the measured value, the target and PASS or MISS (MISS when not measured). */
export function targetLines(totals: ScaleTotals): string[] {
  const judge = (label: string, value: number | undefined, target: number, unit: string, digits = 1) =>
    `${label.padEnd(32)} ${value === undefined ? 'not measured' : `${value.toFixed(digits)} ${unit}`} (target <= ${target} ${unit}): ${value !== undefined && value <= target ? 'PASS' : 'MISS'}`;
  const lines = [
    judge(`up (${totals.clusters} clusters${(totals.upSteps ?? 1) > 1 ? `, ${totals.upSteps} steps` : ''})`, totals.upSeconds, SCALE_TARGETS.upSeconds, 's'),
    judge('memory (PSS) of the lab', totals.labPssMb, SCALE_TARGETS.labPssMb, 'MB', 0),
    judge(`${totals.works ?? 0} works Available`, totals.worksAvailableSeconds, SCALE_TARGETS.worksAvailableSeconds, 's'),
    judge('down', totals.downSeconds, SCALE_TARGETS.downSeconds, 's'),
  ];
  if (totals.clusters !== SCALE_TARGETS.clusters) lines.push(`(the targets are set for ${SCALE_TARGETS.clusters} clusters; this run had ${totals.clusters})`);
  return lines;
}

/**
 * What the machine's CPU went to: the quiet lab after its last step (cores busy, and a share of a core for each
 * managed cluster), and the works (CPU-seconds above what the quiet lab took over the same time, per work).
 */
export function cpuLines(samples: ScaleSample[], cores: number): string[] {
  const lines: string[] = [];
  const quiet = samples.filter((s) => s.upSeconds !== undefined && s.busyCores !== undefined).at(-1);
  if (!quiet) return lines;
  lines.push(
    `the quiet lab of hub + ${quiet.clusters} kept ${quiet.busyCores!.toFixed(2)} of ${cores} cores busy ` +
      `(${((quiet.busyCores! / (quiet.clusters + 1)) * 100).toFixed(1)}% of a core a cluster)`,
  );
  const works = samples.find((s) => s.upSeconds === undefined && s.busyCores !== undefined && s.allAvailableSeconds !== undefined && s.works > 0);
  if (works) {
    const aboveQuiet = (works.busyCores! - quiet.busyCores!) * works.allAvailableSeconds!;
    lines.push(
      `the ${works.works} works kept ${works.busyCores!.toFixed(2)} cores busy for ${works.allAvailableSeconds!.toFixed(1)}s: ` +
        `${aboveQuiet.toFixed(0)} CPU-seconds above the quiet lab's, ${((aboveQuiet / works.works) * 1000).toFixed(0)} ms a work`,
    );
  }
  return lines;
}
