import { delimiter } from 'node:path';
import type { PhaseTiming } from '../lab/bring-up/action.js';
import type { LabStatus } from '../lab/status.js';
import { isSystemLabel, type FleetSnapshot } from '../report/fleet.js';
import type { RunResult } from '../report/types.js';

const useColor = () => !!process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor() ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = (t: string) => paint(32, t);
export const red = (t: string) => paint(31, t);
export const yellow = (t: string) => paint(33, t);
export const bold = (t: string) => paint(1, t);

const mark = (value: string) => (value === 'True' ? green('True') : red(value));

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.replace(/\u001b\[\d+m/g, '').length)));
  return rows
    .map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i]! - cell.replace(/\u001b\[\d+m/g, '').length)).join('  ').trimEnd())
    .join('\n');
}

/**
 * The fleet as a small picture: the hub with its clusters as a tree (labels, cluster sets, ManifestWorks and add-ons
 * with how many are Available, the Placements that chose each), then the cluster sets and the Placements.
 */
export function renderFleet(fleet: FleetSnapshot): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const ratio = (available: number, total: number) => (available === total ? green : red)(`${available} Available`);
  const lines = [bold(`Fleet (from hub ${fleet.hub})`), fleet.hub];
  for (const [i, cluster] of fleet.clusters.entries()) {
    const last = i === fleet.clusters.length - 1;
    const labels = Object.entries(cluster.labels).filter(([key]) => !isSystemLabel(key)).map(([k, v]) => `${k}=${v}`);
    const state = cluster.available === 'True' && cluster.joined === 'True' ? green('Available') : red(`Joined ${cluster.joined}, Available ${cluster.available}`);
    lines.push(`${last ? '└─' : '├─'} ${bold(cluster.name)}  ${state}${labels.length ? `  ${labels.join(' ')}` : ''}`);
    const works = fleet.works.filter((w) => w.cluster === cluster.name);
    const addOns = fleet.addOns.filter((a) => a.cluster === cluster.name);
    const chosenBy = fleet.placements.filter((p) => p.clusters.includes(cluster.name)).map((p) => `${p.namespace}/${p.name}`);
    const detail = [
      `sets: ${cluster.clusterSets.join(', ') || 'none'}`,
      `${count(works.length, 'ManifestWork')}${works.length ? `, ${ratio(works.filter((w) => w.conditions.Available === 'True').length, works.length)}` : ''}` +
        (addOns.length ? `; ${count(addOns.length, 'add-on')}, ${ratio(addOns.filter((a) => a.available === 'True').length, addOns.length)}` : ''),
      ...(chosenBy.length ? [`chosen by ${chosenBy.join(', ')}`] : []),
    ];
    lines.push(...detail.map((d) => `${last ? '   ' : '│  '}  ${d}`));
  }
  if (!fleet.clusters.length) lines.push('└─ (no ManagedCluster)');
  if (fleet.clusterSets.length) {
    lines.push('', table([['CLUSTER SET', 'SELECTS', 'CLUSTERS', 'BOUND TO'], ...fleet.clusterSets.map((s) => [s.name, s.selector, s.clusters.join(', ') || '-', s.boundTo.join(', ') || '-'])]));
  }
  if (fleet.placements.length) {
    lines.push('', table([['PLACEMENT', 'CHOSE'], ...fleet.placements.map((p) => [`${p.namespace}/${p.name}`, p.clusters.join(', ') || yellow(`none (PlacementSatisfied ${p.satisfied})`)])]));
  }
  lines.push(...fleet.errors.map((e) => `${yellow('fleet:')} ${e}`));
  return lines.join('\n');
}

