/**
 * Progress of a core operation as plain events: the plan (a tree of named steps) first, then each
 * step's start, title changes, output lines and end. The core emits them; a renderer (listr2 in the
 * CLI, or nothing in a test) turns them into whatever it likes.
 */
export interface PlanStep {
  id: string;
  title: string;
  /** Children run at the same time (e.g. one per cluster). */
  concurrent?: boolean;
  children?: PlanStep[];
}

export type StepOutcome = 'done' | 'failed' | 'skipped';

export type LabEvent =
  | { type: 'plan'; steps: PlanStep[] }
  | { type: 'start'; id: string }
  | { type: 'title'; id: string; title: string }
  | { type: 'output'; id: string; text: string }
  | { type: 'end'; id: string; outcome: StepOutcome; message?: string };

export type EventSink = (event: LabEvent) => void;

/** What every core operation takes: a signal that cancels it, and a sink for its progress. */
export interface CoreOptions {
  signal?: AbortSignal;
  onEvent?: EventSink;
}

/** Emits a plan's events; `run` wraps one step's work in start/end. */
export class Progress {
  constructor(private readonly sink: EventSink = () => undefined) {}

  plan(steps: PlanStep[]): void {
    this.sink({ type: 'plan', steps });
  }

  title(id: string, title: string): void {
    this.sink({ type: 'title', id, title });
  }

  output(id: string, text: string): void {
    this.sink({ type: 'output', id, text });
  }

  start(id: string): void {
    this.sink({ type: 'start', id });
  }

  done(id: string): void {
    this.sink({ type: 'end', id, outcome: 'done' });
  }

  skip(id: string, message?: string): void {
    this.sink({ type: 'end', id, outcome: 'skipped', message });
  }

  fail(id: string, message: string): void {
    this.sink({ type: 'end', id, outcome: 'failed', message });
  }

  /** Runs one step: start, then end done (the step may return its final title) or failed with the error's message. */
  async run<T>(id: string, work: () => Promise<T>, describe?: (result: T) => string | undefined): Promise<T> {
    this.start(id);
    try {
      const result = await work();
      const title = describe?.(result);
      if (title) this.title(id, title);
      this.done(id);
      return result;
    } catch (error) {
      this.fail(id, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** One concurrent child step per item; every child runs to its end, then the first failure is thrown. */
  async each<I>(parent: string, items: I[], idOf: (item: I) => string, work: (item: I) => Promise<string | void>): Promise<void> {
    await this.run(parent, async () => {
      const results = await Promise.allSettled(items.map((item) => this.run(idOf(item), () => work(item), (title) => title || undefined)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }
}
