import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';

export interface OutputMode {
  json: boolean;
}

/**
 * Runs core tasks with listr2: the live tree on a TTY, plain lines otherwise. With --json the
 * progress goes to stderr so stdout holds only the JSON result.
 */
export async function runTasks<Ctx extends object>(tasks: ListrTask<Ctx>[], ctx: Ctx, mode: OutputMode, options: { exitOnError?: boolean } = {}): Promise<Ctx> {
  const tty = !!process.stdout.isTTY && !mode.json && !process.env.CI;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(mode.json ? process.stderr : process.stdout, process.stderr) });
  const list = new Listr<Ctx, 'default' | 'simple', 'simple'>(tasks, {
    ctx,
    concurrent: false,
    exitOnError: options.exitOnError ?? true,
    renderer: tty ? 'default' : 'simple',
    fallbackRenderer: 'simple',
    rendererOptions: tty
      ? ({ collapseSubtasks: false, timer: { condition: true, format: () => (s: string) => s, field: (d: number) => `${Math.round(d / 100) / 10}s` } } as never)
      : ({ logger, timer: { condition: true, field: (d: number) => `${Math.round(d / 100) / 10}s`, format: () => (s: string) => s } } as never),
    fallbackRendererOptions: { logger, timer: { condition: true, field: (d: number) => `${Math.round(d / 100) / 10}s`, format: () => (s: string) => s } as never },
    registerSignalListeners: false,
  });
  return list.run();
}
