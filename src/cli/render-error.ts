import { EXIT_FAILURE, LabError, errorMessage } from '../errors.js';

/** The one place errors become text and exit codes. */
export function renderError(error: unknown, json: boolean): number {
  const exitCode = error instanceof LabError ? error.exitCode : EXIT_FAILURE;
  const hint = error instanceof LabError ? error.hint : undefined;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: errorMessage(error), hint, exitCode })}\n`);
  } else {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    if (!(error instanceof LabError) && process.env.OCM_LAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  }
  return exitCode;
}
