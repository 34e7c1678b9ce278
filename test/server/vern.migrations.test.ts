import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_TARGETS, describeOnPostgres } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import {
  ACME_DEMO_MIGRATION,
  ACME_KEY,
  GLOBEX_KEY,
  SALESFORCE_CREDENTIALS,
  UNKNOWN_ID,
  createMigration,
  getRun,
  rawCall,
  runReaches,
  startRun,
  vernClient,
} from "./vernTestKit.js";

/** One request per operation, with made-up ids: enough to reach authentication. */
const EVERY_OPERATION: Array<[string, string, string?]> = [
  ["POST", "/migrations", '{"name":"x"}'],
  ["GET", "/sources"],
  ["GET", "/templates"],
  ["GET", "/templates/contacts"],
  ["GET", `/migrations/${UNKNOWN_ID}/source-connection`],
  ["POST", `/migrations/${UNKNOWN_ID}/source-connection`, '{"source_key":"salesforce"}'],
  ["DELETE", `/migrations/${UNKNOWN_ID}/source-connection`],
  ["POST", `/migrations/${UNKNOWN_ID}/runs`, '{"kind":"generate"}'],
  ["GET", `/migrations/${UNKNOWN_ID}/runs/${UNKNOWN_ID}`],
  ["PATCH", `/migrations/${UNKNOWN_ID}/runs/${UNKNOWN_ID}`, '{"status":"cancel_requested"}'],
  ["POST", `/migrations/${UNKNOWN_ID}/runs/${UNKNOWN_ID}/credentials`, '{"credentials":{"a":"b"}}'],
  ["POST", `/migrations/${UNKNOWN_ID}/runs/${UNKNOWN_ID}/messages`, '{"answers":"x"}'],
];

