import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import {
  ACME_KEY,
  GLOBEX_KEY,
  SALESFORCE_CREDENTIALS,
  UNKNOWN_ID,
  createMigration,
  getRun,
  migrationWithConnection,
  migrationWithPreview,
  rawCall,
  runReaches,
  startRun,
  vernClient,
  type VernClient,
} from "./vernTestKit.js";

describe.each(DATABASE_TARGETS)("Vern runs on %s", (database) => {
  let server: TestServer;
  let client: VernClient;
  beforeAll(async () => {
    server = await startTestServer({ database });
    client = vernClient(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const runPath = (migrationId: string, runId: string) => ({ params: { path: { migration_id: migrationId, run_id: runId } } });
  const submitCredentials = (migrationId: string, runId: string, body: { credentials: Record<string, unknown>; connection_id?: string }) =>
    client.POST("/migrations/{migration_id}/runs/{run_id}/credentials", { ...runPath(migrationId, runId), body });
  const answer = (migrationId: string, runId: string, answers: string | Array<{ id: string; value: string }>) =>
    client.POST("/migrations/{migration_id}/runs/{run_id}/messages", { ...runPath(migrationId, runId), body: { answers } });
  const cancel = (migrationId: string, runId: string, body: unknown = { status: "cancel_requested" }) =>
    client.PATCH("/migrations/{migration_id}/runs/{run_id}", { ...runPath(migrationId, runId), body: body as never });

  describe("the lifecycle of a generate, end to end", () => {
    it("blocks for credentials, then on a question, and stops at a preview that carries the answers", async () => {
      const { migrationId, connectionId } = await migrationWithConnection(client, { templates: ["contacts"] });
      const { data: started, response } = await startRun(client, migrationId, { kind: "generate" });
      expect(response.status).toBe(201);
      expect(started!.status).toBe("queued");

      const blocked = await runReaches(client, migrationId, started!.run_id, "blocked");
      expect(blocked).toMatchObject({ kind: "generate", blocked_reason: "credentials" });
      expect(blocked.credential_request).toEqual({
        connection_id: connectionId,
        source_key: "salesforce",
        source_name: "Salesforce",
        reason: expect.any(String),
        guidance: expect.objectContaining({ summary: expect.any(String) }),
        schema: { client_id: { type: "string" }, client_secret: { type: "string", secret: true } },
      });

      const viaMessage = await answer(migrationId, started!.run_id, "client_secret is abc");
      expect(viaMessage.response.status).toBe(409);
      expect(viaMessage.error!.error).toMatch(/blocked for credentials/);
      const mismatch = await submitCredentials(migrationId, started!.run_id, { credentials: SALESFORCE_CREDENTIALS, connection_id: UNKNOWN_ID });
      expect(mismatch.response.status).toBe(409);
      expect(mismatch.error).toEqual({ error: "connection_id does not match the run's credential request" });

      // The connector rejects credentials that lack a field of its schema: the run blocks for them again.
      const partial = await submitCredentials(migrationId, started!.run_id, { credentials: { client_id: "only-the-id" } });
      expect(partial.data).toEqual({ run_id: started!.run_id, status: "running" });
      await runReaches(client, migrationId, started!.run_id, "blocked");

      const accepted = await submitCredentials(migrationId, started!.run_id, { credentials: SALESFORCE_CREDENTIALS, connection_id: connectionId });
      expect(accepted.response.status).toBe(200);
      const question = await eventuallyBlockedOn(migrationId, started!.run_id, "question");
      expect(question.questions).toEqual([expect.objectContaining({ id: "q1", allowCustom: true, question: expect.stringContaining("Status") })]);
      const notForCredentials = await submitCredentials(migrationId, started!.run_id, { credentials: SALESFORCE_CREDENTIALS });
      expect(notForCredentials.response.status).toBe(409);

      const answered = await answer(migrationId, started!.run_id, [{ id: "q1", value: "Map them all to 'Open'" }]);
      expect(answered.data).toEqual({ run_id: started!.run_id, status: "running" });
      const preview = await runReaches(client, migrationId, started!.run_id, "awaiting_approval");
      expect(preview.answers).toEqual([{ id: "q1", value: "Map them all to 'Open'" }]);

      const { data: connection } = await client.GET("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migrationId } } });
      expect(connection!.source_connection).toMatchObject({ creds_configured: true, last_snapshot: { streams: ["contacts", "accounts"], file_count: 2 } });
      expect(connection!.source_connection.last_sync_at).not.toBeNull();
      expect(connection!.source_connection.bound_source_extractor_id).not.toBeNull();
    });

    it("resumes the same run for update, clarify and execute; execute ends with a deterministic report and uses up the preview", async () => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const update = await startRun(client, migrationId, { kind: "update", message: "Use the company domain for any missing Email." });
      expect(update.response.status).toBe(201);
      expect(update.data).toMatchObject({ run_id: runId, status: "running" });
      expect((await runReaches(client, migrationId, runId, "awaiting_approval")).kind).toBe("update");

      const clarify = await startRun(client, migrationId, { kind: "clarify", message: "Which column did you map to Name?" });
      expect(clarify.data).toMatchObject({ run_id: runId, status: "running" });
      const clarified = await runReaches(client, migrationId, runId, "completed");
      expect(clarified.kind).toBe("clarify");
      expect(clarified).not.toHaveProperty("report");

      const execute = await startRun(client, migrationId, { kind: "execute" });
      expect(execute.data).toMatchObject({ run_id: runId, status: "running" });
      const executed = await eventuallyExecuted(migrationId, runId);
      expect(executed.report).toEqual({
        inserted: 150,
        perSheet: [{ templateName: "Companies", sheetId: expect.any(String), rowCount: 150 }],
        invalidCellCount: 0,
        coverage: { columns_mapped: 3, columns_total: 3 },
      });
      const again = await startRun(client, migrationId, { kind: "execute" });
      expect(again.response.status).toBe(409);
      expect(again.error).toEqual({ error: "This migration has no current preview" });
    });

    it("goes straight to a preview when credentials are on file and no template column asks a question", async () => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const run = await getRun(client, migrationId, runId);
      expect(run).not.toHaveProperty("answers");
      expect(run.kind).toBe("generate");
    });

    it("fails a generate for a migration without templates", async () => {
      const migrationId = await createMigration(client, { name: "Empty", templates: [] });
      await client.POST("/migrations/{migration_id}/source-connection", {
        params: { path: { migration_id: migrationId } },
        body: { source_key: "hubspot", config: {}, stream_state: {}, credentials: { access_token: "pat-na1-empty" } },
      });
      const { data } = await startRun(client, migrationId, { kind: "generate" });
      const failed = await runReaches(client, migrationId, data!.run_id, "failed");
      expect(failed.error).toBe("This migration has no templates to map your data to.");
    });

    it("gives a poll_url that polls the run", async () => {
      const { migrationId } = await migrationWithConnection(client);
      const { data } = await startRun(client, migrationId, { kind: "generate" });
      expect(data!.poll_url).toBe(`${server.apiUrls.vern}/migrations/${migrationId}/runs/${data!.run_id}`);
      const polled = await fetch(data!.poll_url, { headers: { "x-api-key": ACME_KEY } });
      expect((await polled.json()).run_id).toBe(data!.run_id);
    });
  });

  describe("start a run (V8) errors", () => {
    it.each([
      ["no connection", undefined],
      ["extract_via_api false (there is no upload)", false],
    ])("answers 400 to a generate with %s", async (_label, extractViaApi) => {
      const migrationId = extractViaApi === false ? (await migrationWithConnection(client)).migrationId : await createMigration(client);
      const { error, response } = await startRun(client, migrationId, { kind: "generate", ...(extractViaApi === false ? { extract_via_api: false } : {}) });
      expect(response.status).toBe(400);
      expect(error).toEqual({ error: "Upload at least one file or configure a source connection before generating" });
    });

    it.each([
      ["a bad kind", { kind: "import" }, "kind must be one of: generate, update, clarify, execute"],
      ["an update without message", { kind: "update" }, "message is required for update and clarify runs"],
      ["a clarify without message", { kind: "clarify" }, "message is required for update and clarify runs"],
      ["extract_via_api not a boolean", { kind: "generate", extract_via_api: "yes" }, "extract_via_api must be a boolean"],
    ])("answers 400 to %s", async (_label, body, message) => {
      const { migrationId } = await migrationWithConnection(client);
      const { error, response } = await startRun(client, migrationId, body as never);
      expect(response.status).toBe(400);
      expect(error).toEqual({ error: message });
    });

    it.each(["update", "clarify", "execute"] as const)("answers 409 to %s without a current preview", async (kind) => {
      const { migrationId } = await migrationWithConnection(client);
      const { error, response } = await startRun(client, migrationId, { kind, message: "something" });
      expect(response.status).toBe(409);
      expect(error).toEqual({ error: "This migration has no current preview" });
    });

    it("answers 409 naming the run in flight", async () => {
      const { migrationId } = await migrationWithConnection(client);
      const { data: first } = await startRun(client, migrationId, { kind: "generate" });
      const { error, response } = await startRun(client, migrationId, { kind: "generate" });
      expect(response.status).toBe(409);
      expect(error).toEqual({ error: "A run is already in progress for this migration.", run_id: first!.run_id });
    });

    it("starts exactly one of 50 concurrent generates; the 49 others name it", async () => {
      const { migrationId } = await migrationWithConnection(client);
      const answers = await Promise.all(Array.from({ length: 50 }, () => startRun(client, migrationId, { kind: "generate" })));
      const winners = answers.filter((a) => a.response.status === 201);
      expect(winners).toHaveLength(1);
      const losers = answers.filter((a) => a.response.status === 409);
      expect(losers).toHaveLength(49);
      expect(losers.every((a) => a.error!.run_id === winners[0]!.data!.run_id)).toBe(true);
      const [count] = await server.database.query<{ n: number }>("select count(*)::int as n from vern_runs where migration_id = $1", [migrationId]);
      expect(count!.n).toBe(1);
    });

    it("resumes the preview's run for exactly one of 20 concurrent updates", async () => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const answers = await Promise.all(Array.from({ length: 20 }, () => startRun(client, migrationId, { kind: "update", message: "Trim names" })));
      expect(answers.filter((a) => a.response.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.response.status === 409).every((a) => a.error!.run_id === runId)).toBe(true);
    });
  });

  describe("cancel (V10)", () => {
    it("cancels a blocked run, answering the canceled run, and lets a new run start", async () => {
      const { migrationId } = await migrationWithConnection(client);
      const { data } = await startRun(client, migrationId, { kind: "generate" });
      await runReaches(client, migrationId, data!.run_id, "blocked");
      const canceled = await cancel(migrationId, data!.run_id);
      expect(canceled.response.status).toBe(200);
      expect(canceled.data).toMatchObject({ run_id: data!.run_id, status: "canceled", kind: "generate" });
      expect(canceled.data).not.toHaveProperty("credential_request");
      expect((await startRun(client, migrationId, { kind: "generate" })).response.status).toBe(201);
    });

    it("answers 409 for a run already canceled or awaiting approval", async () => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const finished = await cancel(migrationId, runId);
      expect(finished.response.status).toBe(409);
      expect(finished.error).toEqual({ error: "Run is already awaiting_approval and cannot be canceled" });
      await startRun(client, migrationId, { kind: "update", message: "x" });
      expect((await cancel(migrationId, runId)).response.status).toBe(200);
      expect((await cancel(migrationId, runId)).error).toEqual({ error: "Run is already canceled and cannot be canceled" });
    });

    it.each([{ status: "cancel" }, { status: "cancel_requested", reason: "x" }, {}])("answers 400 to the body %j", async (body) => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const { error, response } = await cancel(migrationId, runId, body);
      expect(response.status).toBe(400);
      expect(error).toEqual({ error: 'The only accepted body is {"status": "cancel_requested"}' });
    });
  });

  describe("unblocking (V11, V12) errors", () => {
    it("answers 409 to credentials or an answer for a run that is not blocked", async () => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const credentials = await submitCredentials(migrationId, runId, { credentials: SALESFORCE_CREDENTIALS });
      expect(credentials.response.status).toBe(409);
      expect(credentials.error).toEqual({ error: "This run is not blocked for credentials" });
      const answered = await answer(migrationId, runId, "anything");
      expect(answered.response.status).toBe(409);
      expect(answered.error).toEqual({ error: "This run is not blocked on a question" });
    });

    it.each([
      ["empty credentials", "credentials", { credentials: {} }, "credentials must be a non-empty object"],
      ["credentials missing", "credentials", {}, "credentials must be a non-empty object"],
      ["an empty answer list", "messages", { answers: [] }, "answers must be a list of {id, value} or a string"],
      ["an answer without value", "messages", { answers: [{ id: "q1" }] }, "answers must be a list of {id, value} or a string"],
      ["answers of the wrong type", "messages", { answers: 42 }, "answers must be a list of {id, value} or a string"],
    ])("answers 400 to %s", async (_label, endpoint, body, message) => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const response = await rawCall(server, "POST", `/migrations/${migrationId}/runs/${runId}/${endpoint}`, { key: ACME_KEY, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: message });
    });
  });

  describe("isolation and unknown runs", () => {
    it("answers 404 for another account's run, a run of another migration, an unknown or malformed run id", async () => {
      const { migrationId, runId } = await migrationWithPreview(client);
      const otherMigration = await createMigration(client);
      const globex = vernClient(server, GLOBEX_KEY);
      const foreign = await globex.GET("/migrations/{migration_id}/runs/{run_id}", runPath(migrationId, runId));
      expect(foreign.error).toEqual({ error: "Migration not found" });
      for (const [m, r] of [[otherMigration, runId], [migrationId, UNKNOWN_ID]] as const) {
        const { error, response } = await client.GET("/migrations/{migration_id}/runs/{run_id}", runPath(m, r));
        expect(response.status).toBe(404);
        expect(error).toEqual({ error: "Run not found" });
      }
      const malformed = await rawCall(server, "PATCH", `/migrations/${migrationId}/runs/42`, { key: ACME_KEY, body: '{"status":"cancel_requested"}' });
      expect(malformed.status).toBe(404);
      expect(await malformed.json()).toEqual({ error: "Run not found" });
      for (const call of [
        () => globex.PATCH("/migrations/{migration_id}/runs/{run_id}", { ...runPath(migrationId, runId), body: { status: "cancel_requested" } }),
        () => globex.POST("/migrations/{migration_id}/runs/{run_id}/credentials", { ...runPath(migrationId, runId), body: { credentials: { a: "b" } } }),
        () => globex.POST("/migrations/{migration_id}/runs/{run_id}/messages", { ...runPath(migrationId, runId), body: { answers: "x" } }),
      ]) {
        expect((await call()).response.status).toBe(404);
      }
    });
  });

  async function eventuallyBlockedOn(migrationId: string, runId: string, reason: "question" | "credentials") {
    const run = await runReaches(client, migrationId, runId, "blocked");
    if (run.blocked_reason === reason) return run;
    throw new Error(`blocked on ${run.blocked_reason}, expected ${reason}`);
  }

  async function eventuallyExecuted(migrationId: string, runId: string) {
    const run = await runReaches(client, migrationId, runId, "completed");
    expect(run.kind).toBe("execute");
    return run;
  }
});
