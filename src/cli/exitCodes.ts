/**
 * The CLI's exit codes (STYLE.md §8). Ctrl-C exits 130 (128 + SIGINT, the shell convention), so
 * CI can tell an interrupted run from a clean, a failing or a misconfigured one.
 */
export const EXIT = {
  /** The run finished and found nothing. */
  clean: 0,
  /** The run finished with findings against the deployment. */
  findings: 1,
  /** `serve` or `mock` could not start: a database or Redis that does not answer, a port in use. */
  couldNotStart: 1,
  /** Bad flags, unreadable credentials, an unreachable deployment, or a run that could not complete. */
  usageOrConnection: 2,
  /** Interrupted with Ctrl-C: what the run had created was cleaned up, and what it did is reported. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in how the CLI was called: printed as is, exit 2. Its message never contains a credential. */
export class UsageError extends Error {}
