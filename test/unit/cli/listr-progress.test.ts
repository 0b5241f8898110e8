import { afterEach, describe, expect, it, vi } from 'vitest';
import { ListrProgress } from '../../../src/cli/listr-progress.js';
import { Progress } from '../../../src/core/progress.js';

/** What the plain (non-TTY) renderer printed while `work` ran. */
async function rendered(work: (progress: Progress) => Promise<void>): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  const view = new ListrProgress({ json: false });
  await view.around(async ({ onEvent }) => work(new Progress(onEvent))).catch(() => undefined);
  vi.restoreAllMocks();
  return lines.join('');
}

afterEach(() => vi.restoreAllMocks());

describe('ListrProgress renders the core\'s events with listr2', () => {
  it('shows steps, concurrent children, final titles and skipped steps', async () => {
    const out = await rendered(async (progress) => {
      progress.plan([
        { id: 'a', title: 'First' },
        { id: 'b', title: 'Clusters', concurrent: true, children: [{ id: 'b/1', title: 'one' }, { id: 'b/2', title: 'two' }] },
        { id: 'c', title: 'Last' },
      ]);
      await progress.run('a', async () => 'x', () => 'First: done well');
      await progress.each('b', ['1', '2'], (n) => `b/${n}`, async (n) => `cluster ${n} ready`);
      progress.skip('c', 'nothing to do');
    });
    expect(out).toContain('First: done well');
    expect(out).toContain('cluster 1 ready');
    expect(out).toContain('cluster 2 ready');
    expect(out).toMatch(/Last: nothing to do/);
  });

  it('shows a failure with its message and skips what never ran', async () => {
    const out = await rendered(async (progress) => {
      progress.plan([
        { id: 'a', title: 'Breaks' },
        { id: 'b', title: 'Never runs', children: [{ id: 'b/1', title: 'child' }] },
      ]);
      await progress.run('a', async () => {
        throw new Error('the API server of hub was not ready');
      });
    });
    expect(out).toContain('the API server of hub was not ready');
    expect(out).not.toContain('child');
  });

  it('a parent skipped after its children began rendering shows as skipped, with no untitled rows', async () => {
    const out = await rendered(async (progress) => {
      progress.plan([
        { id: 'a', title: 'Breaks' },
        { id: 'b', title: 'Joins', concurrent: true, children: [{ id: 'b/1', title: 'cluster1' }] },
      ]);
      await progress.run('a', async () => undefined).then(() => progress.fail('a', 'hub failed'));
      await new Promise((resolve) => setTimeout(resolve, 50)); // listr moves on to "Joins" meanwhile
      throw new Error('hub failed');
    });
    expect(out).not.toMatch(/\[SKIPPED: (Joins|cluster1)\]/);
    expect(out).not.toMatch(/✔ Joins/);
  });

  it('renders one plan after another (up, then the demo tour)', async () => {
    const out = await rendered(async (progress) => {
      progress.plan([{ id: 'up', title: 'Bring up' }]);
      await progress.run('up', async () => undefined);
      progress.plan([{ id: 'tour', title: 'Tour', children: [{ id: 'tour/1', title: 'send a work' }] }]);
      progress.start('tour');
      await progress.run('tour/1', async () => undefined);
      progress.done('tour');
    });
    expect(out.indexOf('Bring up')).toBeLessThan(out.indexOf('send a work'));
  });
});
