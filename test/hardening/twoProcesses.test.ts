import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { runConformance } from "../../src/conformance/index.js";
import { profileFor } from "../../src/conformance/flows/index.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { createTestDatabase, type TestDatabase, describeOnPostgres } from "../support/testDatabases.js";
import { SEED, control } from "../server/wexa.support.js";
import { SALESFORCE_CREDENTIALS } from "../server/vernTestKit.js";
import { errorShapeProblem } from "./support/apiFacts.js";
import { startChildServer, type ChildServer } from "./support/childServer.js";
import { statusTally } from "./support/statusTally.js";

/**
 * Two server processes on one PostgreSQL schema and one Redis, as a scaled-out deployment runs:
 * the conformance suite passes against each; what one creates the other serves; the uniqueness
 * and one-active-run rules hold when concurrent requests are split across both; and Vern's rate
 * limit is one budget for both.
 */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RATE_LIMIT = 10;

/** The APIs whose conformance profile is registered (src/conformance/flows/index.ts); the others are listed in the output. */
const PROFILED = API_NAMES.filter((api) => {
  try {
    profileFor(api);
    return true;
  } catch {
    return false;
  }
});

const keyOf = (api: ApiName, index = 0) => readDevKeys(api)[index]?.key;

async function startPair(env: Record<string, string>): Promise<[ChildServer, ChildServer]> {
  // Both at once on an empty schema: migrations and the seed must take turns (advisory locks).
  const [a, b] = await Promise.all([startChildServer(env), startChildServer(env)]);
  return [a, b];
}

describeOnPostgres("two server processes on one %s schema and one Redis", () => {
  let db: TestDatabase;
  let pair: ChildServer[] = [];
  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    // Steps of 100 ms, as the Wexa profile needs to pause an execution between two requests.
    pair = await startPair({
      DATABASE_URL: db.databaseUrl!, REDIS_URL, REDIS_KEY_PREFIX: `cc-two-${randomBytes(4).toString("hex")}`,
      SIM_STEP_MS: "100", VERN_RATE_LIMIT: "1000000", RESPONSE_VALIDATION: "enforce",
    });
    const unprofiled = API_NAMES.filter((api) => !PROFILED.includes(api));
    console.log(`[two processes] pids ${pair.map((p) => p.pid).join(" and ")}; conformance profiles: ${PROFILED.join(", ")}${unprofiled.length ? ` (none registered yet for ${unprofiled.join(", ")})` : ""}`);
  });
  afterAll(async () => {
    await Promise.all(pair.map((p) => p.kill("SIGTERM")));
    await db?.drop();
  });

  it.each(PROFILED)("passes the %s conformance suite with zero findings against each process", async (api) => {
    for (const [i, server] of pair.entries()) {
      const started = performance.now();
      const report = await runConformance({ api, baseUrl: server.apiUrl(api), primaryKey: keyOf(api), secondaryKey: keyOf(api, 1), requestsPerSecond: 1000 }).catch((error: Error) => {
        throw new Error(`${error.message}; process ${i + 1} ${server.ended() ?? "still runs"}, its output:\n${server.output().slice(-3000)}`);
      });
      console.log(`[two processes] ${api} conformance against process ${i + 1}: ${report.findings.length} findings, ${report.requests} requests, ${report.checks.filter((c) => c.status === "passed").length} checks passed, ${(performance.now() - started).toFixed(0)} ms`);
      expect(report.findings, JSON.stringify(report.findings.slice(0, 5), null, 2)).toEqual([]);
      expect(report.checks.filter((c) => c.status === "passed").length).toBeGreaterThan(5);
    }
  }, 120_000);

  it("serves through one process what was created through the other, for each API", async () => {
    const [a, b] = pair as [ChildServer, ChildServer];
    const evalstudio = (s: ChildServer) => createApiClient("evalstudio", { baseUrl: s.apiUrl("evalstudio") });
    const project = (await evalstudio(a).POST("/projects", { body: { name: "made on A" } })).data!;
    expect((await evalstudio(b).GET("/projects")).data!.map((p) => p.id)).toContain(project.id);

    const merge = (s: ChildServer) => createApiClient("merge", { baseUrl: s.apiUrl("merge"), apiKey: keyOf("merge") });
    const pack = (await merge(b).POST("/tool-packs/", { body: { name: "made on B", description: "two processes", connectors: [{ slug: "github" }] } })).data!;
    const read = await merge(a).GET("/tool-packs/{id}/", { params: { path: { id: pack.id } } });
    expect(read.data).toMatchObject({ id: pack.id, name: "made on B", connectors: [expect.objectContaining({ slug: "github" })] });

    const vern = (s: ChildServer) => createApiClient("vern", { baseUrl: s.apiUrl("vern"), apiKey: keyOf("vern") });
    const migration = (await vern(a).POST("/migrations", { body: { name: "made on A" } })).data!.migration;
    await vern(a).POST("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migration.id } }, body: { source_key: "salesforce", config: {}, stream_state: {} } });
    const connection = await vern(b).GET("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migration.id } } });
    expect(connection.data?.source_connection).toMatchObject({ source_key: "salesforce" });

    const wexa = (s: ChildServer) => createApiClient("wexa", { baseUrl: s.apiUrl("wexa"), apiKey: keyOf("wexa") });
    const execution = (await wexa(b).POST("/execute_flow", {
      body: { agentflow_id: SEED.salesAgentflow, executed_by: "68dbdfb92797c909223ea38e", goal: "made on B", input_variables: {}, projectID: SEED.salesProject },
    })).data!;
    expect((await wexa(a).GET("/execute_flow/{execution_id}", { params: { path: { execution_id: execution.execution_id } } })).data).toMatchObject({ execution_id: execution.execution_id, goal: "made on B" });
  });

  it("holds the uniqueness and one-active-run rules when concurrent requests are split across the two", async () => {
    const clients = <T,>(make: (s: ChildServer) => T) => pair.map(make);

    const evalstudio = clients((s) => createApiClient("evalstudio", { baseUrl: s.apiUrl("evalstudio") }));
    const projectId = (await evalstudio[0]!.POST("/projects", { body: { name: "split race" } })).data!.id;
    const creates = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        evalstudio[i % 2]!.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: { name: "one name", type: "langgraph", baseUrl: "http://127.0.0.1:9", config: { assistantId: "echo" } } }),
      ),
    );
    const createStatuses = creates.map((c) => c.response.status);
    expect(createStatuses.filter((s) => s === 201)).toHaveLength(1);
    expect(createStatuses.filter((s) => s === 409)).toHaveLength(49);

    const vern = clients((s) => createApiClient("vern", { baseUrl: s.apiUrl("vern"), apiKey: keyOf("vern") }));
    const migrations = await Promise.all(Array.from({ length: 20 }, (_, i) => vern[i % 2]!.POST("/migrations", { body: { name: "Split", external_id: "split-across-two" } })));
    const migrationStatuses = migrations.map((m) => m.response.status);
    expect(migrationStatuses.filter((s) => s === 201)).toHaveLength(1);
    expect(new Set(migrations.map((m) => m.data!.migration.id)).size).toBe(1);
    const migrationId = migrations[0]!.data!.migration.id;
    await vern[0]!.POST("/migrations/{migration_id}/source-connection", {
      params: { path: { migration_id: migrationId } },
      body: { source_key: "salesforce", config: {}, stream_state: {}, credentials: SALESFORCE_CREDENTIALS },
    });
    const starts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => vern[i % 2]!.POST("/migrations/{migration_id}/runs", { params: { path: { migration_id: migrationId } }, body: { kind: "generate" } })),
    );
    const startStatuses = starts.map((s) => s.response.status);
    const runId = starts.find((s) => s.response.status === 201)?.data?.run_id;
    expect(startStatuses.filter((s) => s === 201)).toHaveLength(1);
    expect(starts.filter((s) => s.response.status === 409).map((s) => s.error?.run_id)).toEqual(Array(49).fill(runId));

    const wexa = clients((s) => createApiClient("wexa", { baseUrl: s.apiUrl("wexa"), apiKey: keyOf("wexa") }));
    const execution = (await wexa[0]!.POST("/execute_flow", {
      body: { agentflow_id: SEED.salesAgentflow, executed_by: "68dbdfb92797c909223ea38e", goal: "split start", input_variables: {}, projectID: SEED.salesProject },
    })).data!.execution_id;
    const executes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        wexa[i % 2]!.POST("/execute_flow/{execution_id}/execute", { params: { path: { execution_id: execution }, query: { projectID: SEED.salesProject } }, body: control(execution) }),
      ),
    );
    const executeStatuses = executes.map((e) => e.response.status);
    expect(executeStatuses.filter((s) => s === 200)).toHaveLength(1);
    expect(executeStatuses.filter((s) => s === 409)).toHaveLength(19);
    console.log(
      `[two processes] split across both: EvalStudio 50 creates of one name → ${statusTally(createStatuses)}; Vern 20 creates of one external_id → ${statusTally(migrationStatuses)}, ` +
        `50 run starts → ${statusTally(startStatuses)} (every 409 names ${runId}); Wexa 20 executes of one execution → ${statusTally(executeStatuses)}`,
    );
  });
});

