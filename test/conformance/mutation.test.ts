import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiName } from "../../src/contracts/apiNames.js";
import { checkNamesFor, runConformance } from "../../src/conformance/runner.js";
import type { Report } from "../../src/conformance/types.js";
import { startLangGraphServer, type LangGraphServer } from "../../src/langgraph/devServer.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { FAULT_CATALOGUE, type FaultCase } from "./faults/catalogue.js";
import { startFaultyServer, type Fault, type FaultyServer } from "./faults/faultyServer.js";

/**
 * The suite tested on servers that break it on purpose (STYLE.md §10): for each fault of the
 * catalogue, a conformance run through a proxy that plants that one fault must report it under
 * the check meant to catch it (the run holds that check and those whose traffic it needs;
 * CC_MUTATION_FULL_RUNS=1 runs every check, same verdicts, about three times slower). Without a
 * fault, a full run through the proxy reports nothing. One reference server and one proxy serve
 * the whole file; the data is reset between runs. The score is printed at the end.
 */
/** The APIs of the catalogue, EvalStudio last: its baseline waits for the LangGraph server. */
const APIS = [...new Set(FAULT_CATALOGUE.map((f) => f.api))].sort((a, b) => Number(a === "evalstudio") - Number(b === "evalstudio"));
/** The faults in catalogue order, those that need the LangGraph server (about 10 s to start) last. */
const FAULTS = [...FAULT_CATALOGUE].sort((a, b) => Number(Boolean(a.runOptions?.langgraph)) - Number(Boolean(b.runOptions?.langgraph)));
/** Every check in every fault's run, instead of the expected check and what it needs (slower, same verdicts). */
const FULL_RUNS = process.env.CC_MUTATION_FULL_RUNS === "1";
/** Print what each run reported (to see how a fault was caught). */
const VERBOSE = process.env.CC_MUTATION_VERBOSE === "1";

type Outcome = { fault: FaultCase; caught: boolean; checks: string[]; ms: number; error?: string };
const outcomes: Outcome[] = [];

describe("the conformance suite against deliberately faulty servers", () => {
  let server: TestServer;
  let proxy: FaultyServer;
  let langgraph: Promise<LangGraphServer> | undefined;
  const started = performance.now();

  beforeAll(async () => {
    // Started now, awaited by the runs that need it (the agent-call fault, and the EvalStudio
    // baseline, which runs the agent flow to show it silent on a correct server): those run last.
    langgraph = startLangGraphServer();
    langgraph.catch(() => undefined);
    // Executions of 100 ms steps: long enough for the pause flow to reach a running one on a busy machine.
    server = await startTestServer({ env: { SIM_STEP_MS: "100" } });
    proxy = await startFaultyServer(server);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    await (await langgraph?.catch(() => undefined))?.close();
    if (outcomes.length > 0) console.log(scoreTable(outcomes, performance.now() - started));
  });

  async function run(api: ApiName, fault: Fault | undefined, options: FaultCase["runOptions"] = {}): Promise<Report> {
    const reset = await fetch(`${server.url}/__admin/reset`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(reset.status).toBe(200);
    const [primary, secondary] = readDevKeys(api);
    const { langgraph: withLangGraph, ...rest } = options;
    proxy.use(fault);
    try {
      return await runConformance({
        // --destructive: the reference server is reset before each run, and Wexa's W4 flow only runs with it.
        api, baseUrl: proxy.apiUrl(api), primaryKey: primary?.key, secondaryKey: secondary?.key, requestsPerSecond: 10_000, flowTimeoutMs: 10_000, destructive: true,
        langgraphUrl: withLangGraph ? (await langgraph!).url : undefined, ...rest,
      });
    } finally {
      proxy.use(undefined);
    }
  }

  describe("each planted fault is reported under the check meant to catch it", () => {
    it.each(FAULTS.map((f) => [`${f.name} → ${f.expectedCheck}${f.knownGap ? " (known gap: missed)" : ""}`, f] as const))("%s", async (_title, fault) => {
      const names = checkNamesFor(fault.api);
      for (const check of [fault.expectedCheck, ...(fault.needs ?? [])]) expect(names, `${check} is a check of ${fault.api}`).toContain(check);
      const t0 = performance.now();
      const only = FULL_RUNS ? [] : [fault.expectedCheck, ...(fault.needs ?? [])];
      let report: Report | undefined;
      let error: string | undefined;
      try {
        report = await run(fault.api, fault.fault(), { only, ...fault.runOptions });
      } catch (thrown) {
        error = (thrown as Error).message;
      }
      const findings = report?.findings ?? [];
      const caught = findings.some((f) => f.check === fault.expectedCheck);
      if (VERBOSE) console.log(`${fault.name}:\n${findings.map((f) => `  ${f.check}: ${f.title}`).join("\n") || "  (no finding)"}${error ? `\n  run failed: ${error}` : ""}`);
      outcomes.push({ fault, caught, checks: [...new Set(findings.map((f) => f.check))], ms: performance.now() - t0, error });
      if (fault.knownGap) {
        expect(caught, `caught: remove knownGap from "${fault.name}"`).toBe(false);
        return;
      }
      expect(error, "the run completes with a report").toBeUndefined();
      expect(caught, missedMessage(fault, report!)).toBe(true);
    });
  });

  describe("and without a fault the proxy is transparent", () => {
    it.each(APIS)("%s: a full run reports nothing", async (api) => {
      const report = await run(api, undefined, { langgraph: api === "evalstudio" });
      expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
      expect(report.checks.filter((c) => c.status === "passed").length).toBeGreaterThan(5);
    });
  });
});

function missedMessage(fault: FaultCase, report: Report): string {
  const findings = report.findings.map((f) => ({ check: f.check, title: f.title, received: f.received.slice(0, 200) }));
  const checks = report.checks.map((c) => `${c.check}: ${c.status}${c.reason ? ` (${c.reason})` : ""}`);
  return `${fault.expectedCheck} reported nothing.\nfindings: ${JSON.stringify(findings, null, 2)}\nchecks: ${JSON.stringify(checks)}\nnotes: ${JSON.stringify(report.notes)}`;
}

function scoreTable(rows: Outcome[], totalMs: number): string {
  const caught = rows.filter((r) => r.caught).length;
  const width = Math.max(...rows.map((r) => r.fault.name.length));
  const lines = rows.map((r) => {
    const verdict = r.caught ? "✔ caught" : r.fault.knownGap ? "✖ missed (known gap)" : "✖ MISSED";
    const also = r.error ? `run failed: ${r.error.slice(0, 80)}` : `also: ${r.checks.filter((c) => c !== r.fault.expectedCheck).join(", ") || "-"}`;
    return `${verdict.padEnd(20)}  ${r.fault.name.padEnd(width)}  ${r.fault.expectedCheck.padEnd(34)} ${String(Math.round(r.ms)).padStart(5)} ms  (${also})`;
  });
  return [
    "",
    "Mutation testing of the conformance suite",
    ...lines,
    `mutation score: ${caught}/${rows.length} faults caught (${Math.round((100 * caught) / rows.length)}%) in ${(totalMs / 1000).toFixed(1)} s${FULL_RUNS ? " (full runs)" : ""}`,
  ].join("\n");
}
