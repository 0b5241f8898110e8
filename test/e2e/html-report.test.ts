import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCli, REPO } from './helpers.js';
import type { JsonReport } from './scenario-checks.js';

// Provider: local (fixtures/configs/html-report.yaml). A real run on a real lab writes the HTML report; headless
// Chromium opens it as a person would (file://) and the test reads what the page shows: every scenario and step,
// the failed step in red with its message, the fleet picture with each cluster, and links that lead to the
// diagnostics bundle's files, with no console error and no request beyond the file itself. Then `./lab status`
// draws the same fleet in the terminal.

/** Debian's chromium (CI installs it in .ci/run), or the browser OCM_LAB_CHROMIUM names. */
function findChromium(): string {
  const candidates = [process.env.OCM_LAB_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new Error(`no Chromium found (looked for ${candidates.join(', ')}): install it with "apt-get install -y chromium" (.ci/run does), or set OCM_LAB_CHROMIUM`);
  }
  return found;
}

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-html-report-'));
const config = join(dir, 'lab.config.yaml');
const reports = join(dir, 'reports');
const html = join(reports, 'run.html');
const json = join(reports, 'run.json');
/** Where the test leaves its screenshot of the report (the README's docs/report.png is one of these). */
const screenshot = join(dir, 'report.png');
const lab = (...args: string[]) => labCli([...args, '--config', config], { timeoutMs: 600_000 });

interface StepView {
  name: string;
  outcome: string;
  phase: string;
  durationMs: number;
  barWidth: number;
  trackWidth: number;
  barColor: string;
  barImage: string;
  message?: string;
  messageVisible: boolean;
}