/** The status tables; with `fleet`, its picture after them. */
export function renderStatus(status: LabStatus, fleet?: FleetSnapshot): string {
  const lines = [
    `${bold(`Lab ${status.name}`)} (provider ${status.provider}) — ${status.healthy ? green('healthy') : red('unhealthy')}`,
    `state: ${status.stateDir}`,
    `OCM: hub ${status.ocm.hub ?? 'not installed'}, agents ${status.ocm.agents ?? 'not installed'}`,
    '',
    table([
      ['CLUSTER', 'ROLE', 'RUNNING', 'WORKING', 'SERVER'],
      ...status.clusters.map((c) => [c.name, c.role, c.running ? green('yes') : red('no'), c.working ? green('yes') : red('no'), c.server ?? '-']),
    ]),
    '',
    table([
      ['MANAGED CLUSTER', 'ACCEPTED', 'JOINED', 'AVAILABLE'],
      ...status.managedClusters.map((m) => [
        m.name,
        m.acceptMode === 'manual' && m.accepted !== 'True' ? 'manual: clusteradm accept --clusters ' + m.name : mark(m.accepted),
        mark(m.joined),
        mark(m.available),
      ]),
    ]),
  ];
  if (status.components.length) {
    lines.push(
      '',
      table([
        ['OCM COMPONENT', 'HEALTH', 'WHERE'],
        ...status.components.flatMap((c) => [
          [c.id, c.health === 'healthy' ? green(c.health) : red(c.health), c.detail ?? ([c.version, c.pid && `pid ${c.pid}`, c.log].filter(Boolean).join(', ') || '-')],
          ...(c.pods ?? []).map((p) => [`  pod ${p.name}`, p.phase === 'Running' ? p.phase : red(p.phase), `${p.ready} ready, ${p.restarts} restarts`]),
        ]),
      ]),
    );
  }
  if (status.installs.length) {
    lines.push(
      '',
      table([
        ['INSTALL', 'CLUSTER', 'HEALTH', 'DETAIL'],
        ...status.installs.map((i) => [i.name, i.cluster, i.health === 'ready' ? green(i.health) : red(i.health), i.detail ?? '-']),
      ]),
    );
  }
  if (fleet) lines.push('', renderFleet(fleet));
  if (status.problems.length) lines.push('', ...status.problems.map((p) => `${red('problem:')} ${p}`));
  return lines.join('\n');
}

/** A word for a POSIX shell: as is when it is plain, else in single quotes. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Where `up`'s time went: each action's start and duration (they overlap where the bring-up allows it). */
export function renderPhases(phases: PhaseTiming[], totalMs: number): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  return table([
    ['PHASE', 'START', 'TOOK'],
    ...phases.map((p) => [p.title, `+${seconds(p.startedMs)}`, p.outcome === 'skipped' ? 'skipped (healthy)' : seconds(p.durationMs)]),
    ['total', '', seconds(totalMs)],
  ]);
}

/** What to do next with a fresh lab: the commands people actually type. */
export function renderUsage(name: string, hubKubeconfig: string, merged: string, managed: string[]): string {
  // A KUBECONFIG list (the users' own kubeconfigs) goes in the environment; a single file also works as a flag.
  const isList = merged.includes(delimiter);
  return [
    '',
    bold(`Lab ${name} is ready.`),
    `  export KUBECONFIG=${shellQuote(hubKubeconfig)}`,
    '  kubectl get managedclusters',
    '  clusteradm get clusters',
    isList ? `  KUBECONFIG=${shellQuote(merged)} k9s        # every cluster, one context each` : `  k9s --kubeconfig ${merged}        # every cluster, one context each`,
    isList
      ? `  KUBECONFIG="$(./lab kubeconfig ${managed[0] ?? 'hub'})" kubectl get nodes`
      : `  kubectl --kubeconfig "$(./lab kubeconfig ${managed[0] ?? 'hub'})" get nodes`,
    '  ./lab status    ./lab down',
  ].join('\n');
}

export function renderRunSummary(result: RunResult, reports: string[]): string {
  const lines: string[] = [''];
  for (const s of result.scenarios) {
    const mark = s.outcome === 'passed' ? green('PASS') : s.outcome === 'failed' ? red('FAIL') : 'SKIP';
    lines.push(`${mark}  ${s.name}  ${(s.durationMs / 1000).toFixed(1)}s  (${s.file})`);
    for (const step of s.steps.filter((x) => x.outcome === 'failed')) {
      lines.push(...`${step.phase === 'cleanup' ? 'cleanup ' : ''}step "${step.name}" failed: ${step.message ?? ''}`.split('\n').map((l) => `      ${l}`));
    }
    if (s.diagnostics) lines.push(`      diagnostics: ${s.diagnostics}`);
  }
  for (const report of reports) lines.push(`report: ${report}`);
  lines.push('', `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
  return lines.join('\n');
}

export function renderDemoNext(hubKubeconfig: string): string {
  return [
    '',
    bold('The lab is still running. Try next:'),
    `  export KUBECONFIG=${hubKubeconfig}`,
    '  kubectl get manifestworks -A               # the tour\'s work, with Applied/Available conditions',
    '  kubectl get placementdecisions -n default  # where the tour\'s Placement put it',
    '  ./lab run                                  # every built-in scenario',
    '  ./lab status    ./lab down',
  ].join('\n');
}
