import type { ChildProcess } from "node:child_process";
import { stopChild } from "./stopChild.js";

/** How a child process ended ("code 1", "signal SIGKILL"), or undefined while it runs. */
export function exitStateOf(child: ChildProcess): string | undefined {
  if (child.signalCode !== null) return `signal ${child.signalCode}`;
  return child.exitCode !== null ? `code ${child.exitCode}` : undefined;
}

export type Readiness = {
  /** Polled until it answers 2xx: the moment the server in the child is up, as a user would see it. */
  url: string;
  headers?: Record<string, string>;
  /** What the child is, for the error ("langgraphjs dev"). */
  what: string;
  timeoutMs: number;
  intervalMs: number;
  /** What the child has printed so far, appended to the error. */
  output: () => string;
};

/**
 * Resolves once a server starting in `child` answers `url` with a 2xx. Rejects as soon as the child
 * exits (by a code or a signal), and after `timeoutMs`, having stopped the child. The time is
 * counted on the monotonic clock: a wall-clock step (NTP on a fresh machine) must not cut a
 * start-up short.
 */
export async function waitUntilAnswering(child: ChildProcess, readiness: Readiness): Promise<void> {
  const deadline = performance.now() + readiness.timeoutMs;
  while (!(await answers2xx(readiness.url, readiness.headers))) {
    const ended = exitStateOf(child);
    if (ended) throw new Error(`${readiness.what} exited (${ended}) before answering ${readiness.url}:\n${readiness.output()}`);
    if (performance.now() > deadline) {
      await stopChild(child);
      throw new Error(`${readiness.what} did not answer ${readiness.url} within ${readiness.timeoutMs} ms:\n${readiness.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, readiness.intervalMs));
  }
}

async function answers2xx(url: string, headers?: Record<string, string>): Promise<boolean> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
