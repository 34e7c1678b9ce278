import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/testServer.js";

const SEEDED_PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

type Listed = { capacity: number; requests: Array<{ api: string; operationId: string | null; method: string; url: string; status: number; request: { headers: Record<string, string>; body: unknown }; response: { body: unknown } }> };

/** /__admin/requests: what an app sent and got back, as a developer reads it. */
describe("the request journal (/__admin/requests)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { JOURNAL_SIZE: "5" } });
  });
  beforeEach(async () => {
    expect((await fetch(`${server.url}/__admin/requests`, { method: "DELETE", headers: { "x-admin-request": "1" } })).status).toBe(204);
  });
  afterAll(async () => server?.stop());

  const journal = async (query = "") => {
    const answer = await fetch(`${server.url}/__admin/requests${query}`);
    expect(answer.status).toBe(200);
    return (await answer.json()) as Listed;
  };
  const mergeKey = () => server.modules.find((m) => m.api === "merge")!.devKeys[0]!.key;

  it("lists requests newest first with their answers, filtered by API and operation", async () => {
    await (await fetch(`${server.apiUrls.evalstudio}/projects`)).arrayBuffer();
    await (await fetch(`${server.apiUrls.merge}/tool-packs/`, { headers: { authorization: `Bearer ${mergeKey()}` } })).arrayBuffer();
    await (await fetch(`${server.apiUrls.evalstudio}/projects/${SEEDED_PROJECT}/connectors`)).arrayBuffer();
    const all = await journal();
    expect(all.requests.map((r) => [r.api, r.operationId, r.status])).toEqual([
      ["evalstudio", "listConnectors", 200],
      ["merge", "listToolPacks", 200],
      ["evalstudio", "listProjects", 200],
    ]);
    expect(Array.isArray(all.requests[2]!.response.body)).toBe(true);
    expect((await journal("?api=merge")).requests.map((r) => r.operationId)).toEqual(["listToolPacks"]);
    expect((await journal("?api=evalstudio&operation=listProjects")).requests).toHaveLength(1);
    expect((await journal("?limit=1")).requests.map((r) => r.operationId)).toEqual(["listConnectors"]);
  });

  it("keeps the last N only (a ring buffer), and clears", async () => {
    for (let i = 0; i < 7; i++) await (await fetch(`${server.apiUrls.evalstudio}/projects?n=${i}`)).arrayBuffer();
    const kept = await journal();
    expect(kept.capacity).toBe(5);
    expect(kept.requests.map((r) => r.url)).toEqual([6, 5, 4, 3, 2].map((i) => `/evalstudio/projects?n=${i}`));
    expect((await fetch(`${server.url}/__admin/requests`, { method: "DELETE", headers: { "x-admin-request": "1" } })).status).toBe(204);
    expect((await journal()).requests).toEqual([]);
  });

  it("never shows a planted secret: credential headers, x-secret body fields, a key in the query", async () => {
    const secret = `planted-${Math.random().toString(36).slice(2)}-secret`;
    const created = await fetch(`${server.apiUrls.evalstudio}/projects/${SEEDED_PROJECT}/connectors`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `journal-${secret.slice(8, 14)}`, type: "langgraph", baseUrl: "http://localhost:8123", headers: { "X-API-Key": secret } }),
    });
    expect(created.status).toBe(201);
    await (await fetch(`${server.apiUrls.merge}/tool-packs/?api_key=${secret}`, { headers: { authorization: `Bearer ${secret}`, "x-api-key": secret, cookie: `session=${secret}` } })).arrayBuffer();
    // A request the contract refuses still lands in the journal, and its secret field is still hidden.
    await (await fetch(`${server.apiUrls.evalstudio}/projects/${SEEDED_PROJECT}/connectors`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ headers: { "X-API-Key": secret } }) })).arrayBuffer();
    const listed = await journal();
    expect(listed.requests).toHaveLength(3);
    const text = JSON.stringify(listed);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString("base64"));
    expect(text).toContain("[redacted]");
    // Redacted, not dropped: the developer still sees which header and field were sent.
    const create = listed.requests.find((r) => r.operationId === "createConnector" && r.status === 201)!;
    expect(create.request.body).toMatchObject({ headers: { "X-API-Key": "[redacted]" }, type: "langgraph" });
    const merge = listed.requests.find((r) => r.api === "merge")!;
    expect(merge.request.headers.authorization).toBe("[redacted]");
  });

  it("does not keep a large body, only its size", async () => {
    const big = JSON.stringify({ name: "x".repeat(40_000) });
    await (await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: big })).arrayBuffer();
    const [entry] = (await journal()).requests;
    expect(entry!.request.body).toBe(`[${Buffer.byteLength(big)} bytes, not kept]`);
  });
});
