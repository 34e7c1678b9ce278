import type { ApiName } from "../contracts/apiNames.js";
import { CheckSkipped, type Check } from "./check.js";
import { lastProbe, passiveChecks, probeChecks } from "./checks/index.js";
import { CheckContext, envNameFor } from "./context.js";
import { misconfiguration } from "./diagnosis.js";
import { coverageOf } from "./coverage.js";
import { DEFAULT_OPTIONS, type RunOptions } from "./options.js";
import { profileFor } from "./flows/index.js";
import type { ApiProfile } from "./profile.js";
import { BudgetExhausted, RunAborted } from "./transport.js";
import { allOrFirstError } from "./together.js";
import { wireFor } from "./wire.js";
import type { CheckResult, Finding, Report } from "./types.js";

export class ConnectionError extends Error {}

/** The run could not set itself up: not a finding against the contract (the CLI exits 2 with the diagnosis). */
class SetupFailed extends Error {
  /** True when the answers show a misconfiguration (all 401/403/404): then nothing of the run is judged. */
  constructor(message: string, readonly misconfigured: boolean) {
    super(message);
  }
}

/** Whole milliseconds since `since` (a performance.now() reading): monotonic, so a clock step cannot skew a report. */
const elapsedMs = (since: number) => Math.round(performance.now() - since);

export type RunInput = Partial<RunOptions> & Pick<RunOptions, "api" | "baseUrl"> & { signal?: AbortSignal };

/**
 * Runs every check of one API against one deployment and returns the report. Resources the run
 * made are removed at the end, also when a check throws or the signal aborts (Ctrl-C).
 */
export async function runConformance(input: RunInput): Promise<Report> {
  const options: RunOptions = { ...DEFAULT_OPTIONS, onProgress: () => undefined, ...input, seed: input.seed ?? randomSeed() };
  const ctx = new CheckContext(options);
  try {
    return await run(ctx, options, input);
  } finally {
    ctx.transport.close();
  }
}