describe.each(DATABASE_TARGETS)("Vern migrations, sources and templates on %s", (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database });
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("authentication", () => {
    it.each(EVERY_OPERATION)("%s %s without a key is 401 with the error body", async (method, path, body) => {
      const response = await rawCall(server, method, path, { ...(body ? { body } : {}) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    });

    it.each([
      ["a blank key", "   "],
      ["an unknown key", "vern_dev_unknown_0000000000000000"],
      ["a malformed key", "not a key at all"],
    ])("answers 401 to %s", async (_label, key) => {
      const response = await rawCall(server, "GET", "/sources", { key });
      expect(response.status).toBe(401);
      expect(Object.keys(await response.json())).toEqual(["error"]);
    });
  });

  describe("sources and templates (global catalog)", () => {
    it("lists the sources by name, a missing logo as null", async () => {
      const { data, response } = await vernClient(server).GET("/sources");
      expect(response.status).toBe(200);
      expect(data!.sources).toContainEqual({ name: "Salesforce", logo_url: "https://logo.clearbit.com/salesforce.com" });
      expect(data!.sources).toContainEqual({ name: "HubSpot", logo_url: null });
    });

    it("lists only active templates, with their columns and without the catalog's active flag", async () => {
      const { data } = await vernClient(server, GLOBEX_KEY).GET("/templates");
      expect(data!.templates.map((t) => t.slug)).toEqual(["contacts", "companies"]);
      expect(data!.templates[0]!.columns[0]).toMatchObject({ name: "Email", required: true, unique: true, desiredRule: "strict" });
      expect(data!.templates[0]).not.toHaveProperty("active");
    });

    it("gets an active template by slug, wrapped under template", async () => {
      const { data, response } = await vernClient(server).GET("/templates/{template_slug}", { params: { path: { template_slug: "companies" } } });
      expect(response.status).toBe(200);
      expect(data!.template).toMatchObject({ slug: "companies", name: "Companies", description: null });
    });

    it.each(["deals", "no-such-template"])("answers 404 for template %s (inactive or unknown)", async (slug) => {
      const { error, response } = await vernClient(server).GET("/templates/{template_slug}", { params: { path: { template_slug: slug } } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ error: "Template not found" });
    });
  });

  describe("create a migration", () => {
    it("creates a migration awaiting files, with the chosen templates and the source's canonical name", async () => {
      const { data, response } = await vernClient(server).POST("/migrations", {
        body: { name: "Acme Corp", source: "salesforce", external_id: "acme-create-1", templates: ["contacts", "contacts"] },
      });
      expect(response.status).toBe(201);
      expect(data!.migration).toMatchObject({
        name: "Acme Corp",
        source: "Salesforce",
        external_id: "acme-create-1",
        status: "awaiting_files",
        templates: [{ slug: "contacts", name: "Contacts" }],
      });
    });

    it.each([
      ["omitted", {}],
      ["null", { source: null }],
      ["empty", { source: "" }],
    ])("makes a sourceless migration with every active template when the source is %s", async (_label, extra) => {
      const { data, response } = await vernClient(server).POST("/migrations", { body: { name: "Globex", ...extra } });
      expect(response.status).toBe(201);
      expect(data!.migration.source).toBeNull();
      expect(data!.migration.templates.map((t) => t.slug)).toEqual(["contacts", "companies"]);
    });

    it("answers the existing migration with 200 when the same external_id comes again with the same source", async () => {
      const client = vernClient(server);
      const first = await client.POST("/migrations", { body: { name: "Idem", source: "HubSpot", external_id: "idem-1" } });
      const again = await client.POST("/migrations", { body: { name: "Renamed", source: "HubSpot", external_id: "idem-1", templates: ["companies"] } });
      expect(first.response.status).toBe(201);
      expect(again.response.status).toBe(200);
      expect(again.data!.migration).toEqual(first.data!.migration);
    });

    it("answers 409 when the external_id belongs to a migration with another source", async () => {
      const client = vernClient(server);
      await createMigration(client, { name: "Taken", source: "HubSpot", external_id: "taken-1" });
      const { error, response } = await client.POST("/migrations", { body: { name: "Taken", source: "Salesforce", external_id: "taken-1" } });
      expect(response.status).toBe(409);
      expect(error).toEqual({ error: "external_id taken-1 is already used by another migration" });
    });

    it("scopes external_id to the account: another account may use the same one", async () => {
      await createMigration(vernClient(server), { name: "Shared", external_id: "shared-ext" });
      const { response } = await vernClient(server, GLOBEX_KEY).POST("/migrations", { body: { name: "Shared", external_id: "shared-ext" } });
      expect(response.status).toBe(201);
    });

    it("makes one migration of 20 concurrent creates with one external_id: one 201, nineteen 200", async () => {
      const client = vernClient(server);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => client.POST("/migrations", { body: { name: "Race", source: "Zoho CRM", external_id: "race-1" } })),
      );
      expect(answers.map((a) => a.response.status).sort((a, b) => b - a)).toEqual([201, ...Array(19).fill(200)]);
      expect(new Set(answers.map((a) => a.data!.migration.id)).size).toBe(1);
      const [count] = await server.database.query<{ n: number }>("select count(*)::int as n from vern_migrations where external_id = 'race-1'");
      expect(count!.n).toBe(1);
    });

    it.each([
      ["name missing", { source: null }, "name is required"],
      ["name empty", { name: "" }, "name is required"],
      ["name blank", { name: "   " }, "name is required"],
      ["external_id with a space", { name: "x", external_id: "acme 001" }, "external_id must contain only alphanumeric characters, hyphens, and underscores (max 255 chars)"],
      ["external_id of 256 characters", { name: "x", external_id: "a".repeat(256) }, "external_id must contain only alphanumeric characters, hyphens, and underscores (max 255 chars)"],
      ["unknown and inactive template slugs", { name: "x", templates: ["deals", "nope", "contacts"] }, "Unknown template slug(s): deals, nope"],
      ["an unknown field", { name: "x", company: "y" }, expect.stringContaining("company")],
    ])("answers 400 for %s", async (_label, body, message) => {
      const { error, response } = await vernClient(server).POST("/migrations", { body: body as never });
      expect(response.status).toBe(400);
      expect(error).toEqual({ error: message });
    });

    it("answers 400 for a body that is not JSON", async () => {
      const response = await rawCall(server, "POST", "/migrations", { key: ACME_KEY, body: '{"name": "x"' });
      expect(response.status).toBe(400);
      expect(Object.keys(await response.json())).toEqual(["error"]);
    });

    it("answers 404 when the source names no source", async () => {
      const { error, response } = await vernClient(server).POST("/migrations", { body: { name: "x", source: "Salesforse" } });
      expect(response.status).toBe(404);
      expect(error).toEqual({ error: "Source not found: Salesforse" });
    });
  });

  describe("account isolation", () => {
    it("hides another account's migration behind 404 on every migration-scoped operation", async () => {
      const globex = vernClient(server, GLOBEX_KEY);
      const path = { migration_id: ACME_DEMO_MIGRATION };
      const answers = [
        await globex.GET("/migrations/{migration_id}/source-connection", { params: { path } }),
        await globex.POST("/migrations/{migration_id}/source-connection", { params: { path }, body: { source_key: "hubspot", config: {}, stream_state: {} } }),
        await globex.DELETE("/migrations/{migration_id}/source-connection", { params: { path } }),
        await globex.POST("/migrations/{migration_id}/runs", { params: { path }, body: { kind: "generate" } }),
      ];
      for (const { response, error } of answers) {
        expect(response.status).toBe(404);
        expect(error).toEqual({ error: "Migration not found" });
      }
      const own = await vernClient(server).GET("/migrations/{migration_id}/source-connection", { params: { path } });
      expect(own.response.status).toBe(200);
    });

    it("answers 404 for a migration id that is not a UUID", async () => {
      const response = await rawCall(server, "GET", "/migrations/not-a-uuid/source-connection", { key: ACME_KEY });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: "Migration not found" });
    });
  });
});

