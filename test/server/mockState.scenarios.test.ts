import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { admin, setFrozen } from "./adminCalls.js";
import {
  SALESFORCE_CREDENTIALS,
  UNKNOWN_ID,
  getRun,
  migrationWithConnection,
  migrationWithPreview,
  runReaches,
  startRun,
  vernClient,
  type VernClient,
} from "./vernTestKit.js";
import { ACME_KEY as WEXA_KEY, SEED } from "./wexa.support.js";

// RESPONSE_VALIDATION=enforce (startTestServer): an answer the contract does not allow would be a 500, failing the 200 checks below.
describe("scenarios: /__admin puts simulated work into any state its contract documents", () => {
  let server: TestServer;
  let vern: VernClient;
  let wexa: ApiClient<"wexa">;
  beforeAll(async () => {
    server = await startTestServer();
    vern = vernClient(server);
    wexa = createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: WEXA_KEY });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const forceRun = (runId: string, body: Record<string, unknown>) => admin(server, "POST", `/scenarios/vern/runs/${runId}`, body);
  const forceExecution = (id: string, body: Record<string, unknown>) => admin(server, "POST", `/scenarios/wexa/executions/${id}`, body);

  it("lists the controls with the states read from the contracts", async () => {
    const { body } = await admin(server, "GET", "/scenarios");
    expect(body.scenarios).toEqual([
      { api: "wexa", path: "/__admin/scenarios/wexa/executions/{id}", states: ["ready", "running", "paused", "completed", "failed", "cancelled"] },
      { api: "vern", path: "/__admin/scenarios/vern/runs/{id}", states: ["queued", "running", "blocked", "awaiting_approval", "completed", "failed", "canceled"] },
    ]);
  });

  describe("a Vern run", () => {
    const cases: Array<{ force: Record<string, unknown>; expected: Record<string, unknown> }> = [
      { force: { state: "blocked", blocked_reason: "credentials" }, expected: { status: "blocked", blocked_reason: "credentials" } },
      { force: { state: "blocked", blocked_reason: "question" }, expected: { status: "blocked", blocked_reason: "question" } },
      { force: { state: "running" }, expected: { status: "running", message: "Extracting your data from the source" } },
      { force: { state: "queued" }, expected: { status: "queued", message: null } },
      { force: { state: "failed", error: "Salesforce answered 503" }, expected: { status: "failed", error: "Salesforce answered 503" } },
      { force: { state: "failed" }, expected: { status: "failed", error: "The run failed on purpose (/__admin scenario)." } },
      { force: { state: "awaiting_approval" }, expected: { status: "awaiting_approval" } },
      { force: { state: "completed" }, expected: { status: "completed" } },
      { force: { state: "canceled" }, expected: { status: "canceled" } },
    ];

    it.each(cases.map((c) => ({ ...c, name: [c.force.state, c.force.blocked_reason ?? c.force.error].filter(Boolean).join(" / ") })))("is forced to $name and the API answers it so, valid for the contract", async ({ force, expected }) => {
      await setFrozen(server, true);
      const { migrationId, connectionId } = await migrationWithConnection(vern, { templates: ["contacts"] });
      const { data } = await startRun(vern, migrationId, { kind: "generate" });
      const forced = await forceRun(data!.run_id, force);
      expect(forced.status).toBe(200);
      const run = await getRun(vern, migrationId, data!.run_id);
      expect(forced.body).toEqual(run);
      expect(run).toMatchObject(expected);
      if (force.blocked_reason === "credentials") expect(run.credential_request).toMatchObject({ connection_id: connectionId, source_key: "salesforce" });
      if (force.blocked_reason === "question") expect(run.questions!.length).toBeGreaterThan(0);
      await setFrozen(server, false);
    });

    it("carries on from a forced credential block to completion through the API, as from a real one", async () => {
      const { migrationId } = await migrationWithConnection(vern, { templates: ["companies"], credentials: true });
      await setFrozen(server, true);
      const { data } = await startRun(vern, migrationId, { kind: "generate" });
      const runId = data!.run_id;
      expect((await forceRun(runId, { state: "blocked", blocked_reason: "credentials" })).status).toBe(200);
      await setFrozen(server, false);
      const path = { params: { path: { migration_id: migrationId, run_id: runId } } };
      const submitted = await vern.POST("/migrations/{migration_id}/runs/{run_id}/credentials", { ...path, body: { credentials: SALESFORCE_CREDENTIALS } });
      expect(submitted.response.status).toBe(200);
      await runReaches(vern, migrationId, runId, "awaiting_approval");
      expect((await startRun(vern, migrationId, { kind: "execute" })).response.status).toBe(201);
      const done = await runReaches(vern, migrationId, runId, "completed");
      expect(done.report?.inserted).toBeGreaterThan(0);
    });

    it("makes a forced preview one that execute resumes, and a forced completed execute has its report", async () => {
      const { migrationId } = await migrationWithConnection(vern, { templates: ["companies"], credentials: true });
      await setFrozen(server, true);
      const { data } = await startRun(vern, migrationId, { kind: "generate" });
      await forceRun(data!.run_id, { state: "awaiting_approval" });
      expect((await startRun(vern, migrationId, { kind: "execute" })).response.status).toBe(201);
      const completed = await forceRun(data!.run_id, { state: "completed" });
      expect(completed.body).toMatchObject({ status: "completed", kind: "execute", report: { perSheet: [{ templateName: "Companies" }] } });
      expect((await startRun(vern, migrationId, { kind: "execute" })).response.status).toBe(409);
      await setFrozen(server, false);
    });

    it("refuses a state the contract does not document, an unknown run, and a second active run of a migration", async () => {
      const { migrationId } = await migrationWithPreview(vern);
      // Frozen, so the run forced to running below is still active when the second one is forced.
      await setFrozen(server, true);
      const { data } = await startRun(vern, migrationId, { kind: "update", message: "rename a column" });
      const runId = data!.run_id;
      for (const state of ["cancelled", "awaiting approval", "done"]) {
        const refused = await forceRun(runId, { state });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toContain("canceled");
      }
      expect((await forceRun(runId, { state: "blocked" })).status).toBe(400);
      expect((await forceRun(runId, {})).status).toBe(400);
      expect((await forceRun(UNKNOWN_ID, { state: "failed" })).status).toBe(404);
      expect((await forceRun("not-a-uuid", { state: "failed" })).status).toBe(404);
      expect((await admin(server, "POST", `/scenarios/vern/executions/${runId}`, { state: "failed" })).status).toBe(404);
      // The migration's run is the one active run (unique index): a second generate, forced active, is a 409.
      await forceRun(runId, { state: "failed" });
      const { data: generate } = await startRun(vern, migrationId, { kind: "generate" });
      await forceRun(generate!.run_id, { state: "canceled" });
      expect((await forceRun(runId, { state: "running" })).status).toBe(200);
      const conflict = await forceRun(generate!.run_id, { state: "queued" });
      expect(conflict.status).toBe(409);
      expect(conflict.body).toEqual({ error: expect.stringContaining("Another run of this migration is active") });
      await setFrozen(server, false);
    });
  });

  describe("a Wexa execution", () => {
    const newExecution = async (inputVariables: Record<string, unknown> = {}) => {
      const { data } = await wexa.POST("/execute_flow", {
        body: { projectID: SEED.salesProject, agentflow_id: SEED.salesAgentflow, executed_by: "scenario-test", goal: "Weekly pipeline report", input_variables: inputVariables },
      });
      return data!.execution_id;
    };
    const read = async (id: string) => {
      const { data, response } = await wexa.GET("/execute_flow/{execution_id}", { params: { path: { execution_id: id } } });
      expect(response.status).toBe(200);
      return data!;
    };

    it.each([
      { state: "running", expected: { status: "running", finished_at: null } },
      { state: "paused", expected: { status: "paused", finished_at: null } },
      { state: "failed", expected: { status: "failed", error_messages: ["The execution failed on purpose (/__admin scenario)."], conclusion: null } },
      { state: "completed", expected: { status: "completed", error_messages: [] } },
      { state: "cancelled", expected: { status: "cancelled" } },
      { state: "ready", expected: { status: "ready", started_at: null, finished_at: null, tokens_used: 0, execution_time_ms: null } },
    ])("is forced to $state and W12 answers it so, valid for the contract", async ({ state, expected }) => {
      await setFrozen(server, true);
      const id = await newExecution();
      const forced = await forceExecution(id, { state });
      expect(forced.status).toBe(200);
      const execution = await read(id);
      expect(forced.body).toEqual(execution);
      expect(execution).toMatchObject(expected);
      if (state === "completed") expect(execution.conclusion).toContain("Weekly pipeline report");
      if (state === "failed" || state === "completed" || state === "cancelled") expect(execution.finished_at).not.toBeNull();
      await setFrozen(server, false);
    });

    it("takes the caller's error text for a forced failure, and lets a forced running execution finish on its own", async () => {
      const failed = await forceExecution(await newExecution(), { state: "failed", error: "Connector HubSpot answered 429" });
      expect(failed.body.error_messages).toEqual(["Connector HubSpot answered 429"]);
      const id = await newExecution();
      await forceExecution(id, { state: "running" });
      const deadline = performance.now() + 10_000;
      while ((await read(id)).status !== "completed") {
        if (performance.now() > deadline) throw new Error("the forced running execution never completed");
        await new Promise((r) => setTimeout(r, 25));
      }
    });

    it("refuses awaiting_approval (a Vern status, not a Wexa one), the American spelling, and an unknown execution", async () => {
      const id = await newExecution();
      for (const state of ["awaiting_approval", "canceled"]) {
        const refused = await forceExecution(id, { state });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toContain("cancelled");
      }
      expect((await forceExecution(SEED.unknownUuid, { state: "failed" })).status).toBe(404);
      expect((await forceExecution(SEED.globexExecution, { state: "failed" })).status).toBe(200);
      expect((await read(id)).status).toBe("ready");
    });
  });
});
