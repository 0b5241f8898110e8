import { Listr, ListrLogger, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import type { CoreOptions, LabEvent, PlanStep, StepOutcome } from '../core/progress.js';
import { errorMessage } from '../errors.js';

export interface OutputMode {
  json: boolean;
}

interface StepView {
  title: string;
  /** The core started this step. */
  started?: boolean;
  outputs: string[];
  ended?: { outcome: StepOutcome; message?: string };
  children: string[];
  task?: ListrTaskWrapper<unknown, never, never>;
  waiters: (() => void)[];
}

type AnyTask = { title: string; output: string; skip(message?: string): void };

const timer = { condition: true, field: (d: number) => `${Math.round(d / 100) / 10}s`, format: () => (s: string) => s };

/**
 * Renders the core's progress events with listr2: the live tree on a TTY, plain lines otherwise
 * (and with --json, on stderr so stdout holds only the JSON result). Each plan becomes one listr
 * run whose tasks wait for their step's end event; the core never sees listr.
 */
export class ListrProgress {
  private readonly steps = new Map<string, StepView>();
  private runs: Promise<unknown> = Promise.resolve();

  constructor(private readonly mode: OutputMode) {}

  readonly onEvent = (event: LabEvent): void => {
    if (event.type === 'plan') return this.plan(event.steps);
    const view = this.steps.get(event.id);
    if (!view) return;
    if (event.type === 'title') {
      view.title = event.title;
      if (view.task) view.task.title = event.title;
    } else if (event.type === 'output') {
      view.outputs.push(event.text);
      if (view.task) (view.task as unknown as AnyTask).output = event.text;
    } else if (event.type === 'start') {
      view.started = true;
    } else if (event.type === 'end') {
      this.end(event.id, { outcome: event.outcome, message: event.message });
    }
  };

  /** Ends every step still open (the core threw, or was cancelled) and waits for the renderer to finish. */
  async close(error?: unknown): Promise<void> {
    for (const [id, view] of this.steps) {
      if (!view.ended) this.end(id, view.started && error ? { outcome: 'failed', message: errorMessage(error) } : { outcome: 'skipped' });
    }
    await this.runs;
  }

  /** Runs `work` with this renderer attached, closing it whatever happens. */
  async around<T>(work: (options: Pick<CoreOptions, 'onEvent'>) => Promise<T>): Promise<T> {
    try {
      const result = await work({ onEvent: this.onEvent });
      await this.close();
      return result;
    } catch (error) {
      await this.close(error);
      throw error;
    }
  }

  private end(id: string, ended: StepView['ended']): void {
    const view = this.steps.get(id);
    if (!view || view.ended) return;
    view.ended = ended;
    // A step that ends takes its unfinished children with it (a skipped parent never starts them).
    for (const child of view.children) this.end(child, { outcome: 'skipped' });
    view.waiters.splice(0).forEach((wake) => wake());
  }

  private plan(steps: PlanStep[]): void {
    const register = (step: PlanStep) => {
      this.steps.set(step.id, { title: step.title, outputs: [], children: (step.children ?? []).map((c) => c.id), waiters: [] });
      step.children?.forEach(register);
    };
    steps.forEach(register);
    const list = this.listr(steps.map((s) => this.task(s)));
    this.runs = this.runs.then(() => list.run().catch(() => undefined));
  }

  private ended(id: string): Promise<NonNullable<StepView['ended']>> {
    const view = this.steps.get(id)!;
    return view.ended ? Promise.resolve(view.ended) : new Promise((resolve) => view.waiters.push(() => resolve(view.ended!)));
  }

  private task(step: PlanStep): ListrTask {
    const view = this.steps.get(step.id)!;
    const settle = async (task: AnyTask) => {
      const { outcome, message } = await this.ended(step.id);
      if (outcome === 'failed') throw new Error(message ?? 'failed');
      if (outcome === 'skipped') task.skip(message ? `${view.title}: ${message}` : undefined);
    };
    return {
      title: view.title,
      task: (_ctx, task) => {
        view.task = task as never;
        task.title = view.title;
        if (view.outputs.length) task.output = view.outputs.at(-1)!;
        if (!step.children?.length || view.ended?.outcome === 'skipped') return settle(task);
        // The last, untitled subtask ends the parent itself: a skip marks the parent skipped, not a row of its own.
        return task.newListr([...step.children.map((child) => this.task(child)), { task: () => settle(task as unknown as AnyTask) }], {
          concurrent: step.concurrent ?? false,
          exitOnError: false,
        });
      },
    };
  }

  private listr(tasks: ListrTask[]): Listr<unknown, 'default' | 'simple', 'simple'> {
    const tty = !!process.stdout.isTTY && !this.mode.json && !process.env.CI;
    const logger = new ListrLogger({ processOutput: new ProcessOutput(this.mode.json ? process.stderr : process.stdout, process.stderr) });
    return new Listr<unknown, 'default' | 'simple', 'simple'>(tasks, {
      concurrent: false,
      exitOnError: false,
      renderer: tty ? 'default' : 'simple',
      fallbackRenderer: 'simple',
      rendererOptions: tty ? ({ collapseSubtasks: false, timer } as never) : ({ logger, timer } as never),
      fallbackRendererOptions: { logger, timer } as never,
      registerSignalListeners: false,
    });
  }
}
