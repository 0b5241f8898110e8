import { setMaxListeners } from 'node:events';

/**
 * A signal that Ctrl-C (or SIGTERM) aborts: the core cancels its waits and commands and returns,
 * leaving the lab inspectable for `./lab up` to complete or `./lab down` to remove. A second
 * Ctrl-C exits at once.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  // Every request, watch and command of a command shares this signal: dozens at once across clusters is normal, and
  // over a hundred in a lab of 50 clusters (Node then warns of a leak that is not one).
  setMaxListeners(1000, controller.signal);
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${name}: stopping (press Ctrl-C again to exit at once)\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.once('SIGINT', () => {
    onSignal('SIGINT');
    process.once('SIGINT', () => process.exit(130));
  });
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  return controller.signal;
}
