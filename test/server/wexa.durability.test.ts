import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_TARGETS, describeOnPostgres } from "../support/testDatabases.js";
import { eventually } from "../support/testServer.js";
import { SEED, control, startWexa, tokensPerStep, type WexaHarness } from "./wexa.support.js";

const STEP_MS = 200;
const PARALLEL = 20;
const statusesOf = (answers: Array<{ response: Response }>) => answers.map((a) => a.response.status).sort();

const createExecution = async (h: WexaHarness, goal: string) => {
  const { data } = await h.acme.POST("/execute_flow", {
    body: { agentflow_id: SEED.salesAgentflow, executed_by: "68dbdfb92797c909223ea38e", goal, input_variables: {}, projectID: SEED.salesProject },
  });
  return data!.execution_id;
};
const executeOn = (h: WexaHarness, id: string) =>
  h.acme.POST("/execute_flow/{execution_id}/execute", { params: { path: { execution_id: id }, query: { projectID: SEED.salesProject } }, body: control(id) });
const readOn = async (h: WexaHarness, id: string) =>
  (await h.acme.GET("/execute_flow/{execution_id}", { params: { path: { execution_id: id } } })).data!;

describe.each(DATABASE_TARGETS)("Wexa under concurrent requests on %s", (database) => {
  let h: WexaHarness;
  beforeAll(async () => {
    h = await startWexa(database, { env: { SIM_STEP_MS: String(STEP_MS) } });
  });
  afterAll(async () => h?.server.stop());

  it(`starts an execution exactly once when ${PARALLEL} W8 calls race`, async () => {
    const id = await createExecution(h, "Race to start");
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => executeOn(h, id)));
    expect(statusesOf(answers)).toEqual([200, ...Array<number>(PARALLEL - 1).fill(409)]);
  });

  it(`pauses an execution exactly once when ${PARALLEL} W9 calls race`, async () => {
    const id = await createExecution(h, "Race to pause");
    await executeOn(h, id);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        h.acme.POST("/execute_flow/{execution_id}/pause", { params: { path: { execution_id: id }, query: { projectID: SEED.salesProject } }, body: control(id) }),
      ),
    );
    expect(statusesOf(answers)).toEqual([200, ...Array<number>(PARALLEL - 1).fill(409)]);
    expect((await readOn(h, id)).status).toBe("paused");
  });

  it(`keeps one vault secret per connector when ${PARALLEL} W4 calls race`, async () => {
    const count = async () => (await h.server.database.query<{ n: number }>("select count(*)::int as n from vault_secrets where api = 'wexa'"))[0]!.n;
    const before = await count();
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        h.acme.POST("/connectors/change_status", {
          body: { new_status: "active", connectorID: SEED.supportInbox, data_loader_config: { source: "api", batch_size: i + 1, auth: { api_key: `race-${i}` } } },
        }),
      ),
    );
    expect(statusesOf(answers)).toEqual(Array<number>(PARALLEL).fill(200));
    expect(await count()).toBe(before + 1);
  });
});

