import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable } from "../../src/contracts/operationTable.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { exampleRequests, type ExampleRequest } from "./support/exampleRequests.js";

/** The credential headers of an API, from its contract's security scheme and its first dev key. */
function authHeaders(api: ApiName): Record<string, string> {
  const schemes = (loadSpec(api).components?.securitySchemes ?? {}) as Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
  const keys = JSON.parse(readFileSync(new URL(`../../fixtures/${api}/keys.json`, import.meta.url), "utf8")) as Array<{ key: string }>;
  const key = keys[0]?.key;
  const headers: Record<string, string> = {};
  for (const scheme of Object.values(schemes)) {
    if (!key) continue;
    if (scheme.type === "apiKey" && scheme.in === "header" && scheme.name) headers[scheme.name] = key;
    if (scheme.type === "http" && scheme.scheme === "bearer") headers.authorization = `Bearer ${key}`;
  }
  return headers;
}

/** Short, so the 408 row below is answered quickly; every other request's body is sent at once. */
const BODY_TIMEOUT_MS = 2_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) } });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

async function send(api: ApiName, request: ExampleRequest, init: RequestInit = {}): Promise<Response> {
  const query = request.query.size > 0 ? `?${request.query}` : "";
  return fetch(`${server.url}/${api}${request.path}${query}`, {
    method: request.operation.method.toUpperCase(),
    ...init,
    headers: { ...authHeaders(api), ...(request.body !== undefined ? { "content-type": "application/json" } : {}), ...(init.headers as Record<string, string>) },
    body: init.body ?? (request.body !== undefined ? JSON.stringify(request.body) : undefined),
  });
}

/**
 * Sends the request's headers with a Content-Length, and then no body: the client whose body never
 * arrives (fetch cannot send a head without its body, and undici gives up on an answer that comes
 * while it is still sending).
 */
function sendHeadersOnly(api: ApiName, example: ExampleRequest): Promise<Response> {
  const query = example.query.size > 0 ? `?${example.query}` : "";
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}/${api}${example.path}${query}`, {
      method: example.operation.method.toUpperCase(),
      headers: { ...authHeaders(api), "content-type": "application/json", "content-length": "100" },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        req.destroy();
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: res.headers as Record<string, string> }));
      });
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}

/**
 * What Specmatic's, Portman's and Dredd's example tests do against `npm start`: each documented
 * operation, driven with the contract's own examples against the seed data, gets a documented
 * 2xx. The seed is reloaded before each request, so no request depends on another's effect.
 */
describe.each(API_NAMES)("%s: the contract's examples succeed against the seeded reference server", (api) => {
  // Every example, none excluded: the seed holds each state an example needs (a running and a
  // paused Wexa execution, Vern runs awaiting approval and blocked for credentials or a question).
  const requests = exampleRequests(loadSpec(api));
  it.each(requests.map((r) => [`${r.operation.ref} ${r.operation.operationId} [${r.name}]`, r] as const))("%s", async (_title, request) => {
    // The admin guard takes a change of state only as JSON (not a browser's simple request).
    const reset = await fetch(`${server.url}/__admin/reset`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(reset.status).toBe(200);
    const response = await send(api, request);
    const text = await response.text();
    expect(request.successes, `${response.status} ${text}`).toContain(String(response.status));
  });
});

/**
 * The answers the server gives before any operation runs (an unknown method on a known path, a
 * body that does not arrive in time, a body too large, a body in an encoding it cannot read) are
 * documented on the operations, with the API's error body, so a tool that sends them finds them in
 * the contract.
 */
describe.each(API_NAMES)("%s: the server's own 405, 408, 413 and 415 answers are documented", (api) => {
  const spec = loadSpec(api);
  const validator = new SpecSchemaValidator(spec);
  const withBody = exampleRequests(spec).find((r) => r.body !== undefined)!;
  // A path without parameters, so the PUT cannot match another path's template instead.
  const pathWithoutPut = operationTable(spec).find((op) => !op.path.includes("{") && !spec.paths[op.path]?.put)!;

  const refusals: Array<[string, () => { request: ExampleRequest; init: RequestInit }]> = [
    ["408", () => ({ request: withBody, init: {} })],
    ["405", () => ({ request: { ...exampleRequests(spec).find((r) => r.operation.path === pathWithoutPut.path)!, body: undefined }, init: { method: "PUT" } })],
    ["413", () => ({ request: withBody, init: { body: JSON.stringify({ padding: "x".repeat(1_100_000) }) } })],
    ["415", () => ({ request: withBody, init: { headers: { "content-encoding": "x-unknown" } } })],
  ];
  it.each(refusals)("%s: answered, documented on the operation, and in the API's error body", async (status, build) => {
    const { request, init } = build();
    const response = status === "408" ? await sendHeadersOnly(api, request) : await send(api, request, init);
    const body = await response.json();
    expect(response.status).toBe(Number(status));
    const documented = operationTable(spec).filter((op) => op.path === request.operation.path).map((op) => op.responses[status]);
    for (const response of documented) {
      expect(response?.schemaPointer).toBeDefined();
      expect(validator.validate(response!.schemaPointer!, body)).toEqual([]);
    }
    if (status === "405") expect(response.headers.get("allow")).toMatch(/GET|POST/);
  });
});
