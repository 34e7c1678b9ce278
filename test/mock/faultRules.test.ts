import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/testServer.js";

/** Persistent fault rules through /__admin/faults, as a front-end test sets them up and tears them down. */
describe("fault rules (/__admin/faults)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    expect((await admin("DELETE", "/faults")).status).toBe(204);
  });
  afterAll(async () => server?.stop());

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/__admin${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const addRule = async (rule: unknown) => {
    const answer = await admin("POST", "/faults", rule);
    expect(answer.status, await answer.clone().text()).toBe(201);
    return (await answer.json()) as { id: string };
  };
  const projects = () => fetch(`${server.apiUrls.evalstudio}/projects`);
  const statuses = async (n: number, call = projects) => {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) {
      const answer = await call();
      await answer.arrayBuffer();
      seen.push(answer.status);
    }
    return seen;
  };

  it("answers a status for an operation a number of times, then lets calls through and forgets the rule", async () => {
    await addRule({ api: "evalstudio", operationId: "listProjects", status: 503, times: 2 });
    const first = await projects();
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(await first.json()).toHaveProperty("error");
    expect(await statuses(2)).toEqual([503, 200]);
    expect(((await (await admin("GET", "/faults")).json()) as { faults: unknown[] }).faults).toEqual([]);
  });

  it("matches a path pattern, and only that", async () => {
    await addRule({ pathPattern: "/evalstudio/projects*", status: 500 });
    expect((await projects()).status).toBe(500);
    const key = server.modules.find((m) => m.api === "merge")!.devKeys[0]!.key;
    expect((await fetch(`${server.apiUrls.merge}/tool-packs/`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it("drops the connection", async () => {
    await addRule({ operationId: "listProjects", drop: true });
    await expect(projects()).rejects.toThrow();
    // The server itself is fine.
    expect((await fetch(`${server.url}/__admin/health`)).status).toBe(200);
  });

  it("delays, then answers as usual", async () => {
    await addRule({ operationId: "listProjects", delayMs: 250 });
    const started = performance.now();
    expect((await projects()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
  });

  it("applies to a seeded share of calls: the same calls on every run", async () => {
    const run = async () => {
      const { id } = await addRule({ operationId: "listProjects", status: 500, share: 0.5, seed: 42 });
      const seen = await statuses(24);
      expect((await admin("DELETE", `/faults/${id}`)).status).toBe(204);
      return seen;
    };
    const first = await run();
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(await run()).toEqual(first);
  });

  it("lists rules and deletes one by id (404 for an unknown id)", async () => {
    const a = await addRule({ operationId: "listProjects", status: 500 });
    const b = await addRule({ api: "vern", status: 429 });
    const listed = ((await (await admin("GET", "/faults")).json()) as { faults: Array<{ id: string }> }).faults.map((r) => r.id);
    expect(listed).toEqual([a.id, b.id]);
    expect((await admin("DELETE", `/faults/${a.id}`)).status).toBe(204);
    expect((await admin("DELETE", `/faults/${a.id}`)).status).toBe(404);
    expect((await projects()).status).toBe(200);
  });

  it.each([
    ["no effect", { operationId: "listProjects" }],
    ["a status out of range", { status: 700 }],
    ["both times and share", { status: 500, times: 1, share: 0.5 }],
    ["an unknown field", { status: 500, everything: true }],
    ["drop with a status", { status: 500, drop: true }],
  ])("refuses a rule with %s (400, {error})", async (_name, rule) => {
    const answer = await admin("POST", "/faults", rule);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toHaveProperty("error");
  });

  it("refuses a rule sent as a simple request (text/plain), like every admin change", async () => {
    const answer = await fetch(`${server.url}/__admin/faults`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ status: 500 }) });
    expect(answer.status).toBe(415);
    expect((await projects()).status).toBe(200);
  });
});