describe('the HTML report of a real run, in headless Chromium (provider local)', { timeout: 900_000 }, () => {
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    // Before any cluster: a missing browser fails here, in seconds, with the way to get one.
    browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--headless=new'] });
    copyFileSync(join(REPO, 'fixtures/configs/html-report.yaml'), config);
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/Provider: local \(set in the config\)/);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('./lab run --report html=… fails (exit 1) on the false expectation and writes the page, and the JSON report has no fleet in it', async () => {
    const result = await lab('run', join(REPO, 'fixtures/scenarios/report'), '--report', `html=${html}`, '--report', `json=${json}`, '--diagnostics', join(reports, 'diagnostics'));
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stdout).toMatch(/^1 passed, 1 failed, 0 skipped$/m);
    expect(result.stdout).toContain(`report: ${html}`);
    const run = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    expect(run.scenarios.map((s) => `${s.name}=${s.outcome}`)).toEqual(['placed-work=passed', 'work-then-false=failed']);
    expect(readFileSync(json, 'utf8')).not.toContain('fleet');
    expect(statSync(html).size).toBeGreaterThan(5_000);
  });

  it('opens without a console error and loads nothing but the file itself', async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    const response = await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    expect(response?.ok()).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(await page.title()).toBe('ocm-lab run on lab html-report: 1 passed, 1 failed, 0 skipped');
  });

  it('shows every scenario and every step of the run, in order', async () => {
    const shown = await page.$$eval('section.scenario', (sections) =>
      sections.map((s) => ({ name: s.getAttribute('data-scenario'), steps: [...s.querySelectorAll('.step-name')].map((e) => (e as HTMLElement).innerText) })),
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as { scenarios: { name: string; steps: { name: string; phase: string }[] }[] };
    expect(shown).toEqual(report.scenarios.map((s) => ({ name: s.name, steps: s.steps.map((step) => `${step.phase === 'cleanup' ? 'cleanup: ' : ''}${step.name}`) })));
    expect(shown[1]!.steps).toEqual([
      'send web to cluster2',
      'web runs on cluster2',
      'cluster1 is in region <mars> & "nowhere" (it is not)',
      'never reached',
      'cleanup: delete the work',
    ]);
    // The step's name is text, not markup.
    expect(await page.$$eval('mars', (found) => found.length)).toBe(0);
  });

  it('marks the failed step red with its message (the closest candidate\'s diff) visible, skipped and cleanup steps apart, bars as wide as their time', async () => {
    const steps: StepView[] = await page.$$eval('#scenario-1 li.step', (items) =>
      items.map((item) => {
        const bar = item.querySelector('.bar') as HTMLElement;
        const message = item.querySelector('pre.message') as HTMLElement | null;
        return {
          name: (item.querySelector('.step-name') as HTMLElement).innerText,
          outcome: item.getAttribute('data-outcome')!,
          phase: item.getAttribute('data-phase')!,
          durationMs: Number(item.getAttribute('data-duration-ms')),
          barWidth: bar.getBoundingClientRect().width,
          trackWidth: (item.querySelector('.track') as HTMLElement).getBoundingClientRect().width,
          barColor: getComputedStyle(bar).backgroundColor,
          barImage: getComputedStyle(bar).backgroundImage,
          message: message?.innerText,
          messageVisible: !!message && message.getBoundingClientRect().height > 0 && getComputedStyle(message).visibility === 'visible',
        };
      }),
    );
    expect(steps.map((s) => `${s.phase}:${s.outcome}`)).toEqual(['step:passed', 'step:passed', 'step:failed', 'step:skipped', 'cleanup:passed']);
    const failed = steps[2]!;
    expect(failed.barColor).toBe('rgb(207, 34, 46)');
    expect(failed.messageVisible).toBe(true);
    expect(failed.message).toContain('assert failed on cluster hub after');
    expect(failed.message).toContain('closest: ManagedCluster cluster1');
    expect(failed.message).toContain('metadata.labels.region: expected "mars", got "east"');
    expect(steps.filter((s) => s.message !== undefined)).toHaveLength(1);
    expect(steps[0]!.barColor).not.toBe(failed.barColor);
    expect(steps[4]!.barImage).toContain('repeating-linear-gradient');
    expect(steps[0]!.barImage).toBe('none');
    // Each bar's share of the track is its step's share of the time (the CSS minimum of 2px aside).
    const total = steps.reduce((sum, s) => sum + s.durationMs, 0);
    for (const step of steps.filter((s) => s.durationMs > total * 0.05)) {
      expect(step.barWidth / step.trackWidth, step.name).toBeCloseTo(step.durationMs / total, 2);
    }
    expect(steps[3]!.barWidth).toBeLessThanOrEqual(2);
  });

  it('links the diagnostics bundle\'s files, relative to the page, each one there', async () => {
    const links = await page.$$eval('#scenario-1 .diagnostics li a', (anchors) => anchors.map((a) => ({ text: (a as HTMLElement).innerText, href: a.getAttribute('href')!, url: (a as HTMLAnchorElement).href })));
    expect(links.length).toBeGreaterThan(5);
    expect(links.map((l) => l.text)).toEqual(expect.arrayContaining(['README.txt', 'hub/managedclusters.yaml', 'hub/manifestworks.yaml', 'cluster2/deployments.yaml']));
    for (const link of links) {
      expect(link.href).toMatch(/^diagnostics\/[^/]+-work-then-false\//);
      expect(existsSync(fileURLToPath(link.url)), link.href).toBe(true);
    }
    expect(await page.$$eval('#scenario-0 .diagnostics', (found) => found.length)).toBe(0);
  });

  it('draws the fleet at the failure and at the end: the hub, each cluster by name, the Placement\'s arrow, the works per cluster', async () => {
    const picture = (id: string) =>
      page.$eval(`#${id} svg.fleet-svg`, (svg) => ({
        text: svg.textContent ?? '',
        hubs: [...svg.querySelectorAll('g.hub')].map((g) => g.getAttribute('data-name')),
        clusters: [...svg.querySelectorAll('g.cluster')].map((g) => g.getAttribute('data-name')),
        arrows: [...svg.querySelectorAll('path.choice')].map((p) => `${p.getAttribute('data-placement')}→${p.getAttribute('data-cluster')}`),
        width: svg.getBoundingClientRect().width,
      }));
    const atFailure = await picture('fleet-1');
    const atEnd = await picture('fleet');
    for (const fleet of [atFailure, atEnd]) {
      expect(fleet.hubs).toEqual(['hub']);
      expect(fleet.clusters).toEqual(['cluster1', 'cluster2']);
      expect(fleet.arrows).toEqual(['report-lab/dev→cluster1']);
      expect(fleet.text).toContain('settings-dev');
      expect(fleet.text).toContain('env=dev');
      expect(fleet.text).toContain('sets: default, dev, global');
      expect(fleet.width).toBeGreaterThan(600);
    }
    // The work the failed scenario sent was there at its failure; its cleanup removed it before the end.
    expect(atFailure.text).toContain('web-report');
    expect(atEnd.text).not.toContain('web-report');
    expect(await page.$$eval('.fleet-errors', (found) => found.length)).toBe(0);
  });

  it('a screenshot of the report', async () => {
    await page.screenshot({ path: screenshot, fullPage: true });
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(20_000);
    console.log(`screenshot of the HTML report: ${screenshot}`);
  });

  it('./lab status draws the same fleet after its tables; status --json stays without it', async () => {
    const status = await lab('status');
    expect(status.exitCode, status.all).toBe(0);
    const picture = status.stdout.slice(status.stdout.indexOf('Fleet (from hub hub)'));
    expect(picture).toMatch(/^├─ cluster1 {2}Available {2}.*env=dev/m);
    expect(picture).toMatch(/^│ {4}1 ManifestWork, 1 Available$/m);
    expect(picture).toMatch(/^│ {4}chosen by report-lab\/dev$/m);
    expect(picture).toMatch(/^└─ cluster2 {2}Available {2}.*env=prod/m);
    expect(picture).toMatch(/^ {5}0 ManifestWorks$/m);
    expect(picture).toMatch(/^global +every cluster +cluster1, cluster2 +report-lab$/m);
    expect(picture).toMatch(/^report-lab\/dev +cluster1$/m);
    const asJson = await lab('status', '--json');
    expect(asJson.exitCode, asJson.all).toBe(0);
    expect(Object.keys(JSON.parse(asJson.stdout) as object).sort()).toEqual(['clusters', 'components', 'healthy', 'installs', 'managedClusters', 'name', 'ocm', 'problems', 'provider', 'stateDir']);
  });
});