describe.each(DATABASE_TARGETS)("Vern state survives a restart on %s", (database) => {
  it("keeps migrations, connections and a blocked run, which then runs on to its preview", async () => {
    const directory = database === "pglite" ? await mkdtemp(join(tmpdir(), "vern-restart-")) : undefined;
    const first = await startTestServer(directory ? { env: { PGLITE_DIR: directory } } : { database });
    const env: Record<string, string> = directory ? { PGLITE_DIR: directory } : { DATABASE_URL: first.db.databaseUrl! };
    let second: TestServer | undefined;
    try {
      const before = vernClient(first);
      const migrationId = await createMigration(before, { name: "Durable", external_id: "durable-1", templates: ["companies"] });
      await before.POST("/migrations/{migration_id}/source-connection", {
        params: { path: { migration_id: migrationId } },
        body: { source_key: "salesforce", config: { instance_url: "https://durable.my.salesforce.com" }, stream_state: {} },
      });
      const { data: started } = await startRun(before, migrationId, { kind: "generate" });
      await runReaches(before, migrationId, started!.run_id, "blocked");
      await first.close();

      second = await startTestServer({ env });
      const after = vernClient(second);
      const replay = await after.POST("/migrations", { body: { name: "Durable", external_id: "durable-1" } });
      expect(replay.response.status).toBe(200);
      expect(replay.data!.migration.id).toBe(migrationId);
      expect((await getRun(after, migrationId, started!.run_id)).blocked_reason).toBe("credentials");
      const submitted = await after.POST("/migrations/{migration_id}/runs/{run_id}/credentials", {
        params: { path: { migration_id: migrationId, run_id: started!.run_id } },
        body: { credentials: SALESFORCE_CREDENTIALS },
      });
      expect(submitted.response.status).toBe(200);
      await runReaches(after, migrationId, started!.run_id, "awaiting_approval");
    } finally {
      await second?.close();
      await first.close();
      await first.db.drop();
      if (directory) await rm(directory, { recursive: true, force: true });
    }
  });
});

describeOnPostgres("Vern on two server processes sharing one %s", (database) => {
  it("keeps one migration per external_id and one run per migration when both servers take the requests", async () => {
    const first = await startTestServer({ database });
    const second = await startTestServer({ env: { DATABASE_URL: first.db.databaseUrl! } });
    try {
      const clients = [vernClient(first), vernClient(second)];
      const creates = await Promise.all(
        Array.from({ length: 20 }, (_, i) => clients[i % 2]!.POST("/migrations", { body: { name: "Shared", external_id: "two-servers" } })),
      );
      expect(creates.filter((a) => a.response.status === 201)).toHaveLength(1);
      const migrationId = creates[0]!.data!.migration.id;
      await clients[0]!.POST("/migrations/{migration_id}/source-connection", {
        params: { path: { migration_id: migrationId } },
        body: { source_key: "salesforce", config: {}, stream_state: {}, credentials: SALESFORCE_CREDENTIALS },
      });
      const starts = await Promise.all(Array.from({ length: 40 }, (_, i) => startRun(clients[i % 2]!, migrationId, { kind: "generate" })));
      const winners = starts.filter((a) => a.response.status === 201);
      expect(winners).toHaveLength(1);
      // Both clocks move runs; skip-locked rows are never moved twice, so the run ends where it should.
      const run = await runReaches(clients[1]!, migrationId, winners[0]!.data!.run_id, "blocked");
      expect(run.blocked_reason).toBe("question");
    } finally {
      await second.close();
      await first.stop();
    }
  });
});

describe("Vern rate limit (VERN_RATE_LIMIT=5)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { VERN_RATE_LIMIT: "5" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers the 6th call of one operation by one key 429, exactly the documented body, no Retry-After; other keys and operations go on", async () => {
    const acme = vernClient(server, ACME_KEY);
    for (let i = 0; i < 5; i++) expect((await acme.GET("/sources")).response.status).toBe(200);
    const { response, error } = await acme.GET("/sources");
    expect(response.status).toBe(429);
    expect(error).toStrictEqual({ error: "Too many requests" });
    expect(response.headers.get("retry-after")).toBeNull();
    expect((await vernClient(server, GLOBEX_KEY).GET("/sources")).response.status).toBe(200);
    expect((await acme.GET("/templates")).response.status).toBe(200);
  });
});
