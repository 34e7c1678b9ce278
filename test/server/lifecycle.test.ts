import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { startQuirkyAgentServer } from "../support/quirkyAgentServer.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

const PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

describe("the reference server as a whole (all four APIs on one port)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("mounts each API under its own prefix", () => {
    expect(Object.keys(server.apiUrls).sort()).toEqual(["evalstudio", "merge", "vern", "wexa"]);
    expect(server.apiUrls.vern).toBe(`${server.url}/vern`);
  });

  it("GET /__admin lists each API's base URL and dev keys", async () => {
    const admin = (await (await fetch(`${server.url}/__admin`)).json()) as { apis: Record<string, { baseUrl: string; keys: Array<{ key: string }> }> };
    expect(admin.apis.merge!.baseUrl).toBe(server.apiUrls.merge);
    const mergeKey = admin.apis.merge!.keys[0]!.key;
    const merge = createApiClient("merge", { baseUrl: admin.apis.merge!.baseUrl, apiKey: mergeKey });
    expect((await merge.GET("/tool-packs/", {})).response.status).toBe(200);
    expect(admin.apis.evalstudio!.keys).toEqual([]);
  });

  it("POST /__admin/reset puts the data back to the seed", async () => {
    const evalstudio = createApiClient("evalstudio", { baseUrl: server.apiUrls.evalstudio! });
    const before = (await evalstudio.GET("/projects")).data!.length;
    await evalstudio.POST("/projects", { body: { name: "made during a demo" } });
    expect((await evalstudio.GET("/projects")).data!.length).toBe(before + 1);
    const reset = await fetch(`${server.url}/__admin/reset`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(reset.status).toBe(200);
    expect((await evalstudio.GET("/projects")).data!.length).toBe(before);
  });

  it("GET /__admin/health reports the database", async () => {
    const health = await fetch(`${server.url}/__admin/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: "pglite" });
  });

  it("answers a browser's CORS preflight for the auth headers the APIs use", async () => {
    const preflight = await fetch(`${server.apiUrls.vern}/sources`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "GET", "access-control-request-headers": "x-api-key" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-api-key");
  });

  it("answers an unknown path with JSON, not an HTML page", async () => {
    const outside = await fetch(`${server.url}/nothing-here`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ error: expect.any(String) });
    const inside = await fetch(`${server.apiUrls.evalstudio}/nothing-here`);
    expect(inside.status).toBe(404);
    expect(await inside.json()).toEqual({ error: expect.any(String) });
  });
});

describe("one API served alone", () => {
  it("serves EvalStudio at the vendor's own paths (/api/projects)", async () => {
    const server = await startTestServer({ env: { CC_API: "evalstudio" } });
    try {
      expect(server.apiUrls).toEqual({ evalstudio: `${server.url}/api` });
      const response = await fetch(`${server.url}/api/projects/${PROJECT}/connectors`);
      expect(response.status).toBe(200);
      expect(await fetch(`${server.url}/vern/sources`).then((r) => r.status)).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes an in-flight request before closing, and accepts no new ones", async () => {
    const agent = await startQuirkyAgentServer(() => ({ kind: "keepAliveThenState", reply: "late but complete" }));
    const server = await startTestServer();
    try {
      const evalstudio = createApiClient("evalstudio", { baseUrl: server.apiUrls.evalstudio! });
      const { id } = (await evalstudio.POST("/projects/{projectId}/connectors", {
        params: { path: { projectId: PROJECT } },
        body: { name: "slow agent", type: "langgraph", baseUrl: agent.url, config: { assistantId: "a" } },
      })).data!;
      const inFlight = evalstudio.POST("/projects/{projectId}/connectors/{id}/invoke", {
        params: { path: { projectId: PROJECT, id } },
        body: { messages: [{ role: "user", content: "hi" }] },
      });
      await new Promise((r) => setTimeout(r, 10));
      const closing = server.close();
      const { data, response } = await inFlight;
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ success: true, messages: [{ content: "late but complete" }] });
      await closing;
      await expect(fetch(`${server.url}/__admin/health`)).rejects.toThrow();
    } finally {
      await server.db.drop();
      await agent.close();
    }
  });
});
