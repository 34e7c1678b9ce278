import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { startHostileAgentServer, type HostileAgentServer, type HostileBehaviour } from "./support/hostileAgentServer.js";
import { canary, disclosures, evalstudioAttacker } from "./support/evalstudioAttacker.js";

/**
 * Issue 14: an EvalStudio connector's header values are secrets that may leave the server only
 * towards the origin they were stored for, and never come back through the API's answers.
 */
describe("EvalStudio header secrets cannot be read back through agent calls", () => {
  let server: TestServer;
  let attacker: ReturnType<typeof evalstudioAttacker>;
  let behaviour: HostileBehaviour = { kind: "echoHeadersAsError" };
  let trusted: HostileAgentServer;
  let echoing: HostileAgentServer;

  beforeAll(async () => {
    [server, trusted, echoing] = await Promise.all([
      startTestServer({ env: { CONNECTOR_TIMEOUT_MS: "5000" } }),
      startHostileAgentServer(() => ({ kind: "echoHeadersAsMessage" })),
      startHostileAgentServer(() => behaviour),
    ]);
    attacker = evalstudioAttacker(server.apiUrls.evalstudio!);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), trusted?.close(), echoing?.close()]);
  });

  it("the three-request read-back (create with a secret, PUT only a new baseUrl, invoke) sends and returns no secret", async () => {
    const secret = canary("readback");
    const id = await attacker.createConnector("read-back", trusted.url, { "X-API-Key": secret });
    const moved = await attacker.update(id, { baseUrl: echoing.url });
    expect(moved.status).toBe(200);
    expect(moved.json.headers).toBeUndefined(); // the answer says the values were dropped
    behaviour = { kind: "echoHeadersAsError" };
    const before = echoing.received.length;
    const invoked = await attacker.invoke(id);
    const tested = await attacker.test(id);
    expect(echoing.received.length).toBe(before + 2);
    for (const headers of echoing.received.slice(before)) expect(disclosures(JSON.stringify(headers), secret)).toEqual([]);
    expect(disclosures(invoked, secret)).toEqual([]);
    expect(disclosures(tested, secret)).toEqual([]);
  });

  it("a PUT that moves baseUrl to another origin with the masked values is refused with what to do", async () => {
    const secret = canary("masked-move");
    const id = await attacker.createConnector("masked move", trusted.url, { "X-API-Key": secret });
    const read = await attacker.send("GET", `/connectors/${id}`);
    for (const baseUrl of [echoing.url, trusted.url.replace("http:", "https:"), trusted.url.replace("127.0.0.1", "localhost")]) {
      const moved = await attacker.update(id, { baseUrl, headers: read.json.headers });
      expect(moved.status).toBe(400);
      expect(moved.json).toEqual({ error: expect.stringMatching(/^Send the header values again: stored values are bound to the old origin/) });
    }
    // The refused moves changed nothing: the value still goes to the origin it was stored for.
    await attacker.invoke(id);
    expect(trusted.received.at(-1)?.["x-api-key"]).toBe(secret);
  });

  it("a same-origin PUT (new path, masked values) keeps the stored values, as before", async () => {
    const secret = canary("same-origin");
    const id = await attacker.createConnector("same origin", trusted.url, { "X-API-Key": secret });
    const read = await attacker.send("GET", `/connectors/${id}`);
    const moved = await attacker.update(id, { baseUrl: `${trusted.url}/`, headers: read.json.headers, name: "same origin renamed" });
    expect(moved.status).toBe(200);
    await attacker.invoke(id);
    expect(trusted.received.at(-1)?.["x-api-key"]).toBe(secret);
  });

  it.each<[string, HostileBehaviour]>([
    ["an error body (error and rawResponse)", { kind: "echoHeadersAsError" }],
    ["the agent's message and role", { kind: "echoHeadersAsMessage" }],
  ])("an allowed upstream that echoes the headers in %s, verbatim, base64, hex or URL-encoded, gets none back to the caller", async (_where, b) => {
    behaviour = b;
    const secret = canary("echo");
    const id = await attacker.createConnector(`echo ${_where}`, echoing.url, { Authorization: `Bearer ${secret}`, "X-Tenant-Token": secret });
    const invoked = await attacker.invoke(id);
    const tested = await attacker.test(id);
    expect(echoing.received.at(-1)?.["x-tenant-token"]).toBe(secret); // it did receive the secret
    expect(invoked.status).toBe(200);
    expect(disclosures(invoked, secret)).toEqual([]);
    expect(disclosures(tested, secret)).toEqual([]);
    expect(invoked.text).toContain("********"); // the echo is there, masked
  });

  it.each(["toString", "constructor", "__proto__", "hasOwnProperty"])("a masked header named %s keeps its stored value, and one never stored does not take a prototype's", async (name) => {
    const secret = canary(`proto-${name}`);
    const id = await attacker.createConnector(`proto ${name}`, trusted.url, { [name]: secret });
    // Raw JSON, so `__proto__` is a key of the body and not the prototype of a literal.
    const kept = await attacker.update(id, `{"name": "proto ${name} renamed", "headers": {"${name}": "********"}}`);
    expect(kept.status).toBe(200);
    await attacker.invoke(id);
    expect(trusted.received.at(-1)?.[name.toLowerCase()]).toBe(secret);

    const other = await attacker.createConnector(`proto ${name} unset`, trusted.url, { "X-Other": canary("other") });
    const unset = await attacker.update(other, `{"headers": {"X-Other": "********", "${name}": "********"}}`);
    expect(unset.status).toBe(200);
    await attacker.invoke(other);
    const sent = trusted.received.at(-1)!;
    expect(sent[name.toLowerCase()]).toBe("********"); // never stored: the value sent is what was PUT
    expect(sent["x-other"]).toMatch(/^other\//);
  });

  it.each([
    ["a query that turns the path suffix into a query string", (url: string) => `${url}/vern/connections?`],
    ["a fragment", (url: string) => `${url}/#`],
    ["a query with a credential", (url: string) => `${url}/?api_key=sk-live-123456`],
    ["userinfo", (url: string) => url.replace("http://", "http://admin:sk-live-123456@")],
    ["a scheme other than http(s)", () => "file:///etc/passwd"],
  ])("a baseUrl with %s is refused at create and at update with the API's 400", async (_what, baseUrlOf) => {
    const baseUrl = baseUrlOf(server.url);
    const created = await attacker.send("POST", "/connectors", { name: `bad url ${_what}`, type: "langgraph", baseUrl });
    expect(created.status).toBe(400);
    expect(created.json).toEqual({ error: expect.stringMatching(/^Base URL must/) });
    expect(created.text).not.toContain("sk-live-123456");
    const id = await attacker.createConnector(`good url ${_what}`, trusted.url);
    const updated = await attacker.update(id, { baseUrl });
    expect(updated.status).toBe(400);
    expect(updated.json).toEqual({ error: expect.stringMatching(/^Base URL must/) });
  });
});
