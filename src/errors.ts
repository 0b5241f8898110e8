/** Exit codes CI can trust. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Base of every error we raise on purpose: a message, an actionable hint, and the exit code it maps to. */
export class LabError extends Error {
  readonly hint?: string;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

/** Control characters (terminal escapes, bells, bidi overrides) from a user's file, made visible instead of acted on. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatIssue(issue: ConfigIssue): string {
  return printable(`${issue.file}:${issue.line}:${issue.column}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
}

/** An invalid lab config or scenario file; carries every problem found, each with file, line and field. */
export class ConfigError extends LabError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], hint?: string) {
    super(issues.map(formatIssue).join('\n'), { exitCode: EXIT_USAGE, hint });
    this.issues = issues;
  }
}

export class UsageError extends LabError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT_USAGE, hint });
  }
}

/** An external program failed; carries the command and the tail of its stderr. */
export class CommandError extends LabError {
  readonly command: string;
  readonly stderr: string;

  constructor(command: string, stderr: string, options: { hint?: string; cause?: unknown } = {}) {
    const tail = stderr.trim().split('\n').slice(-15).join('\n');
    super(`command failed: ${command}${tail ? `\n${tail}` : ''}`, options);
    this.command = command;
    this.stderr = stderr;
  }
}

export class TimeoutError extends LabError {}

/** A Kubernetes API request failed; `code` is the HTTP status. */
export class KubeApiError extends LabError {
  constructor(
    readonly code: number,
    message: string,
    readonly cluster: string,
  ) {
    super(`${cluster}: Kubernetes API error ${code}: ${message}`);
  }
}

/** The message a user should see; Kubernetes API errors are reduced to their status message. */
export function errorMessage(error: unknown): string {
  const api = error as { code?: unknown; body?: unknown };
  if (error instanceof Error && typeof api.code === 'number' && api.body !== undefined) {
    let body = api.body as { message?: string } | string;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as { message?: string };
      } catch {
        /* not JSON: keep the text */
      }
    }
    const message = typeof body === 'string' ? body : body?.message;
    return `Kubernetes API error ${api.code}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
