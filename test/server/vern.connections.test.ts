import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import {
  ACME_KEY,
  UNKNOWN_ID,
  createMigration,
  migrationWithConnection,
  rawCall,
  runReaches,
  startRun,
  upsertConnection,
  vernClient,
  vernRowsAsText,
  type VernClient,
} from "./vernTestKit.js";

type Query = { source_key?: string; profile_id?: string };

describe.each(DATABASE_TARGETS)("Vern source connections on %s", (database) => {
  let server: TestServer;
  let client: VernClient;
  beforeAll(async () => {
    server = await startTestServer({ database });
    client = vernClient(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const read = (migrationId: string, query: Query = {}) =>
    client.GET("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migrationId }, query } });
  const remove = (migrationId: string, query: Query = {}) =>
    client.DELETE("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migrationId }, query } });

  describe("create or update (V6) and read (V5)", () => {
    it("creates a connection on the default profile with the connector's name and category, and reads it back", async () => {
      const migrationId = await createMigration(client);
      const created = await upsertConnection(client, migrationId, {
        source_key: "salesforce",
        config: { instance_url: "https://acme.my.salesforce.com" },
        selected_streams: ["contacts", "accounts"],
        stream_state: {},
      });
      expect(created).toMatchObject({
        profile_id: "default",
        source_key: "salesforce",
        name: "Salesforce",
        category: "CRM",
        config: { instance_url: "https://acme.my.salesforce.com" },
        selected_streams: ["contacts", "accounts"],
        stream_state: {},
        creds_configured: false,
        bound_source_extractor_id: null,
        last_snapshot: null,
        last_sync_at: null,
      });
      const { data, response } = await read(migrationId);
      expect(response.status).toBe(200);
      expect(data!.source_connection).toEqual(created);
    });

    it("updates in place (same id, 201) for the same connector and profile, replacing config and keeping stored credentials", async () => {
      const migrationId = await createMigration(client);
      const first = await upsertConnection(client, migrationId, {
        source_key: "hubspot",
        config: { portal: "1" },
        stream_state: {},
        credentials: { access_token: "pat-na1-keep-me" },
      });
      const second = await upsertConnection(client, migrationId, { source_key: "hubspot", config: { portal: "2" }, stream_state: {} });
      expect(second.id).toBe(first.id);
      expect(second.config).toEqual({ portal: "2" });
      expect(second.creds_configured).toBe(true);
    });

    it("keeps the workbook binding (profile_id null, or the literal workbook) apart from the default and named profiles", async () => {
      const migrationId = await createMigration(client);
      const workbook = await upsertConnection(client, migrationId, { source_key: "hubspot", profile_id: null, config: {}, stream_state: {} });
      const literal = await upsertConnection(client, migrationId, { source_key: "hubspot", profile_id: "workbook", config: { a: 1 }, stream_state: {} });
      const standard = await upsertConnection(client, migrationId, { source_key: "hubspot", config: {}, stream_state: {} });
      const named = await upsertConnection(client, migrationId, { source_key: "hubspot", profile_id: "eu-team", config: {}, stream_state: {} });
      expect(workbook.profile_id).toBeNull();
      expect(literal.id).toBe(workbook.id);
      expect(new Set([workbook.id, standard.id, named.id]).size).toBe(3);
      expect((await read(migrationId, { profile_id: "workbook" })).data!.source_connection.id).toBe(workbook.id);
      expect((await read(migrationId)).data!.source_connection.id).toBe(standard.id);
      expect((await read(migrationId, { profile_id: "eu-team" })).data!.source_connection.id).toBe(named.id);
    });

    it("filters by source_key, and without it reads the profile's connection written last", async () => {
      const migrationId = await createMigration(client);
      const salesforce = await upsertConnection(client, migrationId, { source_key: "salesforce", config: {}, stream_state: {} });
      const zoho = await upsertConnection(client, migrationId, { source_key: "zoho", config: {}, stream_state: {} });
      expect((await read(migrationId)).data!.source_connection.id).toBe(zoho.id);
      expect((await read(migrationId, { source_key: "salesforce" })).data!.source_connection.id).toBe(salesforce.id);
      expect((await read(migrationId, { source_key: "hubspot" })).response.status).toBe(404);
    });

    it("makes one connection of 20 concurrent upserts of one connector and profile", async () => {
      const migrationId = await createMigration(client);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.POST("/migrations/{migration_id}/source-connection", {
            params: { path: { migration_id: migrationId } },
            body: { source_key: "zoho", config: { attempt: i }, stream_state: {} },
          }),
        ),
      );
      expect(answers.every((a) => a.response.status === 201)).toBe(true);
      expect(new Set(answers.map((a) => a.data!.source_connection.id)).size).toBe(1);
      const [count] = await server.database.query<{ n: number }>("select count(*)::int as n from vern_source_connections where migration_id = $1", [migrationId]);
      expect(count!.n).toBe(1);
    });

    it("answers 404 when no connection is configured", async () => {
      const migrationId = await createMigration(client);
      const { error, response } = await read(migrationId);
      expect(response.status).toBe(404);
      expect(error).toEqual({ error: "No source connection is configured for this migration" });
    });

    it.each([
      ["an unknown source_key", { source_key: "netsuite" }, "Unknown or not enabled source_key: netsuite"],
      ["a source_key not enabled", { source_key: "pipedrive" }, "Unknown or not enabled source_key: pipedrive"],
      ["source_key missing", { profile_id: null }, "source_key is required"],
      ["a source_key that is not lower-case", { source_key: "Salesforce" }, "source_key must be a lower-case connector key such as salesforce"],
      ["credentials that are not an object", { source_key: "salesforce", credentials: "hunter2" }, expect.stringContaining("credentials")],
      ["an unknown field", { source_key: "salesforce", secret: "x" }, expect.stringContaining("secret")],
    ])("answers 400 for %s", async (_label, body, message) => {
      const migrationId = await createMigration(client);
      const { error, response } = await client.POST("/migrations/{migration_id}/source-connection", {
        params: { path: { migration_id: migrationId } },
        body: body as never,
      });
      expect(response.status).toBe(400);
      expect(error).toEqual({ error: message });
      expect(JSON.stringify(error)).not.toContain("hunter2");
    });

    it("answers 400 for a body that is not JSON, and 404 for an unknown migration", async () => {
      const migrationId = await createMigration(client);
      const malformed = await rawCall(server, "POST", `/migrations/${migrationId}/source-connection`, { key: ACME_KEY, body: "{source_key:" });
      expect(malformed.status).toBe(400);
      const unknown = await client.POST("/migrations/{migration_id}/source-connection", {
        params: { path: { migration_id: UNKNOWN_ID } },
        body: { source_key: "salesforce", config: {}, stream_state: {} },
      });
      expect(unknown.response.status).toBe(404);
      expect(unknown.error).toEqual({ error: "Migration not found" });
    });
  });

  describe("remove (V7)", () => {
    it("deletes the addressed connection and its vault secret, leaving the others", async () => {
      const migrationId = await createMigration(client);
      const workbook = await upsertConnection(client, migrationId, {
        source_key: "hubspot",
        profile_id: null,
        config: {},
        stream_state: {},
        credentials: { access_token: "pat-na1-to-be-deleted" },
      });
      const standard = await upsertConnection(client, migrationId, { source_key: "hubspot", config: {}, stream_state: {} });
      const [{ credentials_secret_id: secretId }] = (await server.database.query<{ credentials_secret_id: string }>(
        "select credentials_secret_id from vern_source_connections where id = $1",
        [workbook.id],
      )) as [{ credentials_secret_id: string }];

      const { data, response } = await remove(migrationId, { profile_id: "workbook" });
      expect(response.status).toBe(200);
      expect(data).toEqual({ deleted: true });
      expect(await server.database.query("select id from vault_secrets where id = $1", [secretId])).toHaveLength(0);
      expect((await read(migrationId, { profile_id: "workbook" })).response.status).toBe(404);
      expect((await read(migrationId)).data!.source_connection.id).toBe(standard.id);
    });

    it("answers 404 when there is nothing to delete, or the migration is unknown", async () => {
      const migrationId = await createMigration(client);
      await upsertConnection(client, migrationId, { source_key: "salesforce", config: {}, stream_state: {} });
      const wrongKey = await remove(migrationId, { source_key: "zoho" });
      expect(wrongKey.response.status).toBe(404);
      expect(wrongKey.error).toEqual({ error: "No source connection is configured for this migration" });
      expect((await remove(UNKNOWN_ID)).response.status).toBe(404);
    });

    it("fails a run that waits for the removed connection's credentials", async () => {
      const { migrationId } = await migrationWithConnection(client);
      const { data } = await startRun(client, migrationId, { kind: "generate" });
      await runReaches(client, migrationId, data!.run_id, "blocked");
      expect((await remove(migrationId)).response.status).toBe(200);
      const run = await runReaches(client, migrationId, data!.run_id, "failed");
      expect(run.error).toMatch(/source connection was removed/);
    });
  });

  describe("secrets", () => {
    it("never returns, logs or stores outside the vault the credentials of V6 and V11", async () => {
      const responses: string[] = [];
      const recording: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        responses.push(await response.clone().text());
        return response;
      };
      const recorded = vernClient(server, ACME_KEY, recording);
      const v6Secret = "sk-vern-planted-v6-7f3a91c2";
      const v11Secret = "sk-vern-planted-v11-4be02d77";
      const migrationId = await createMigration(recorded, { name: "Secrets", templates: ["companies"] });
      const connection = await upsertConnection(recorded, migrationId, {
        source_key: "salesforce",
        config: {},
        stream_state: {},
        credentials: { client_id: "only-an-id" , client_secret: "", note: v6Secret },
      });
      expect(connection.creds_configured).toBe(true);
      expect(connection).not.toHaveProperty("credentials");
      const { data: started } = await startRun(recorded, migrationId, { kind: "generate" });
      const blocked = await runReaches(recorded, migrationId, started!.run_id, "blocked");
      expect(blocked.credential_request!.connection_id).toBe(connection.id);
      await recorded.POST("/migrations/{migration_id}/runs/{run_id}/credentials", {
        params: { path: { migration_id: migrationId, run_id: started!.run_id } },
        body: { credentials: { client_id: "only-an-id", client_secret: v11Secret }, connection_id: connection.id },
      });
      await runReaches(recorded, migrationId, started!.run_id, "awaiting_approval");
      await recorded.GET("/migrations/{migration_id}/source-connection", { params: { path: { migration_id: migrationId } } });

      for (const secret of [v6Secret, v11Secret]) {
        expect(responses.join("\n")).not.toContain(secret);
        expect(server.logs.join("\n")).not.toContain(secret);
        expect(await vernRowsAsText(server)).not.toContain(secret);
      }
      const vault = await server.database.query<{ ciphertext: Uint8Array }>("select ciphertext from vault_secrets where api = 'vern'");
      expect(vault.length).toBeGreaterThan(0);
      expect(vault.some((row) => Buffer.from(row.ciphertext).toString("utf8").includes(v11Secret))).toBe(false);
    });
  });
});
