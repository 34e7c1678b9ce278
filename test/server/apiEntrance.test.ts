import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { errorShapeProblem, primaryCredential } from "../hardening/support/apiFacts.js";
import type { ApiName } from "../../src/contracts/apiNames.js";

// The entrance (src/server/http/apiEntrance.ts) routes to an API as Express's app.use(mountPath)
// did before it, and the request log (requestLogging.ts) writes one line per answer.
const [mergeKey] = readDevKeys("merge");
const bearer = { authorization: `Bearer ${mergeKey!.key}` };

type LogLine = { msg: string; reqId?: string; req?: { id: string; method: string; url: string }; res?: { statusCode: number }; responseTime?: number };

describe("the way into each API, and the line each request leaves in the log", () => {
  let server: TestServer;
  const linesOf = (id: string) => server.logs.map((l) => JSON.parse(l) as LogLine).filter((l) => l.req?.id === id || l.reqId === id);
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ["the mount path in another case", "/MERGE/tool-packs/"],
    ["no trailing slash on the operation", "/merge/tool-packs"],
  ])("finds the API by its mount path as Express mounts it: %s", async (_name, path) => {
    const response = await fetch(`${server.url}${path}`, { headers: bearer });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results.length).toBeGreaterThan(0);
  });

  it.each([
    ["a path that only starts with the mount path's letters", "/mergeX/tool-packs/"],
    ["no mount path at all", "/tool-packs/"],
  ])("leaves %s to the server's own 404", async (_name, path) => {
    const response = await fetch(`${server.url}${path}`, { headers: bearer });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "No API is mounted at this path; GET /__admin lists them." });
  });

  it("leaves the admin API's paths (exactly /__admin, in lower case) to the admin API, even with an API served alone at the root", async () => {
    // Wexa's servers have no path, so alone it is served at the root.
    const alone = await startTestServer({ env: { CC_API: "wexa" } });
    try {
      expect(alone.apiUrls.wexa).toBe(alone.url);
      expect((await fetch(`${alone.url}/__admin/health`)).status).toBe(200);
      // Another spelling is an ordinary path: here Wexa's own (no such operation), not the admin API.
      const other = await fetch(`${alone.url}/__ADMIN/health`);
      expect(other.status).toBe(404);
      expect(await other.text()).not.toContain('"status":"ok"');
      // A path of Wexa's own still reaches Wexa: its 401 without a key, not the server's 404.
      expect((await fetch(`${alone.url}/connectors/any-project`)).status).toBe(401);
    } finally {
      await alone.stop();
    }
  });

  it("answers the mount path itself, and a query on it, from the API (its own 404 body, not the server's)", async () => {
    for (const path of ["/merge", "/merge?x=1", "/merge/"]) {
      const response = await fetch(`${server.url}${path}`, { headers: bearer });
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).not.toEqual({ error: "No API is mounted at this path; GET /__admin lists them." });
    }
  });

  it.each([
    ["merge", "DELETE", "/tool-packs/", "GET, HEAD, POST"],
    ["merge", "PROPFIND", "/tool-packs/3fa85f64-5717-4562-b3fc-2c963f66afa6/connectors/", "GET, HEAD, PATCH, PUT"],
    ["wexa", "POST", "/connectors/any-project", "GET, HEAD"],
    ["vern", "PUT", "/migrations", "POST"],
    ["evalstudio", "PATCH", "/projects/any-project/connectors", "GET, HEAD, POST"],
  ] as const)("answers %s's %s on %s, a path with other methods, 405 with those methods in Allow, in the API's error shape", async (api: ApiName, method, path, allow) => {
    const credential = primaryCredential(api);
    // Without the credential too: which methods a path has is in the public contract, so 405 comes before authentication.
    for (const headers of [credential ? Object.fromEntries([credential]) : {}, {}]) {
      const response = await fetch(`${server.apiUrls[api]}${path}`, { method, headers });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(errorShapeProblem(api, await response.json())).toBeUndefined();
    }
  });

  it("still answers 404, in the API's error shape, for a path the contract does not have with any method", async () => {
    const response = await fetch(`${server.apiUrls.merge}/tool-packs/x/y/z/`, { method: "DELETE", headers: bearer });
    expect(response.status).toBe(404);
    expect(response.headers.get("allow")).toBeNull();
    expect(await response.json()).toEqual({ code: "not_found", detail: "No operation DELETE /tool-packs/x/y/z/ in this API." });
  });

  it("logs one line per request, when its answer is finished: the caller's request id, method, whole URL, status and time, and no header", async () => {
    const id = `entrance-${Date.now()}`;
    const response = await fetch(`${server.url}/merge/tool-packs/?page_size=2`, { headers: { ...bearer, "x-request-id": id } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const lines = linesOf(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "request completed", req: { id, method: "GET", url: "/merge/tool-packs/?page_size=2" }, res: { statusCode: 200 } });
    expect(lines[0]!.responseTime).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(lines[0])).not.toContain(mergeKey!.key);
  });

  it("gives a request without an id one of its own, different each time, and logs admin and unmounted paths too", async () => {
    const before = server.logs.length;
    expect((await fetch(`${server.url}/__admin/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    const completed = server.logs.slice(before).map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg === "request completed");
    expect(completed.map((l) => [l.req?.url, l.res?.statusCode])).toEqual([["/__admin/health", 200], ["/nowhere", 404]]);
    const [first, second] = completed.map((l) => l.req!.id);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
  });

  it("ignores a request id over 128 characters and uses one of its own", async () => {
    const long = "x".repeat(129);
    const before = server.logs.length;
    await (await fetch(`${server.url}/merge/tool-packs/`, { headers: { ...bearer, "x-request-id": long } })).arrayBuffer();
    const completed = server.logs.slice(before).map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg === "request completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.req!.id).not.toBe(long);
  });
});