async function run(ctx: CheckContext, options: RunOptions, input: RunInput): Promise<Report> {
  let diagnosis: string | undefined;
  // A misconfigured run judges nothing; a setup that failed on an answer it could not follow still has its recorded answers judged.
  let misconfigured = false;
  const profile = profileFor(options.api);
  // Two clocks: the wall clock dates the report, the monotonic one measures it (a clock step cannot skew a duration).
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  await assertReachable(options);

  const wanted = (check: Check) => options.only.length === 0 || options.only.includes(check.name);
  const runCheck = async (check: Check) => {
    if (!wanted(check)) return;
    // A run that could not work with the deployment judges nothing: its answers are the misconfiguration's, not the contract's.
    const reason = misconfigured || (diagnosis && check.phase !== "passive") ? "the run could not work with the deployment (see the diagnosis)" : check.skipReason?.(ctx);
    // After Ctrl-C nothing more is sent, but passive checks still read what was recorded.
    const aborted = input.signal?.aborted && check.phase !== "passive";
    if (reason || aborted) {
      results.push({ check: check.name, description: check.description, status: "skipped", findings: 0, reason: reason ?? "run interrupted (Ctrl-C)", durationMs: 0 });
      return;
    }
    ctx.progress(`▶ ${check.name}: ${check.description}`);
    const t0 = performance.now();
    let found: Finding[];
    if (check.phase === "probe") ctx.isolatedSenders.add(check.name);
    try {
      found = await check.run(ctx);
    } catch (error) {
      if (error instanceof BudgetExhausted) throw error;
      if (error instanceof RunAborted) {
        results.push({ check: check.name, description: check.description, status: "skipped", findings: 0, reason: "run interrupted (Ctrl-C) while it ran", durationMs: elapsedMs(t0) });
        return;
      }
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
    found = withoutThrottled(ctx, check, found);
    found = found.map((f) => applyStrictness(f, options.strict ?? false));
    findings.push(...found);
    results.push({ check: check.name, description: check.description, status: found.length > 0 ? "failed" : "passed", findings: found.length, durationMs: elapsedMs(t0) });
    // Named: the check that runs beside the flows finishes among their lines.
    ctx.progress(`  ${found.length === 0 ? "✔" : "✖"} ${check.name}: ${found.length === 0 ? "passed" : `${found.length} finding(s)`} (${elapsedMs(t0)} ms)`);
  };

  try {
    ctx.progress(`preparing ${options.api} at ${options.baseUrl} (seed ${options.seed}, --examples ${options.examples}; --seed ${options.seed} replays this run's generated requests)`);
    await prepare(ctx, profile);
    const probes = probeChecks(profile);
    // A check that only sends what a correct deployment refuses runs while the flows wait on the
    // deployment's clock; the other probes come after, as they read and write what flows also touch.
    const beside = probes.find((check) => check.besideFlows);
    await allOrFirstError([beside ? runCheck(beside) : Promise.resolve(), (async () => {
      for (const check of profile.flows) await runCheck(check);
    })()]);
    for (const check of probes) if (check !== beside) await runCheck(check);
  } catch (error) {
    if (error instanceof SetupFailed) {
      diagnosis = error.message;
      misconfigured = error.misconfigured;
    }
    else if (error instanceof RunAborted) ctx.notes.push("Interrupted (Ctrl-C) while preparing: no check ran.");
    else if (!(error instanceof BudgetExhausted)) throw error;
    else ctx.notes.push(`Stopped early: ${error.message}. Raise --max-requests to run every check.`);
  } finally {
    ctx.progress("cleaning up what the run created");
    await ctx.cleanup.run();
  }
  if (diagnosis === undefined) {
    diagnosis = misconfiguration(options.api, options.baseUrl, ctx.transport.exchanges, options.credentialEnv ?? envNameFor(options.api));
    misconfigured = diagnosis !== undefined;
  }
  try {
    await runCheck(lastProbe);
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    ctx.notes.push(`Rate-limit probe stopped: ${error.message}.`);
  }
  if (misconfigured) {
    findings.length = 0;
    for (const [i, result] of results.entries()) if (result.status === "failed") results[i] = { ...result, status: "skipped", findings: 0, reason: "the run could not work with the deployment (see the diagnosis)" };
  }
  for (const check of passiveChecks) await runCheck(check);
  // In run order, whichever finished first: the same run gives the same report.
  const rank = new Map(checkNamesFor(options.api).map((name, i) => [name, i]));
  const byRank = (a: { check: string }, b: { check: string }) => (rank.get(a.check) ?? 0) - (rank.get(b.check) ?? 0);
  results.sort(byRank);
  findings.sort(byRank);

  return {
    tool: "connector-contracts",
    api: options.api,
    baseUrl: options.baseUrl,
    runId: ctx.runId,
    startedAt,
    durationMs: elapsedMs(started),
    options: {
      readOnly: options.readOnly, rateLimit: options.rateLimit, destructive: options.destructive, strict: options.strict ?? false, secondaryKey: Boolean(options.secondaryKey),
      headers: Object.keys(options.headers ?? {}), maxRequests: options.maxRequests, requestsPerSecond: options.requestsPerSecond, only: options.only, seed: options.seed, examples: options.examples,
    },
    ...(diagnosis ? { diagnosis: ctx.redactor.redact(diagnosis) } : {}),
    checks: results,
    findings,
    coverage: coverageOf(ctx),
    requests: ctx.transport.requestCount,
    sent: ctx.transport.exchanges.map((e) => ({
      seq: e.seq, sentBy: e.sentBy, method: e.request.method, path: ctx.redactor.redact(new URL(e.request.url).pathname + new URL(e.request.url).search), ...(e.operationId ? { operationId: e.operationId } : {}), status: e.response.status,
    })),
    leftBehind: ctx.cleanup.leftBehind.map((label) => ctx.redactor.redact(label)),
    modified: ctx.cleanup.modified.map((label) => ctx.redactor.redact(label)),
    notes: [...ctx.notes, ...ctx.cleanup.problems, ...(input.signal?.aborted ? ["The run was interrupted (Ctrl-C); what it created was cleaned up."] : [])].map((note) => ctx.redactor.redact(note)),
    ...(ctx.invalidInputs ? { invalidInputs: ctx.invalidInputs } : {}),
  };
}

/**
 * Makes what the probes need. A deployment the suite cannot set itself up against (a wrong key, a
 * base URL of another API, a missing path prefix, or a setup request answered in a way the suite
 * cannot follow) is not judged at all: the run ends with a diagnosis and the CLI exits 2.
 */
async function prepare(ctx: CheckContext, profile: ApiProfile): Promise<void> {
  try {
    ctx.probes = await profile.prepare(ctx);
  } catch (error) {
    if (error instanceof BudgetExhausted || error instanceof RunAborted) throw error;
    const misconfigured = misconfiguration(ctx.api, ctx.options.baseUrl, ctx.transport.exchanges, ctx.options.credentialEnv ?? envNameFor(ctx.api));
    const last = ctx.transport.exchanges.at(-1);
    const answered = last ? ` (last request: ${last.request.method} ${new URL(last.request.url).pathname} answered ${last.response.status}: ${last.response.body.slice(0, 300)})` : "";
    throw new SetupFailed(misconfigured ?? `the run could not set itself up: ${(error as Error).message}${answered}`, misconfigured !== undefined);
  }
}

/**
 * A 429 that outlasted the transport's backing off is the deployment's rate limit, not its answer
 * to what the check asked: what rested on it was not judged (said in a note), neither passed nor
 * found. Passive checks and the rate-limit probe keep theirs, as they judge the 429 itself.
 */
function withoutThrottled(ctx: CheckContext, check: Check, found: Finding[]): Finding[] {
  if (check.phase === "passive" || check === lastProbe) return found;
  const throttled = found.filter((f) => f.exchange?.response.status === 429);
  if (throttled.length === 0) return found;
  const steps = [...new Set(throttled.map((f) => f.operationId ?? f.check))].join(", ");
  ctx.notes.push(`${check.name}: ${throttled.length} expectation(s) met a 429 instead of an answer (the deployment's rate limit, still there after backing off) and were not judged (${steps}); run again once its window has passed, or lower --rps.`);
  return found.filter((f) => f.exchange?.response.status !== 429);
}

/** A finding against a rule this project only inferred is a warning, unless the run is --strict; a documented rule's is an error. */
function applyStrictness(finding: Finding, strict: boolean): Finding {
  if (finding.basis === "inferred" && !strict) return { ...finding, severity: "warning" };
  if (finding.basis === "inferred" && strict) return { ...finding, severity: "error" };
  return finding;
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

/** One request before the run counts any: whatever the answer, the deployment is there. */
async function assertReachable(options: RunOptions): Promise<void> {
  const wire = wireFor(options.fetch);
  try {
    await wire.send({ method: "GET", url: new URL(options.baseUrl), headers: {}, timeoutMs: Math.min(options.timeoutMs, 10_000) });
  } catch (error) {
    // Node's client names the socket's error itself; fetch wraps it as the cause.
    const failure = error as { code?: string; cause?: { code?: string; message?: string } };
    const why = failure.code ?? failure.cause?.code ?? failure.cause?.message;
    throw new ConnectionError(`Cannot reach ${options.baseUrl}${why ? ` (${why})` : ""}: ${(error as Error).message}`);
  } finally {
    wire.close();
  }
}
