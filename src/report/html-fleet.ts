import { isSystemLabel, type FleetCluster, type FleetSnapshot, type FleetWork, type WorkCondition } from './fleet.js';
import { escapeXmlAttr as attr, escapeXmlText as esc } from './junit.js';

/**
 * The fleet picture of the HTML report: an inline SVG with the hub on top, its managed clusters below (grey lines
 * from the hub), each cluster with its labels, cluster sets, ManifestWorks and add-ons, and a coloured arrow from
 * each Placement to every cluster it chose; then the same facts as tables. Text is monospace, so widths are known
 * without measuring: long names are cut with … and given whole in a tooltip.
 */

const CHAR_W = 7.3;
const LINE_H = 17;
const PAD = 10;
const BOX_W = 250;
const HUB_MIN_W = 520;
const HUB_MAX_W = 900;
const MARGIN = 16;
const LANE_GAP = 9;
const ROW_GAP = 34;
/** More clusters than this go on two rows, the second shifted by half a box so its lines pass between the first's. */
const ONE_ROW_MAX = 5;
const MAX_LABEL_LINES = 6;
const PLACEMENT_COLORS = ['#1f77b4', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#2ca02c'];

type Tone = 'ok' | 'bad' | 'unknown' | 'none';

interface Badge {
  label: string;
  tone: Tone;
  title: string;
}

/** One line of a box: text, optionally coloured, with badges after it. */
interface Line {
  text: string;
  cls?: string;
  title?: string;
  badges?: Badge[];
  /** A coloured square before the text (a Placement's colour); `indent` lines up a continued line with such text. */
  swatch?: string;
  indent?: boolean;
}

/** A coordinate to one decimal, so the markup stays short. */
const coord = (value: number) => Math.round(value * 10) / 10;
const charsIn = (width: number) => Math.floor((width - 2 * PAD) / CHAR_W);

function cut(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/** `prefix` and words joined by `, `, spread over lines of at most `chars` characters (a longer word is cut). */
export function wrap(prefix: string, words: string[], chars: number): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const [i, word] of words.entries()) {
    const piece = `${word}${i < words.length - 1 ? ',' : ''}`;
    const next = line ? `${line} ${piece}` : piece;
    if (next.length > chars && line.trim() && line !== prefix) {
      lines.push(line);
      line = `  ${piece}`;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.map((l) => cut(l, chars));
}

/** How a condition's status reads: True is good (bad for Degraded), False the opposite; absent is `none`. */
export function toneOf(status: string | undefined, badWhenTrue = false): Tone {
  if (status === undefined) return 'none';
  if (status !== 'True' && status !== 'False') return 'unknown';
  return badWhenTrue === (status === 'True') ? 'bad' : 'ok';
}

const SHORT: Record<WorkCondition, string> = { Applied: 'Ap', Available: 'Av', Degraded: 'Dg' };

function workBadges(work: FleetWork): Badge[] {
  return (['Applied', 'Available', 'Degraded'] as const).map((type) => ({
    label: SHORT[type],
    tone: toneOf(work.conditions[type], type === 'Degraded'),
    title: `${type}: ${work.conditions[type] ?? 'not reported'}`,
  }));
}

function clusterLines(cluster: FleetCluster, fleet: FleetSnapshot, chars: number): Line[] {
  const userLabels = Object.entries(cluster.labels).filter(([key]) => !isSystemLabel(key));
  const systemLabels = Object.entries(cluster.labels).filter(([key]) => isSystemLabel(key));
  const works = fleet.works.filter((w) => w.cluster === cluster.name);
  const addOns = fleet.addOns.filter((a) => a.cluster === cluster.name);
  const lines: Line[] = [
    { text: `Joined ${cluster.joined}, Available ${cluster.available}`, cls: `t-${cluster.joined === 'True' ? toneOf(cluster.available) : toneOf(cluster.joined)}` },
    ...wrap('sets:', cluster.clusterSets.length ? cluster.clusterSets : ['none'], chars).map((text) => ({ text, cls: 'sets', title: cluster.clusterSets.join(', ') })),
  ];
  for (const [key, value] of userLabels.slice(0, MAX_LABEL_LINES)) lines.push({ text: cut(`${key}=${value}`, chars), cls: 'label', title: `${key}=${value}` });
  const hidden = [...userLabels.slice(MAX_LABEL_LINES), ...systemLabels];
  if (hidden.length) lines.push({ text: `+${hidden.length} more label${hidden.length === 1 ? '' : 's'}`, cls: 'muted', title: hidden.map(([k, v]) => `${k}=${v}`).join('\n') });
  const available = works.filter((w) => w.conditions.Available === 'True').length;
  lines.push({ text: works.length ? `ManifestWorks ${works.length}, ${available} Available` : 'no ManifestWorks', cls: 'heading' });
  for (const work of works) {
    lines.push({ text: cut(work.name, chars - 10), title: `ManifestWork ${work.cluster}/${work.name} (${work.manifests} manifests)${work.problem ? `\n${work.problem}` : ''}`, badges: workBadges(work) });
  }
  if (addOns.length) {
    lines.push({ text: `add-ons ${addOns.length}, ${addOns.filter((a) => a.available === 'True').length} Available`, cls: 'heading' });
    for (const addOn of addOns) {
      lines.push({ text: cut(addOn.name, chars - 4), title: `ManagedClusterAddOn ${addOn.cluster}/${addOn.name}`, badges: [{ label: 'Av', tone: toneOf(addOn.available), title: `Available: ${addOn.available}` }] });
    }
  }
  return lines;
}

function hubLines(fleet: FleetSnapshot, chars: number): Line[] {
  const lines: Line[] = [
    { text: `${fleet.clusters.length} managed cluster${fleet.clusters.length === 1 ? '' : 's'}, ${fleet.works.length} ManifestWork${fleet.works.length === 1 ? '' : 's'}, ${fleet.addOns.length} add-on${fleet.addOns.length === 1 ? '' : 's'}`, cls: 'muted' },
    { text: fleet.clusterSets.length ? 'ManagedClusterSets' : 'no ManagedClusterSets', cls: 'heading' },
  ];
  for (const set of fleet.clusterSets) {
    const bound = set.boundTo.length ? [`[bound: ${set.boundTo.join(', ')}]`] : [];
    const title = `${set.name} (${set.selector}) → ${set.clusters.join(', ') || 'no cluster'} ${bound.join('')}`.trim();
    lines.push(...wrap(`${set.name} (${set.selector}) →`, [...(set.clusters.length ? set.clusters : ['no cluster']), ...bound], chars).map((text) => ({ text, title })));
  }
  lines.push({ text: fleet.placements.length ? 'Placements (arrows: the clusters each chose)' : 'no Placements', cls: 'heading' });
  for (const [i, placement] of fleet.placements.entries()) {
    const chose = placement.clusters.length ? placement.clusters : [`no cluster (PlacementSatisfied ${placement.satisfied})`];
    const title = `${placement.namespace}/${placement.name} → ${chose.join(', ')}`;
    wrap(`${placement.namespace}/${placement.name} →`, chose, chars - 2).forEach((text, j) => lines.push({ text, title, ...(j === 0 ? { swatch: colorOf(i) } : { indent: true }) }));
  }
  return lines;
}

const colorOf = (i: number) => PLACEMENT_COLORS[i % PLACEMENT_COLORS.length]!;

const boxHeight = (lines: Line[]) => PAD + 20 + lines.length * LINE_H + PAD / 2;

/** A box: a title line, then its lines; returns the SVG. */
function box(x: number, y: number, width: number, title: string, lines: Line[], options: { cls: string; titleTone?: Tone; tooltip: string; dataName: string }): string {
  const parts = [
    `<g class="${attr(options.cls)}" data-name="${attr(options.dataName)}">`,
    `<title>${esc(options.tooltip)}</title>`,
    `<rect x="${coord(x)}" y="${coord(y)}" width="${coord(width)}" height="${coord(boxHeight(lines))}" rx="6" class="box"/>`,
    `<text x="${coord(x + PAD)}" y="${coord(y + PAD + 13)}" class="box-title">${esc(cut(title, charsIn(width) - 2))}</text>`,
  ];
  if (options.titleTone) parts.push(`<circle cx="${coord(x + width - PAD - 5)}" cy="${coord(y + PAD + 8)}" r="5" class="dot t-${options.titleTone}"/>`);
  lines.forEach((line, i) => {
    const baseline = y + PAD + 20 + (i + 1) * LINE_H - 4;
    const indent = line.swatch || line.indent ? 14 : 0;
    if (line.swatch) parts.push(`<rect x="${coord(x + PAD)}" y="${coord(baseline - 9)}" width="9" height="9" fill="${attr(line.swatch)}"/>`);
    const title = line.title ? `<title>${esc(line.title)}</title>` : '';
    parts.push(`<text x="${coord(x + PAD + indent)}" y="${coord(baseline)}"${line.cls ? ` class="${attr(line.cls)}"` : ''}>${title}${esc(line.text)}</text>`);
    (line.badges ?? []).forEach((badge, j) => {
      const bx = x + width - PAD - (line.badges!.length - j) * 24 + 2;
      parts.push(
        `<g class="badge t-${badge.tone}"><title>${esc(badge.title)}</title><rect x="${coord(bx)}" y="${coord(baseline - 11)}" width="21" height="14" rx="3"/><text x="${coord(bx + 10.5)}" y="${coord(baseline)}" text-anchor="middle">${esc(badge.label)}</text></g>`,
      );
    });
  });
  parts.push('</g>');
  return parts.join('');
}

interface Placed {
  cluster: FleetCluster;
  x: number;
  y: number;
  lines: Line[];
}

/** The SVG of the fleet; `id` makes its marker ids unique on the page. */
export function fleetSvg(fleet: FleetSnapshot, id: string): string {
  const n = fleet.clusters.length;
  const placements = fleet.placements;
  const rows = n > ONE_ROW_MAX ? 2 : 1;
  const perRow = rows === 2 ? Math.ceil(n / 2) : Math.max(n, 1);
  // The gap between boxes carries the lines to the second row: one grey, one per Placement.
  const gap = Math.max(40, (placements.length + 1) * 8 + 20);
  const colW = BOX_W + gap;
  const rowsW = perRow * colW - gap + (rows === 2 ? colW / 2 : 0);
  const hubLinesW = Math.max(HUB_MIN_W, Math.min(rowsW, HUB_MAX_W));
  const hubL = hubLines(fleet, charsIn(hubLinesW));
  const hubH = boxHeight(hubL);
  // Wide enough for the legend too.
  const width = Math.max(rowsW, hubLinesW, 112 * CHAR_W) + 2 * MARGIN;
  const hubX = MARGIN + (width - 2 * MARGIN - hubLinesW) / 2;
  const hubY = MARGIN;
  const hubBottom = hubY + hubH;
  const laneY = (k: number) => hubBottom + 16 + k * LANE_GAP;
  const rowsX = MARGIN + (width - 2 * MARGIN - rowsW) / 2;
  const row1Y = laneY(placements.length) + 22;

  const placed: Placed[] = fleet.clusters.map((cluster, i) => {
    const row = i < perRow ? 0 : 1;
    const col = row === 0 ? i : i - perRow;
    return { cluster, x: rowsX + col * colW + (row === 1 ? colW / 2 : 0), y: row, lines: clusterLines(cluster, fleet, charsIn(BOX_W)) };
  });
  const row1H = Math.max(0, ...placed.filter((p) => p.y === 0).map((p) => boxHeight(p.lines)));
  for (const p of placed) p.y = p.y === 0 ? row1Y : row1Y + row1H + ROW_GAP;
  const bottom = Math.max(row1Y, ...placed.map((p) => p.y + boxHeight(p.lines)));
  const legendY = bottom + 26;
  const height = legendY + LINE_H + MARGIN;

  const edges: string[] = [];
  const trunkX = hubX + 16;
  for (const p of placed) {
    const cx = p.x + BOX_W / 2;
    edges.push(`<path class="edge" d="M${coord(trunkX)} ${coord(hubBottom)} V${coord(laneY(0))} H${coord(cx)} V${coord(p.y)}"/>`);
  }
  placements.forEach((placement, k) => {
    const portX = hubX + 40 + ((hubLinesW - 60) * (k + 1)) / (placements.length + 1);
    const offset = (k % 2 === 0 ? 1 : -1) * Math.ceil((k + 1) / 2) * 8;
    for (const clusterName of placement.clusters) {
      const p = placed.find((c) => c.cluster.name === clusterName);
      if (!p) continue;
      const x = p.x + BOX_W / 2 + offset;
      edges.push(
        `<path class="choice" stroke="${colorOf(k)}" marker-end="url(#${attr(id)}-arrow-${k})" data-placement="${attr(`${placement.namespace}/${placement.name}`)}" data-cluster="${attr(clusterName)}" d="M${coord(portX)} ${coord(hubBottom)} V${coord(laneY(k + 1))} H${coord(x)} V${coord(p.y - 1)}"><title>${esc(`Placement ${placement.namespace}/${placement.name} chose ${clusterName}`)}</title></path>`,
      );
    }
  });
  const markers = placements
    .map((_, k) => `<marker id="${attr(id)}-arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${colorOf(k)}"/></marker>`)
    .join('');
  const hub = box(hubX, hubY, hubLinesW, `hub ${fleet.hub}`, hubL, { cls: 'hub', tooltip: `hub ${fleet.hub}`, dataName: fleet.hub });
  const clusters = placed.map((p) =>
    box(p.x, p.y, BOX_W, p.cluster.name, p.lines, {
      cls: 'cluster',
      titleTone: toneOf(p.cluster.available),
      tooltip: `ManagedCluster ${p.cluster.name}: Joined ${p.cluster.joined}, Available ${p.cluster.available}${p.cluster.accepted ? '' : ', not accepted'}`,
      dataName: p.cluster.name,
    }),
  );
  const empty = n ? '' : `<text x="${MARGIN}" y="${coord(row1Y + 14)}" class="muted">no ManagedCluster on the hub</text>`;
  const legend = [
    'Ap Applied · Av Available · Dg Degraded: green as it should be, red not, grey Unknown, outlined not reported.',
    'Grey lines: the clusters of the hub. Coloured arrows: the clusters each Placement chose.',
  ]
    .map((line, i) => `<text x="${MARGIN}" y="${coord(legendY + i * LINE_H)}" class="muted legend">${esc(line)}</text>`)
    .join('');
  const label = `Fleet: hub ${fleet.hub}, ${n} managed cluster${n === 1 ? '' : 's'}: ${fleet.clusters.map((c) => c.name).join(', ')}`;
  return [
    `<svg class="fleet-svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${attr(label)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">`,
    `<defs>${markers}</defs>`,
    ...edges,
    hub,
    ...clusters,
    empty,
    legend,
    '</svg>',
  ].join('\n');
}

function cell(status: string | undefined, badWhenTrue = false): string {
  return `<td class="t-${toneOf(status, badWhenTrue)}">${esc(status ?? '—')}</td>`;
}

function table(head: string[], rows: string[][]): string {
  if (!rows.length) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}

const td = (text: string) => `<td>${esc(text)}</td>`;

/** The same facts as the picture, as tables (every label, every condition, the problem of each work). */
export function fleetTables(fleet: FleetSnapshot): string {
  return [
    '<h4>ManagedClusters</h4>',
    table(
      ['cluster', 'accepted', 'joined', 'available', 'cluster sets', 'labels'],
      fleet.clusters.map((c) => [
        td(c.name),
        td(c.accepted ? 'yes' : 'no'),
        cell(c.joined),
        cell(c.available),
        td(c.clusterSets.join(', ')),
        `<td class="labels">${Object.entries(c.labels).map(([k, v]) => `<code>${esc(`${k}=${v}`)}</code>`).join(' ')}</td>`,
      ]),
    ) || '<p class="muted">none</p>',
    '<h4>ManagedClusterSets</h4>',
    table(['set', 'selects', 'clusters', 'bound to namespaces'], fleet.clusterSets.map((s) => [td(s.name), td(s.selector), td(s.clusters.join(', ')), td(s.boundTo.join(', '))])) ||
      '<p class="muted">none</p>',
    '<h4>Placements</h4>',
    table(['placement', 'satisfied', 'chosen clusters'], fleet.placements.map((p) => [td(`${p.namespace}/${p.name}`), cell(p.satisfied), td(p.clusters.join(', ') || 'none')])) ||
      '<p class="muted">none</p>',
    '<h4>ManifestWorks</h4>',
    table(
      ['cluster', 'work', 'manifests', 'Applied', 'Available', 'Degraded', 'problem'],
      fleet.works.map((w) => [td(w.cluster), td(w.name), td(String(w.manifests)), cell(w.conditions.Applied), cell(w.conditions.Available), cell(w.conditions.Degraded, true), td(w.problem ?? '')]),
    ) || '<p class="muted">none</p>',
    '<h4>ManagedClusterAddOns</h4>',
    table(['cluster', 'add-on', 'Available'], fleet.addOns.map((a) => [td(a.cluster), td(a.name), cell(a.available)])) || '<p class="muted">none</p>',
  ].join('\n');
}

/** The picture, the errors of the capture if any, and the tables folded under it. */
export function fleetSection(fleet: FleetSnapshot, id: string, heading: string): string {
  const errors = fleet.errors.length ? `<ul class="fleet-errors">${fleet.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '';
  return [
    `<section class="fleet" id="${attr(id)}">`,
    `<h3>${esc(heading)} <small>captured from hub ${esc(fleet.hub)} at ${esc(fleet.capturedAt)}</small></h3>`,
    errors,
    `<div class="fleet-scroll">${fleetSvg(fleet, id)}</div>`,
    `<details class="fleet-tables"><summary>The same as tables</summary>${fleetTables(fleet)}</details>`,
    '</section>',
  ].join('\n');
}