describe.each(DATABASE_TARGETS)("Wexa across a restart on %s", (database) => {
  let pgliteDir: string | undefined;
  let first: WexaHarness;
  let second: WexaHarness | undefined;
  beforeAll(async () => {
    pgliteDir = database === "pglite" ? await mkdtemp(join(tmpdir(), "wexa-restart-")) : undefined;
    first = await startWexa(database, { env: { SIM_STEP_MS: String(STEP_MS), ...(pgliteDir ? { PGLITE_DIR: pgliteDir } : {}) } });
  });
  afterAll(async () => {
    await second?.server.stop();
    await first.server.close();
    await first.server.db.drop();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  });

  it("keeps connectors and executions, does not seed again, and runs a paused execution to the end after resuming", async () => {
    await first.acme.POST("/connectors/change_status", {
      body: { new_status: "inactive", connectorID: SEED.salesMailbox, data_loader_config: { source: "api", batch_size: 7, auth: { token: "t" } } },
    });
    const paused = await createExecution(first, "Survive a restart");
    await executeOn(first, paused);
    await first.acme.POST("/execute_flow/{execution_id}/pause", { params: { path: { execution_id: paused }, query: { projectID: SEED.salesProject } }, body: control(paused) });
    const running = await createExecution(first, "Finish after a restart");
    await executeOn(first, running);
    await first.server.close();

    const sameDatabase: Record<string, string> = pgliteDir ? { PGLITE_DIR: pgliteDir } : { DATABASE_URL: first.server.db.databaseUrl! };
    second = await startWexa(database, { env: { SIM_STEP_MS: String(STEP_MS), ...sameDatabase } });
    const connector = await second.acme.GET("/connector/{connector_id}", { params: { path: { connector_id: SEED.salesMailbox } } });
    expect(connector.data).toMatchObject({ status: "inactive", data_loader_config: { source: "api", batch_size: 7 }, auth_configured: true });
    expect((await readOn(second, paused)).status).toBe("paused");
    const finishedRunning = await eventually(() => readOn(second!, running), (e) => e.status === "completed");
    expect(finishedRunning).toMatchObject({ tokens_used: 3 * tokensPerStep("Finish after a restart", {}), execution_time_ms: 3 * STEP_MS });
    await second.acme.POST("/execute_flow/{execution_id}/resume", { params: { path: { execution_id: paused } }, body: control(paused) });
    const resumed = await eventually(() => readOn(second!, paused), (e) => e.status === "completed");
    expect(resumed.execution_time_ms).toBe(3 * STEP_MS);
  });
});

describeOnPostgres("Two Wexa servers on one %s", (database) => {
  let a: WexaHarness;
  let b: WexaHarness;
  beforeAll(async () => {
    // A short step, so both simulation clocks tick often and would collide if rows were not locked.
    a = await startWexa(database, { env: { SIM_STEP_MS: "20" } });
    b = await startWexa(database, { env: { SIM_STEP_MS: "20", DATABASE_URL: a.server.db.databaseUrl! } });
  });
  afterAll(async () => {
    await b?.server.stop();
    await a?.server.stop();
  });

  it("finishes every execution exactly as one server would, whichever server started, advanced or read it", async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => createExecution(a, `Shared work ${i}`)));
    await Promise.all(ids.map((id, i) => executeOn(i % 2 === 0 ? a : b, id)));
    for (const [i, id] of ids.entries()) {
      const done = await eventually(() => readOn(i % 2 === 0 ? b : a, id), (e) => e.status === "completed");
      expect(done.tokens_used).toBe(3 * tokensPerStep(`Shared work ${i}`, {}));
      expect(done.execution_time_ms).toBe(60);
    }
  });

  it("skips an execution another process holds locked, and advances it once the lock is gone", async () => {
    const slow = await startWexa(database, { env: { SIM_STEP_MS: "60000" } });
    const other = new pg.Client({ connectionString: slow.server.db.databaseUrl! });
    try {
      const id = await createExecution(slow, "Locked elsewhere");
      await executeOn(slow, id);
      // Make its first step due now, as if a minute had passed.
      await slow.server.database.query(
        `update wexa_executions set running_since = running_since - interval '61 seconds',
           next_transition_at = next_transition_at - interval '61 seconds' where id = $1`,
        [id],
      );
      const advance = slow.server.modules.find((m) => m.api === "wexa")!.advance!;
      await other.connect();
      await other.query("begin");
      await other.query("select 1 from wexa_executions where id = $1 for update", [id]);
      expect(await advance(new Date())).toBe(0);
      await other.query("commit");
      expect(await advance(new Date())).toBe(1);
      const row = await slow.server.database.query<{ steps_done: number; tokens_used: number }>("select steps_done, tokens_used from wexa_executions where id = $1", [id]);
      expect(row[0]).toEqual({ steps_done: 1, tokens_used: tokensPerStep("Locked elsewhere", {}) });
    } finally {
      await other.end().catch(() => undefined);
      await slow.server.stop();
    }
  });
});
