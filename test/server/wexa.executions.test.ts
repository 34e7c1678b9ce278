import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { eventually } from "../support/testServer.js";
import { SEED, control, startWexa, tokensPerStep, type WexaHarness } from "./wexa.support.js";

// Long enough that a pause sent right after W8 lands inside the first step, short enough for tests.
const STEP_MS = 250;
const GOAL = "Summarise yesterday's support tickets";

describe.each(DATABASE_TARGETS)("Wexa executions (W6–W13) on %s", (database) => {
  let h: WexaHarness;
  beforeAll(async () => {
    h = await startWexa(database, { env: { SIM_STEP_MS: String(STEP_MS) } });
  });
  beforeEach(async () => h.reset());
  afterAll(async () => h?.server.stop());

  const create = async (input: Record<string, unknown> = {}, goal = GOAL, who = () => h.acme) => {
    const { data, error } = await who().POST("/execute_flow", {
      body: { agentflow_id: SEED.salesAgentflow, executed_by: "68dbdfb92797c909223ea38e", goal, input_variables: input, projectID: SEED.salesProject },
    });
    if (!data) throw new Error(`create failed: ${JSON.stringify(error)}`);
    return data.execution_id;
  };
  const read = (id: string, who = () => h.acme) => who().GET("/execute_flow/{execution_id}", { params: { path: { execution_id: id } } });
  const details = async (id: string) => (await read(id)).data!;
  const execute = (id: string, body = control(id), projectID: string = SEED.salesProject) =>
    h.acme.POST("/execute_flow/{execution_id}/execute", { params: { path: { execution_id: id }, query: { projectID } }, body });
  const pause = (id: string, body = control(id)) =>
    h.acme.POST("/execute_flow/{execution_id}/pause", { params: { path: { execution_id: id }, query: { projectID: SEED.salesProject } }, body });
  const resume = (id: string, body = control(id)) => h.acme.POST("/execute_flow/{execution_id}/resume", { params: { path: { execution_id: id } }, body });
  const cancel = (id: string, body = control(id)) => h.acme.POST("/execute_flow/{execution_id}/cancel", { params: { path: { execution_id: id } }, body });
  const finished = (id: string) => eventually(() => details(id), (e) => ["completed", "failed", "cancelled"].includes(e.status));

  describe("W6 create an execution", () => {
    it("creates a ready execution echoing the request (the SDK's example payload)", async () => {
      const body = {
        agentflow_id: SEED.socialAgentflow,
        executed_by: "68dbdfb92797c909223ea38e",
        goal: "Create content for social media",
        input_variables: { topic: "AI", platform: "LinkedIn" },
        projectID: SEED.socialProject,
      };
      const { data, response } = await h.acme.POST("/execute_flow", { params: { query: { projectID: SEED.socialProject } }, body });
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ ...body, status: "ready" });
      expect(data!.created_at).toBe(data!.updated_at);
      expect(await details(data!.execution_id)).toMatchObject({
        status: "ready", started_at: null, finished_at: null, execution_time_ms: null, tokens_used: 0, conclusion: null, error_messages: [], debug_info: null,
      });
    });

    it("answers 400 when the query's projectID differs from the body's", async () => {
      const { error, response } = await h.acme.POST("/execute_flow", {
        params: { query: { projectID: SEED.socialProject } },
        body: { agentflow_id: SEED.salesAgentflow, executed_by: "u", goal: GOAL, input_variables: {}, projectID: SEED.salesProject },
      });
      expect(response.status).toBe(400);
      expect(error!.errors).toEqual([{ field: "query.projectID", message: "must equal body.projectID" }]);
    });

    it.each([
      ["an unknown agentflow", SEED.unknownObjectId, SEED.salesProject, "Agentflow"],
      ["an agentflow of the account's other project", SEED.socialAgentflow, SEED.salesProject, "Agentflow"],
      ["another account's project and agentflow", SEED.globexAgentflow, SEED.globexProject, "Project"],
    ])("answers 404 for %s", async (_case, agentflow_id, projectID, resource) => {
      const { error, response } = await h.acme.POST("/execute_flow", { body: { agentflow_id, executed_by: "u", goal: GOAL, input_variables: {}, projectID } });
      expect(response.status).toBe(404);
      expect(error!.message).toMatch(new RegExp(`^${resource} [0-9a-f]{24} not found$`));
    });

    it("answers 400 naming each invalid field", async () => {
      const { error, response } = await h.acme.POST("/execute_flow", {
        body: { agentflow_id: SEED.salesAgentflow, executed_by: "", goal: GOAL, input_variables: {}, projectID: SEED.salesProject, priority: 1 } as never,
      });
      expect(response.status).toBe(400);
      expect(error!.errors!.map((e) => e.field).sort()).toEqual(["executed_by", "priority"]);
    });
  });

  describe("W7 list executions", () => {
    const list = (query: Record<string, unknown>, projectID: string = SEED.salesProject, who = () => h.acme) =>
      who().GET("/{projectID}/execution_flows", { params: { path: { projectID }, query: { projectID, ...query } as never } });

    it("pages the project's executions newest first with the total", async () => {
      const [first, second] = [await create(), await create()];
      const page1 = await list({ limit: 3 });
      expect(page1.data!.total).toBe(4);
      expect(page1.data!.executions.map((e) => e.execution_id)).toEqual([second, first, SEED.readyExecution]);
      expect(page1.data).toMatchObject({ page: 1, limit: 3 });
      const page2 = await list({ limit: 3, page: 2 });
      expect(page2.data!.executions.map((e) => e.execution_id)).toEqual([SEED.completedExecution]);
      const beyond = await list({ limit: 3, page: 99 });
      expect(beyond.data).toEqual({ executions: [], total: 4, page: 99, limit: 3 });
      const defaults = await list({});
      expect(defaults.data).toMatchObject({ page: 1, limit: 20, total: 4 });
    });

    it.each([
      ["limit above 100", { limit: 101 }, "query.limit"],
      ["page 0", { page: 0 }, "query.page"],
    ])("answers 400 for %s", async (_case, query, field) => {
      const { error, response } = await list(query);
      expect(response.status).toBe(400);
      expect(error!.errors!.map((e) => e.field)).toEqual([field]);
    });

    it("answers 400 when the query's projectID differs from the path's, and 404 for another account's project", async () => {
      const mismatch = await h.acme.GET("/{projectID}/execution_flows", { params: { path: { projectID: SEED.salesProject }, query: { projectID: SEED.socialProject } } });
      expect(mismatch.response.status).toBe(400);
      expect((await list({}, SEED.salesProject, () => h.globex)).response.status).toBe(404);
    });
  });

  describe("the execution lifecycle", () => {
    it("runs an executed execution to completed on its own, deterministically", async () => {
      const input = { week: "2025-W18" };
      const [one, two] = [await create(input), await create(input)];
      const started = await execute(one);
      expect(started.data).toEqual({ execution_id: one, status: "running" });
      await execute(two);
      const [a, b] = [await finished(one), await finished(two)];
      const perStep = tokensPerStep(GOAL, input);
      expect(a).toMatchObject({ status: "completed", tokens_used: 3 * perStep, execution_time_ms: 3 * STEP_MS, error_messages: [], debug_info: null });
      expect(a.conclusion).toContain(GOAL);
      expect(Date.parse(a.finished_at!) - Date.parse(a.started_at!)).toBe(3 * STEP_MS);
      expect([b.tokens_used, b.execution_time_ms, b.conclusion]).toEqual([a.tokens_used, a.execution_time_ms, a.conclusion]);
    });

    it("fails at step 2 when the input asks for a simulated failure", async () => {
      const input = { simulate_failure: true };
      const id = await create(input);
      await execute(id);
      const failed = await finished(id);
      expect(failed).toMatchObject({ status: "failed", tokens_used: 2 * tokensPerStep(GOAL, input), execution_time_ms: 2 * STEP_MS, conclusion: null });
      expect(failed.error_messages).toHaveLength(1);
      expect(failed.debug_info).toMatchObject({ http_status: 502, step: 2 });
    });

    it("stops the clock while paused and resumes where it stopped; pauses do not count as running time", async () => {
      const id = await create();
      await execute(id);
      expect((await pause(id)).data).toEqual({ execution_id: id, status: "paused" });
      const paused = await details(id);
      await new Promise((r) => setTimeout(r, 3 * STEP_MS));
      expect(await details(id)).toMatchObject({ status: "paused", tokens_used: paused.tokens_used, execution_time_ms: paused.execution_time_ms });
      expect((await resume(id)).data).toEqual({ execution_id: id, status: "running" });
      const done = await finished(id);
      expect(done).toMatchObject({ status: "completed", execution_time_ms: 3 * STEP_MS });
      expect(Date.parse(done.finished_at!) - Date.parse(done.started_at!)).toBeGreaterThanOrEqual(6 * STEP_MS);
    });

    it.each([
      ["ready", async (id: string) => id],
      ["running", async (id: string) => (await execute(id), id)],
      ["paused", async (id: string) => (await execute(id), await pause(id), id)],
    ])("cancels a %s execution for good", async (_status, prepare) => {
      const id = await prepare(await create());
      expect((await cancel(id)).data).toEqual({ execution_id: id, status: "cancelled" });
      await new Promise((r) => setTimeout(r, 2 * STEP_MS));
      const after = await details(id);
      expect(after.status).toBe("cancelled");
      expect(after.finished_at).not.toBeNull();
      expect((await resume(id)).response.status).toBe(409);
    });

    it.each([
      ["execute", "running", (id: string) => execute(id)],
      ["pause", "ready", (id: string) => pause(id)],
      ["resume", "running", (id: string) => resume(id)],
      ["cancel", "completed", (id: string) => cancel(id)],
      ["pause", "completed", (id: string) => pause(id)],
    ])("answers 409 to %s in status %s", async (action, status, attempt) => {
      const id = status === "completed" ? SEED.completedExecution : await create();
      if (status === "running") await execute(id);
      const { error, response } = await attempt(id);
      expect(response.status).toBe(409);
      expect(error).toEqual({ status: "error", message: `Cannot ${action} execution ${id} in status ${status}` });
    });
  });

  describe("W8–W11 request checks", () => {
    it("executes with the docs' own request, whose query execution_id differs from the path's (informational, not compared)", async () => {
      const { data, response } = await h.acme.POST("/execute_flow/{execution_id}/execute", {
        params: { path: { execution_id: SEED.readyExecution }, query: { projectID: SEED.salesProject, execution_id: SEED.completedExecution } },
        body: control(SEED.readyExecution),
      });
      expect(response.status).toBe(200);
      expect(data).toEqual({ execution_id: SEED.readyExecution, status: "running" });
    });

    it.each([
      ["W8, body execution_id ≠ path", () => execute(SEED.readyExecution, control(SEED.completedExecution)), "execution_id"],
      ["W8, body projectID ≠ query", () => execute(SEED.readyExecution, control(SEED.readyExecution, SEED.socialProject)), "projectID"],
      ["W9, body execution_id ≠ path", () => pause(SEED.readyExecution, control(SEED.completedExecution)), "execution_id"],
      ["W10, body execution_id ≠ path", () => resume(SEED.readyExecution, control(SEED.completedExecution)), "execution_id"],
      ["W11, body execution_id ≠ path", () => cancel(SEED.readyExecution, control(SEED.completedExecution)), "execution_id"],
    ])("answers 400 for %s", async (_case, attempt, field) => {
      const { error, response } = await attempt();
      expect(response.status).toBe(400);
      expect(error!.errors!.map((e) => e.field)).toEqual([field]);
      expect((await details(SEED.readyExecution)).status).toBe("ready");
    });

    it.each([
      ["another account's execution", SEED.globexExecution, SEED.globexProject],
      ["an execution named with the account's other project", SEED.readyExecution, SEED.socialProject],
      ["an unknown execution", SEED.unknownUuid, SEED.salesProject],
    ])("answers 404 for %s", async (_case, id, projectID) => {
      for (const attempt of [() => execute(id, control(id, projectID), projectID), () => cancel(id, control(id, projectID))]) {
        const { error, response } = await attempt();
        expect(response.status).toBe(404);
        expect(error).toEqual({ status: "error", message: `Execution ${id} not found` });
      }
    });
  });

  describe("W12 get an execution", () => {
    it("shows a seeded completed execution with its details", async () => {
      expect(await details(SEED.completedExecution)).toMatchObject({
        status: "completed", execution_time_ms: 187000, tokens_used: 4821, finished_at: "2025-04-24T08:03:12.000Z", error_messages: [],
      });
    });

    it.each([
      ["another account's execution", SEED.globexExecution, "Execution 5b0d3c8e-41f2-4a6b-9d17-2e8f6a4c0b93 not found"],
      ["a malformed id", "not-a-uuid", "Execution not found"],
    ])("answers 404 for %s", async (_case, id, message) => {
      const { error, response } = await read(id);
      expect(response.status).toBe(404);
      expect(error).toEqual({ status: "error", message });
    });
  });

  describe("W13 monitor an agentflow", () => {
    it("counts the agentflow's executions by status, with tokens, mean time and the active ones newest first", async () => {
      const [running, ready] = [await create(), await create()];
      await execute(running);
      const { data } = await h.acme.GET("/execute_flow/{agentflow_id}/monitor", { params: { path: { agentflow_id: SEED.salesAgentflow } } });
      expect(data).toMatchObject({
        agentflow_id: SEED.salesAgentflow,
        projectID: SEED.salesProject,
        total_executions: 4,
        status_counts: { ready: 2, running: 1, paused: 0, completed: 1, failed: 0, cancelled: 0 },
        average_execution_time_ms: 187000,
      });
      expect(data!.tokens_used).toBeGreaterThanOrEqual(4821);
      expect(data!.active_executions.map((e) => e.execution_id)).toEqual([ready, running, SEED.readyExecution]);
      expect(data!.last_execution_at).toBe(data!.active_executions[0]!.created_at);
    });

    it("answers zeros and nulls for an agentflow never executed", async () => {
      const { data } = await h.acme.GET("/execute_flow/{agentflow_id}/monitor", { params: { path: { agentflow_id: SEED.socialAgentflow } } });
      expect(data).toMatchObject({
        total_executions: 0, tokens_used: 0, average_execution_time_ms: null, last_execution_at: null, active_executions: [],
        status_counts: { ready: 0, running: 0, paused: 0, completed: 0, failed: 0, cancelled: 0 },
      });
    });

    it("answers 404 for another account's agentflow", async () => {
      const { response } = await h.globex.GET("/execute_flow/{agentflow_id}/monitor", { params: { path: { agentflow_id: SEED.salesAgentflow } } });
      expect(response.status).toBe(404);
    });
  });
});
