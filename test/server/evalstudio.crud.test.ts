import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../../src/clients/index.js";
import { tablesContaining, vaultHoldsPlaintext } from "../support/databaseScan.js";
import { recordingFetch } from "../support/recordingFetch.js";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

const SEEDED_PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const SEEDED_CONNECTOR = "987fcdeb-51a2-3bc4-d567-890123456789";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe.each(DATABASE_TARGETS)("EvalStudio projects and connectors on %s", (database) => {
  let server: TestServer;
  let client: ApiClient<"evalstudio">;
  const recorder = recordingFetch();
  beforeAll(async () => {
    server = await startTestServer({ database });
    console.info(`[evalstudio] database for this run: ${server.database.location}`);
    client = createApiClient("evalstudio", { baseUrl: server.apiUrls.evalstudio!, fetch: recorder.fetch });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const newProject = async (name = "Project under test") => (await client.POST("/projects", { body: { name } })).data!.id;
  const connectorBody = (name: string, secret = "lg-dev-key") => ({
    name,
    type: "langgraph" as const,
    baseUrl: "http://localhost:8123",
    headers: { "X-API-Key": secret },
    config: { assistantId: "my-assistant" },
  });

  it("E1 lists the seeded projects", async () => {
    const { data, response } = await client.GET("/projects");
    expect(response.status).toBe(200);
    expect(data?.map((p) => p.id)).toContain(SEEDED_PROJECT);
  });

  it("E2 creates a project (201) and refuses one without a name with the vendor's message", async () => {
    const created = await client.POST("/projects", { body: { name: "Eval project" } });
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "Eval project" });
    const missing = await client.POST("/projects", { body: {} as { name: string } });
    expect(missing.response.status).toBe(400);
    expect(missing.error).toEqual({ error: "Name is required" });
  });

  it("E2 keeps a name that starts with U+FEFF, in the create's answer and in the list (PGlite's own decoder drops it)", async () => {
    for (const name of ["\uFEFF", "\uFEFF\uFEFFtwo marks", "mark \uFEFF inside"]) {
      const created = await client.POST("/projects", { body: { name } });
      expect(created.response.status).toBe(201);
      expect(created.data?.name).toBe(name);
      const listed = await client.GET("/projects");
      expect(listed.data?.find((p) => p.id === created.data?.id)?.name).toBe(name);
    }
  });

  it("E3 deletes a project with its connectors (204), then 404 for it", async () => {
    const projectId = await newProject();
    await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("doomed") });
    const deleted = await client.DELETE("/projects/{projectId}", { params: { path: { projectId } } });
    expect(deleted.response.status).toBe(204);
    const again = await client.DELETE("/projects/{projectId}", { params: { path: { projectId } } });
    expect(again.response.status).toBe(404);
    expect(again.error).toEqual({ error: "Project not found" });
    const list = await client.GET("/projects/{projectId}/connectors", { params: { path: { projectId } } });
    expect(list.response.status).toBe(404);
  });

  it("E4 reports the server's status", async () => {
    const { data } = await client.GET("/status");
    expect(data).toMatchObject({ name: "evalstudio", status: "ok", node: process.version });
    expect(Date.parse(data!.timestamp)).not.toBeNaN();
  });

  it("E5 lists a project's connectors with masked header values; 404 for an unknown project", async () => {
    const { data } = await client.GET("/projects/{projectId}/connectors", { params: { path: { projectId: SEEDED_PROJECT } } });
    expect(data?.find((c) => c.id === SEEDED_CONNECTOR)).toMatchObject({ name: "LangGraph Dev", headers: { "X-API-Key": "********" } });
    const unknown = await client.GET("/projects/{projectId}/connectors", { params: { path: { projectId: UNKNOWN } } });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual({ error: "Project not found" });
  });

  it("E6 lists the connector types", async () => {
    const { data } = await client.GET("/projects/{projectId}/connectors/types", { params: { path: { projectId: SEEDED_PROJECT } } });
    expect(data).toEqual({ langgraph: "LangGraph Dev API connector for langgraph-backed agents" });
  });

  it("E7 creates a connector (201), refuses a duplicate name (409) and missing fields (400)", async () => {
    const projectId = await newProject();
    const created = await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("LangGraph Dev") });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ name: "LangGraph Dev", type: "langgraph", headers: { "X-API-Key": "********" }, config: { assistantId: "my-assistant" } });
    const duplicate = await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("LangGraph Dev") });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error).toEqual({ error: 'Connector with name "LangGraph Dev" already exists' });
    for (const field of ["name", "type", "baseUrl"] as const) {
      const body: Record<string, unknown> = connectorBody(`missing-${field}`);
      delete body[field];
      const missing = await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: body as never });
      expect(missing.response.status, field).toBe(400);
      expect(missing.error?.error, field).toMatch(/is required$/);
    }
  });

  it("E7 gives exactly one 201 when 20 creates of one name race", async () => {
    const projectId = await newProject();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("racer") })),
    );
    const statuses = results.map((r) => r.response.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it("E8 gets a connector; 404 for an unknown one, one of another project, or a malformed id", async () => {
    const { data } = await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId: SEEDED_PROJECT, id: SEEDED_CONNECTOR } } });
    expect(data?.id).toBe(SEEDED_CONNECTOR);
    const otherProject = await newProject();
    for (const [projectId, id] of [[SEEDED_PROJECT, UNKNOWN], [otherProject, SEEDED_CONNECTOR], [SEEDED_PROJECT, "not-a-uuid"]] as const) {
      const missing = await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } } });
      expect(missing.response.status).toBe(404);
      expect(missing.error).toEqual({ error: "Connector not found" });
    }
  });

  it("E9 updates a connector: headers and config replace the stored ones; 409 on a taken name; 404 unknown", async () => {
    const projectId = await newProject();
    const a = (await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("a") })).data!;
    await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("b") });
    const updated = await client.PUT("/projects/{projectId}/connectors/{id}", {
      params: { path: { projectId, id: a.id } },
      body: { baseUrl: "http://localhost:8124", headers: { Authorization: "Bearer x" }, config: { assistantId: "new-assistant" } },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data).toMatchObject({ name: "a", baseUrl: "http://localhost:8124", headers: { Authorization: "********" }, config: { assistantId: "new-assistant" } });
    expect(updated.data?.headers).not.toHaveProperty("X-API-Key");
    expect(Date.parse(updated.data!.updatedAt)).toBeGreaterThan(Date.parse(a.updatedAt));
    const taken = await client.PUT("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id: a.id } }, body: { name: "b" } });
    expect(taken.response.status).toBe(409);
    const unknown = await client.PUT("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id: UNKNOWN } }, body: { name: "c" } });
    expect(unknown.response.status).toBe(404);
    const invalid = await client.PUT("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id: a.id } }, body: { baseUrl: "not a url" } });
    expect(invalid.response.status).toBe(400);
  });

  it("E10 deletes a connector (204); a second delete and a get are 404", async () => {
    const projectId = await newProject();
    const { id } = (await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("short-lived") })).data!;
    expect((await client.DELETE("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } } })).response.status).toBe(204);
    expect((await client.DELETE("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } } })).response.status).toBe(404);
    expect((await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } } })).response.status).toBe(404);
  });

  it("answers malformed JSON with 400 in the error body, never a 500", async () => {
    const response = await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Malformed JSON in the request body." });
  });

  it("keeps a planted header value out of every response, every log line and every table but the (encrypted) vault", async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}-secret`;
    const projectId = await newProject();
    const { id } = (await client.POST("/projects/{projectId}/connectors", { params: { path: { projectId } }, body: connectorBody("canary", canary) })).data!;
    await client.GET("/projects/{projectId}/connectors", { params: { path: { projectId } } });
    await client.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } } });
    await client.PUT("/projects/{projectId}/connectors/{id}", { params: { path: { projectId, id } }, body: { name: "canary-renamed" } });
    const leaks = recorder.responses.filter((r) => r.body.includes(canary) || r.headers.includes(canary));
    expect(leaks).toEqual([]);
    expect(server.logs.filter((line) => line.includes(canary))).toEqual([]);
    expect(await tablesContaining(server.database, canary)).toEqual([]);
    expect(await vaultHoldsPlaintext(server.database, canary)).toBe(false);
  });
});

describe("EvalStudio data survives a restart (PGlite data directory)", () => {
  it("finds a connector created before the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-pglite-"));
    const first = await startTestServer({ env: { PGLITE_DIR: dir } });
    const client = createApiClient("evalstudio", { baseUrl: first.apiUrls.evalstudio! });
    const { id } = (await client.POST("/projects/{projectId}/connectors", {
      params: { path: { projectId: SEEDED_PROJECT } },
      body: { name: "durable", type: "langgraph", baseUrl: "http://localhost:8123", config: { assistantId: "a" } },
    })).data!;
    await first.stop();
    const second = await startTestServer({ env: { PGLITE_DIR: dir } });
    try {
      const again = createApiClient("evalstudio", { baseUrl: second.apiUrls.evalstudio! });
      const { data } = await again.GET("/projects/{projectId}/connectors/{id}", { params: { path: { projectId: SEEDED_PROJECT, id } } });
      expect(data?.name).toBe("durable");
      const projects = (await again.GET("/projects")).data!;
      expect(projects.filter((p) => p.id === SEEDED_PROJECT)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});
