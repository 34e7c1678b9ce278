import { API_NAMES, type ApiName } from "../src/contracts/apiNames.js";
import { loadSpec } from "../src/contracts/loadSpec.js";
import { profileFor } from "../src/conformance/flows/index.js";
import { runConformance } from "../src/conformance/runner.js";
import { startLangGraphServer } from "../src/langgraph/devServer.js";
import { readDevKeys } from "../src/server/fixtures.js";
import { mountPath } from "../src/server/mountPaths.js";
import type { BenchOptions } from "./options.js";
import { freshPgliteDatabase, startReferenceServer } from "./targets.js";

export type ApiRun =
  | { api: ApiName; durationMs: number; requests: number; findings: number; failedChecks: string[]; slowestChecks: Array<{ check: string; ms: number }> }
  | { api: ApiName; skipped: string };

export type ConformanceFigures = {
  /** The four runs one after the other (what a user waits for), in the median round. */
  wallMs: number;
  /** Every round's wall time, in run order: a shared machine moves one run by a third. */
  roundsMs: number[];
  /** The median round's runs. */
  apis: ApiRun[];
  /** Started before the clock, and not counted. */
  langgraphStartMs: number;
  server: string;
};

/**
 * A full run of the suite (every check, writes included, the secondary key for the isolation
 * check) for each API in turn, against the reference server as a user starts it (PGlite, default
 * settings) in its own process, `--rounds` times, each on a server of its own; the figure is the
 * median round. The request pacing is lifted so that the figure is the suite's and the server's,
 * not a politeness delay.
 */
export async function measureConformance(options: BenchOptions): Promise<ConformanceFigures> {
  const langgraphStarted = performance.now();
  const langgraph = await startLangGraphServer();
  const langgraphStartMs = Math.round(performance.now() - langgraphStarted);
  try {
    const rounds: Array<{ wallMs: number; apis: ApiRun[] }> = [];
    // A server of its own each round, as a user starts one: Vern's rate limit would still count the round before.
    for (let round = 0; round < options.rounds; round++) rounds.push(await measureRound(options, langgraph.url));
    const median = [...rounds].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((rounds.length - 1) / 2)]!;
    const settings = options.simStepMs === undefined ? "default settings" : `SIM_STEP_MS=${options.simStepMs}, otherwise default settings`;
    return { wallMs: median.wallMs, roundsMs: rounds.map((r) => r.wallMs), apis: median.apis, langgraphStartMs, server: `reference server on PGlite (fresh data directory), ${settings}` };
  } finally {
    await langgraph.close();
  }
}

async function measureRound(options: BenchOptions, langgraphUrl: string): Promise<{ wallMs: number; apis: ApiRun[] }> {
  const database = freshPgliteDatabase();
  try {
    const server = await startReferenceServer("reference-pglite", { database, logLevel: options.logLevel, ...(options.simStepMs === undefined ? {} : { simStepMs: options.simStepMs }) });
    try {
      const apis: ApiRun[] = [];
      const started = performance.now();
      for (const api of API_NAMES) {
        try {
          apis.push(await runOne(api, `${server.origin}${mountPath(api, loadSpec(api), false)}`, langgraphUrl));
        } catch (error) {
          const ended = server.process.exitState();
          throw new Error(`${api}: ${(error as Error).message}${ended ? ` (the server process had ended: ${ended})` : ""}`);
        }
      }
      return { wallMs: Math.round(performance.now() - started), apis };
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

async function runOne(api: ApiName, baseUrl: string, langgraphUrl: string): Promise<ApiRun> {
  try {
    profileFor(api);
  } catch (error) {
    return { api, skipped: (error as Error).message };
  }
  const [primary, secondary] = readDevKeys(api);
  const started = performance.now();
  const report = await runConformance({ api, baseUrl, primaryKey: primary?.key, secondaryKey: secondary?.key, langgraphUrl, requestsPerSecond: 100_000 });
  return {
    api,
    durationMs: Math.round(performance.now() - started),
    requests: report.requests,
    findings: report.findings.length,
    failedChecks: report.checks.filter((c) => c.status === "failed").map((c) => c.check),
    slowestChecks: [...report.checks].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3).map((c) => ({ check: c.check, ms: c.durationMs })),
  };
}
