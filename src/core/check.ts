/** One prerequisite as `./lab doctor` reports it: ok, a warning, or a failure with the fix. */
export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  fix?: string;
}