describeOnPostgres(`Vern's rate limit (VERN_RATE_LIMIT=${RATE_LIMIT}) across two processes on %s and one Redis`, () => {
  let db: TestDatabase;
  let pair: ChildServer[] = [];
  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    pair = await startPair({ DATABASE_URL: db.databaseUrl!, REDIS_URL, REDIS_KEY_PREFIX: `cc-two-${randomBytes(4).toString("hex")}`, VERN_RATE_LIMIT: String(RATE_LIMIT) });
  });
  afterAll(async () => {
    await Promise.all(pair.map((p) => p.kill("SIGTERM")));
    await db?.drop();
  });

  it(`answers exactly ${RATE_LIMIT} of ${3 * RATE_LIMIT} concurrent requests split across both, and 429s the rest in Vern's error body`, async () => {
    const answers = await Promise.all(
      Array.from({ length: 3 * RATE_LIMIT }, async (_, i) => {
        const response = await fetch(`${pair[i % 2]!.apiUrl("vern")}/sources`, { headers: { "x-api-key": keyOf("vern")! } });
        return { process: i % 2, status: response.status, body: (await response.json()) as unknown };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    console.log(
      `[two processes] rate limit ${RATE_LIMIT}/min, ${answers.length} requests split across both: ${ok.length} answered ` +
        `(${ok.filter((a) => a.process === 0).length} by process 1, ${ok.filter((a) => a.process === 1).length} by process 2), ${limited.length} × 429`,
    );
    expect(ok).toHaveLength(RATE_LIMIT);
    expect(limited).toHaveLength(2 * RATE_LIMIT);
    for (const answer of limited) expect(errorShapeProblem("vern", answer.body)).toBeUndefined();
    // Another operation, another key: budgets of their own, not used up by the burst above.
    const other = await fetch(`${pair[1]!.apiUrl("vern")}/templates`, { headers: { "x-api-key": keyOf("vern")! } });
    expect(other.status).toBe(200);
    const otherKey = await fetch(`${pair[0]!.apiUrl("vern")}/sources`, { headers: { "x-api-key": keyOf("vern", 1)! } });
    expect(otherKey.status).toBe(200);
  });
});
