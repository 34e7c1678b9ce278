import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { advanceClock, admin, setFrozen } from "./adminCalls.js";
import { getRun, migrationWithConnection, startRun, vernClient, type VernClient } from "./vernTestKit.js";
import { ACME_KEY as WEXA_KEY, SEED, control, tokensPerStep } from "./wexa.support.js";

const STEP_MS = 20;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the simulation clock through /__admin/clock", () => {
  let server: TestServer;
  let vern: VernClient;
  beforeAll(async () => {
    server = await startTestServer({ env: { SIM_STEP_MS: String(STEP_MS) } });
    vern = vernClient(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("holds a Vern run still while frozen, however long we wait, and moves it one transition per step", async () => {
    const frozen = await setFrozen(server, true);
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({ frozen: true, stepMs: STEP_MS });
    const frozenAt = frozen.body.now as string;

    const { migrationId } = await migrationWithConnection(vern, { templates: ["companies"], credentials: true });
    const { data } = await startRun(vern, migrationId, { kind: "generate" });
    const runId = data!.run_id;
    const created = await getRun(vern, migrationId, runId);
    expect(created).toMatchObject({ status: "queued", created_at: frozenAt, updated_at: frozenAt });

    // Many steps' worth of wall time: nothing moves while the clock is frozen.
    for (let i = 0; i < 4; i++) {
      await pause(STEP_MS * 5);
      expect(await getRun(vern, migrationId, runId)).toEqual(created);
    }

    const stepped = await advanceClock(server, STEP_MS);
    expect(stepped.body.now).toBe(new Date(Date.parse(frozenAt) + STEP_MS).toISOString());
    const first = await getRun(vern, migrationId, runId);
    expect(first).toMatchObject({ status: "running", message: "Extracting your data from the source", updated_at: stepped.body.now });

    // Companies has no question and credentials are on file: three more steps reach the preview.
    await advanceClock(server, 2 * STEP_MS);
    expect(await getRun(vern, migrationId, runId)).toMatchObject({ status: "running", message: "Cleaning your data" });
    await pause(STEP_MS * 5);
    expect((await getRun(vern, migrationId, runId)).status).toBe("running");
    const last = await advanceClock(server, STEP_MS);
    expect(await getRun(vern, migrationId, runId)).toMatchObject({ status: "awaiting_approval", updated_at: last.body.now });
    expect(last.body.now).toBe(new Date(Date.parse(frozenAt) + 4 * STEP_MS).toISOString());
  });

  it("holds a Wexa execution's steps, tokens and running time while frozen, and steps them exactly", async () => {
    await setFrozen(server, true);
    const wexa = createApiClient("wexa", { baseUrl: server.apiUrls.wexa!, apiKey: WEXA_KEY });
    const goal = "Summarise the week";
    const { data: execution } = await wexa.POST("/execute_flow", {
      body: { projectID: SEED.salesProject, agentflow_id: SEED.salesAgentflow, executed_by: "clock-test", goal, input_variables: {} },
    });
    const id = execution!.execution_id;
    await wexa.POST("/execute_flow/{execution_id}/execute", { params: { path: { execution_id: id }, query: { projectID: SEED.salesProject } }, body: control(id) });
    const read = async () => (await wexa.GET("/execute_flow/{execution_id}", { params: { path: { execution_id: id } } })).data!;
    const started = await read();
    expect(started).toMatchObject({ status: "running", tokens_used: 0, execution_time_ms: 0 });
    for (let i = 0; i < 4; i++) {
      await pause(STEP_MS * 5);
      expect(await read()).toEqual(started);
    }
    await advanceClock(server, STEP_MS);
    expect(await read()).toMatchObject({ status: "running", tokens_used: tokensPerStep(goal, {}), execution_time_ms: STEP_MS });
    await advanceClock(server, 2 * STEP_MS);
    const done = await read();
    expect(done).toMatchObject({ status: "completed", tokens_used: 3 * tokensPerStep(goal, {}), execution_time_ms: 3 * STEP_MS });
    expect(Date.parse(done.finished_at!) - Date.parse(done.started_at!)).toBe(3 * STEP_MS);
  });

  it("lets the work move on its own again once unfrozen, from the instant it was held at", async () => {
    await setFrozen(server, true);
    const { migrationId } = await migrationWithConnection(vern, { templates: ["companies"], credentials: true });
    const { data } = await startRun(vern, migrationId, { kind: "generate" });
    const before = await admin(server, "GET", "/clock");
    const resumed = await setFrozen(server, false);
    expect(resumed.body.frozen).toBe(false);
    expect(Date.parse(resumed.body.now)).toBeGreaterThanOrEqual(Date.parse(before.body.now));
    expect(Date.parse(resumed.body.now) - Date.parse(before.body.now)).toBeLessThan(60_000);
    const deadline = performance.now() + 10_000;
    while ((await getRun(vern, migrationId, data!.run_id)).status !== "awaiting_approval") {
      if (performance.now() > deadline) throw new Error("the run did not move after the clock was unfrozen");
      await pause(25);
    }
  });

  it("refuses what is not a clock command, with a 4xx that says why", async () => {
    expect(await admin(server, "POST", "/clock", {})).toMatchObject({ status: 400 });
    expect(await admin(server, "POST", "/clock", { advanceMs: -5 })).toMatchObject({ status: 400 });
    expect(await admin(server, "POST", "/clock", { advanceMs: 1.5 })).toMatchObject({ status: 400 });
    expect(await admin(server, "POST", "/clock", { advanceMs: STEP_MS * 1_001 })).toMatchObject({ status: 400 });
    expect(await admin(server, "POST", "/clock", { frozen: "yes" })).toMatchObject({ status: 400 });
    expect(await admin(server, "POST", "/clock", { rewind: 5 })).toMatchObject({ status: 400 });
    const form = await fetch(`${server.url}/__admin/clock`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "frozen=true" });
    expect(form.status).toBe(415);
    const broken = await fetch(`${server.url}/__admin/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: "The request body could not be read as JSON." });
  });
});
