import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A child server starts in seconds, but in over a minute on a loaded two-core machine (measured at load 36). */
const CHILD_TEST_TIMEOUT_MS = 240_000;
import { sendRaw } from "../hardening/support/rawHttp.js";
import { eventually, startTestServer, type TestServer } from "../support/testServer.js";
import { startChildServer } from "../hardening/support/childServer.js";

/**
 * /__admin lists every dev key and resets the data: it must answer only its own origin, at the
 * addresses it listens on. Each attack below is sent as a browser or a rebinding page would send
 * it, over real HTTP; each refusal is paired with the same request, made legitimately, succeeding.
 */
describe("/__admin answers its own origin only", () => {
  let server: TestServer;
  let host: string;
  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
  });
  afterAll(async () => server?.stop());

  const get = (path: string, headers: Array<[string, string]> = []) => sendRaw(server.url, { method: "GET", path, headers: [["host", host], ...headers] });
  const post = (path: string, headers: Array<[string, string]>, body = "") =>
    sendRaw(server.url, { method: "POST", path, headers: [["host", host], ...headers], body: Buffer.from(body) });

  it("lists the APIs to a same-origin caller (the legitimate case)", async () => {
    const answer = await get("/__admin", [["origin", `http://${host}`], ["sec-fetch-site", "same-origin"]]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).apis.vern.keys.length).toBeGreaterThan(0);
  });

  it.each([
    ["a foreign Origin", [["origin", "http://evil.example"]]],
    ["another port of localhost (same-site, not same-origin)", [["origin", "http://127.0.0.1:5173"]]],
    ["Origin: null (a sandboxed page or a redirect)", [["origin", "null"]]],
    ["Sec-Fetch-Site: cross-site", [["sec-fetch-site", "cross-site"]]],
    ["Sec-Fetch-Site: same-site", [["sec-fetch-site", "same-site"]]],
  ] as Array<[string, Array<[string, string]>]>)("refuses a request from %s with 403 and no data", async (_name, headers) => {
    const answer = await get("/__admin", headers);
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain("keys");
    expect(JSON.parse(answer.body)).toHaveProperty("error");
  });

  it("sends no CORS headers on /__admin, not even to a preflight", async () => {
    const preflight = await sendRaw(server.url, {
      method: "OPTIONS",
      path: "/__admin/reset",
      headers: [["host", host], ["origin", "http://evil.example"], ["access-control-request-method", "POST"], ["access-control-request-headers", "content-type"]],
    });
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
    const plain = await get("/__admin");
    expect(Object.keys(plain.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
    // API routes keep theirs: the difference is the admin path, not the server.
    const api = await sendRaw(server.url, { method: "GET", path: "/vern/migrations", headers: [["host", host], ["origin", "http://evil.example"]] });
    expect(api.headers["access-control-allow-origin"]).toBe("http://evil.example");
  });

  it.each([
    ["text/plain", [["content-type", "text/plain"]]],
    ["a form", [["content-type", "application/x-www-form-urlencoded"]]],
    ["multipart", [["content-type", "multipart/form-data; boundary=x"]]],
    ["no Content-Type at all", []],
  ] as Array<[string, Array<[string, string]>]>)("refuses a simple-request reset sent as %s (415), and the data stays", async (_name, headers) => {
    const created = await createProject();
    const answer = await post("/__admin/reset", headers, "{}");
    expect(answer.status).toBe(415);
    expect(await projectExists(created)).toBe(true);
  });

  it("resets with Content-Type: application/json or the X-Admin-Request header", async () => {
    for (const headers of [[["content-type", "application/json"]], [["x-admin-request", "1"]]] as Array<Array<[string, string]>>) {
      const created = await createProject();
      expect((await post("/__admin/reset", headers, "{}")).status).toBe(200);
      expect(await projectExists(created)).toBe(false);
    }
  });

  it("is /__admin in lower case only: /__ADMIN and /__Admin are ordinary 404s that list nothing", async () => {
    for (const path of ["/__ADMIN", "/__Admin/", "/__ADMIN/health"]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain("keys");
    }
    const reset = await post("/__ADMIN/reset", [["content-type", "application/json"]], "{}");
    expect(reset.status).toBe(404);
  });

  it.each(["evil.example", `attacker.example:${"PORT"}`, "localhost.evil.example", "127.0.0.1:1"])(
    "refuses Host %s with 403 (DNS rebinding)",
    async (badHost) => {
      const port = new URL(server.url).port;
      const answer = await sendRaw(server.url, { method: "GET", path: "/__admin", headers: [["host", badHost.replace("PORT", port)]] });
      expect(answer.status).toBe(403);
      expect(answer.body).not.toContain("keys");
    },
  );

  it.each(["127.0.0.1", "localhost", "[::1]"])("accepts Host %s with the port it listens on", async (name) => {
    const port = new URL(server.url).port;
    const answer = await sendRaw(server.url, { method: "GET", path: "/__admin/health", headers: [["host", `${name}:${port}`]] });
    expect(answer.status).toBe(200);
  });

  /** A project made through EvalStudio's API (no key needed): its name is what a reset would remove. */
  async function createProject(): Promise<string> {
    const name = `kept-or-reset-${Math.random().toString(36).slice(2)}`;
    const answer = await fetch(`${server.apiUrls.evalstudio}/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    expect(answer.status, await answer.clone().text()).toBe(201);
    return name;
  }

  async function projectExists(name: string): Promise<boolean> {
    const answer = await fetch(`${server.apiUrls.evalstudio}/projects`);
    expect(answer.status).toBe(200);
    return (await answer.text()).includes(name);
  }
});

describe("/__admin off loopback", () => {
  it("needs the admin token that the start prints, and warns in one line that the server is reachable", async () => {
    // Bound to every address; the test still talks to 127.0.0.1 only.
    const child = await startChildServer({ HOST: "0.0.0.0", PGLITE_DIR: "memory" }, 180_000);
    try {
      const token = /admin token (\S+)/.exec(child.output())?.[1];
      expect(token, child.output()).toMatch(/^[\w-]{20,}$/);
      // stderr may arrive after the banner on stdout.
      const warnings = await eventually(
        async () => child.output().split("\n").filter((line) => /^warning:/.test(line)),
        (lines) => lines.length > 0,
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("0.0.0.0");
      const port = new URL(child.url).port;
      const local = `http://127.0.0.1:${port}`;
      const without = await fetch(`${local}/__admin`);
      expect(without.status).toBe(401);
      expect(await without.text()).not.toContain("keys");
      expect((await fetch(`${local}/__admin`, { headers: { authorization: "Bearer wrong-token-of-some-length" } })).status).toBe(401);
      const withToken = await fetch(`${local}/__admin`, { headers: { authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(200);
    } finally {
      await child.kill("SIGTERM");
    }
  }, CHILD_TEST_TIMEOUT_MS);

  it("uses ADMIN_TOKEN when set, without printing it, and prints no warning on loopback", async () => {
    const child = await startChildServer({ ADMIN_TOKEN: "operator-chosen-admin-token", PGLITE_DIR: "memory" }, 180_000);
    try {
      expect(child.output()).not.toContain("operator-chosen-admin-token");
      expect(child.output()).not.toMatch(/^warning:/m);
      expect((await fetch(`${child.url}/__admin`)).status).toBe(401);
      expect((await fetch(`${child.url}/__admin`, { headers: { authorization: "Bearer operator-chosen-admin-token" } })).status).toBe(200);
    } finally {
      await child.kill("SIGTERM");
    }
  }, CHILD_TEST_TIMEOUT_MS);
});
