import type { ApiName } from "../contracts/apiNames.js";
import { CheckSkipped, type Check } from "./check.js";
import { lastProbe, passiveChecks, probeChecks } from "./checks/index.js";
import { CheckContext } from "./context.js";
import { coverageOf } from "./coverage.js";
import { DEFAULT_OPTIONS, type RunOptions } from "./options.js";
import { profileFor } from "./flows/index.js";
import type { ApiProfile } from "./profile.js";
import { BudgetExhausted } from "./transport.js";
import type { CheckResult, Finding, Report } from "./types.js";

export class ConnectionError extends Error {}

/** Whole milliseconds since `since` (a performance.now() reading): monotonic, so a clock step cannot skew a report. */
const elapsedMs = (since: number) => Math.round(performance.now() - since);

export type RunInput = Partial<RunOptions> & Pick<RunOptions, "api" | "baseUrl"> & { signal?: AbortSignal };

/**
 * Runs every check of one API against one deployment and returns the report. Resources the run
 * made are removed at the end, also when a check throws or the signal aborts (Ctrl-C).
 */
export async function runConformance(input: RunInput): Promise<Report> {
  const options: RunOptions = { ...DEFAULT_OPTIONS, fetch: globalThis.fetch, onProgress: () => undefined, ...input, seed: input.seed ?? randomSeed() };
  const ctx = new CheckContext(options);
  const profile = profileFor(options.api);
  const started = performance.now();
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  await assertReachable(options);

  const wanted = (check: Check) => options.only.length === 0 || options.only.includes(check.name);
  const runCheck = async (check: Check) => {
    if (!wanted(check)) return;
    const reason = check.skipReason?.(ctx);
    // After Ctrl-C nothing more is sent, but passive checks still read what was recorded.
    const aborted = input.signal?.aborted && check.phase !== "passive";
    if (reason || aborted) {
      results.push({ check: check.name, description: check.description, status: "skipped", findings: 0, reason: reason ?? "run aborted", durationMs: 0 });
      return;
    }
    ctx.progress(`▶ ${check.name}: ${check.description}`);
    const t0 = performance.now();
    let found: Finding[];
    try {
      found = await check.run(ctx);
    } catch (error) {
      if (error instanceof BudgetExhausted) throw error;
      if (error instanceof CheckSkipped) {
        results.push({ check: check.name, description: check.description, status: "skipped", findings: 0, reason: error.message, durationMs: elapsedMs(t0) });
        ctx.progress(`  – skipped: ${error.message}`);
        return;
      }
      found = [ctx.finding({
        check: check.name, what: "crashed", title: `${check.name} could not complete: ${(error as Error).message}`,
        expected: "answers the check can follow", received: String((error as Error).stack ?? error).slice(0, 1_000), source: check.source,
      })];
    }
    findings.push(...found);
    results.push({ check: check.name, description: check.description, status: found.length > 0 ? "failed" : "passed", findings: found.length, durationMs: elapsedMs(t0) });
    ctx.progress(`  ${found.length === 0 ? "✔ passed" : `✖ ${found.length} finding(s)`} (${elapsedMs(t0)} ms)`);
  };

  try {
    ctx.progress(`preparing ${options.api} at ${options.baseUrl} (seed ${options.seed}, --examples ${options.examples}; --seed ${options.seed} replays this run's generated requests)`);
    if (await prepare(ctx, profile, results, findings)) {
      for (const check of [...profile.flows, ...probeChecks(profile)]) await runCheck(check);
    }
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    ctx.notes.push(`Stopped early: ${error.message}. Raise --max-requests to run every check.`);
  } finally {
    ctx.progress("cleaning up what the run created");
    await ctx.cleanup.run();
  }
  try {
    await runCheck(lastProbe);
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    ctx.notes.push(`Rate-limit probe stopped: ${error.message}.`);
  }
  for (const check of passiveChecks) await runCheck(check);

  return {
    tool: "connector-contracts",
    api: options.api,
    baseUrl: options.baseUrl,
    runId: ctx.runId,
    startedAt: new Date(started).toISOString(),
    durationMs: elapsedMs(started),
    options: { readOnly: options.readOnly, rateLimit: options.rateLimit, destructive: options.destructive, secondaryKey: Boolean(options.secondaryKey), maxRequests: options.maxRequests, requestsPerSecond: options.requestsPerSecond, only: options.only, seed: options.seed, examples: options.examples },
    checks: results,
    findings,
    coverage: coverageOf(ctx),
    requests: ctx.transport.requestCount,
    leftBehind: ctx.cleanup.leftBehind,
    notes: [...ctx.notes, ...ctx.cleanup.problems, ...(input.signal?.aborted ? ["The run was interrupted; what it created was cleaned up."] : [])],
  };
}

/**
 * Makes what the probes need. When the deployment answers setup requests in a way the suite
 * cannot follow (an undocumented status, a body without an id), that is itself a finding: the
 * flows and probes are skipped, and the passive checks still judge every answer recorded.
 */
async function prepare(ctx: CheckContext, profile: ApiProfile, results: CheckResult[], findings: Finding[]): Promise<boolean> {
  const t0 = performance.now();
  try {
    ctx.probes = await profile.prepare(ctx);
    return true;
  } catch (error) {
    if (error instanceof BudgetExhausted) throw error;
    const last = ctx.transport.exchanges.at(-1);
    findings.push(ctx.finding({
      check: "setup", operationId: last?.operationId, what: "failed",
      title: `The run could not set itself up: ${(error as Error).message}`,
      expected: "the deployment answers the setup requests (creating or reading what the checks work on) as the contract documents",
      received: (error as Error).message, source: "the API's contract (see the exchange)", exchange: last,
    }));
    results.push({ check: "setup", description: "Find or create what the checks work on", status: "failed", findings: 1, durationMs: elapsedMs(t0) });
    ctx.notes.push("Setup failed, so the flows and probes did not run; the passive checks judged what was recorded.");
    return false;
  }
}

/** The names of every check a run of this API may run, in run order (the CLI validates --only with it). */
export function checkNamesFor(api: ApiName): string[] {
  const profile = profileFor(api);
  return [...profile.flows, ...probeChecks(profile), lastProbe, ...passiveChecks].map((check) => check.name);
}

/** A fresh seed for a run not told one (31 bits: what fast-check takes, and short enough to type). */
function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

async function assertReachable(options: RunOptions): Promise<void> {
  try {
    await options.fetch(options.baseUrl, { method: "GET", signal: AbortSignal.timeout(Math.min(options.timeoutMs, 10_000)) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    throw new ConnectionError(`Cannot reach ${options.baseUrl}${why ? ` (${why})` : ""}: ${(error as Error).message}`);
  }
}
