import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable } from "../../src/contracts/operationTable.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { errorShapeProblem, jsonOrUndefined, primaryCredential } from "./support/apiFacts.js";
import { startPinger, type PingReport } from "./support/pinger.js";
import { rawExchange, sendRaw, stalledConnection, statusOf, type RawResponse } from "./support/rawHttp.js";

/**
 * Requests that try the server's limits: bodies over BODY_LIMIT_BYTES, bodies that do not arrive
 * within BODY_TIMEOUT_MS, requests that stall half sent, too many query parameters or headers, and broken HTTP framing. Each is refused cleanly,
 * and a client in the background ("the others") is answered all along.
 */
const BODY_LIMIT = 64 * 1024;
/** Short, so a stalled body is answered well before Node's own requestTimeout would cut it. */
const BODY_TIMEOUT_MS = 1_000;
/** startServer's headersTimeout (Node cuts a head that stalls; no API has seen the request yet). */
const HEADERS_TIMEOUT_MS = 10_000;
/** Node checks those timeouts every connectionsCheckingInterval (startServer sets 1 s), so a cut comes a little late. */
const CHECK_SLACK_MS = 5_000;

/** [header, value] of each API's first dev key, e.g. ["authorization", "Bearer ah_…"]. */
const [vernKeyHeader, vernKey] = primaryCredential("vern")!;
const [mergeKeyHeader, mergeKey] = primaryCredential("merge")!;

/** The path of the first POST of an API that takes a JSON body and has no path parameters. */
function postWithBody(api: ApiName): string {
  const operation = operationTable(loadSpec(api)).find((op) => op.method === "post" && op.requestBody && !op.path.includes("{"));
  if (!operation) throw new Error(`${api} has no POST with a body and no path parameters`);
  return operation.path;
}

/** A raw HTTP/1.1 answer's status, headers (lower-cased names) and body, as read off a socket. */
function parseRawAnswer(raw: string): RawResponse {
  const [head = "", body = ""] = raw.split("\r\n\r\n", 2);
  const headers = Object.fromEntries(head.split("\r\n").slice(1).map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { status: statusOf(raw), headers, body: Buffer.from(body, "latin1").toString("utf8"), ms: 0 };
}

function expectErrorBody(api: ApiName, answer: RawResponse, status: number) {
  expect(answer.status, answer.body.slice(0, 200)).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(errorShapeProblem(api, jsonOrUndefined(answer.body))).toBeUndefined();
}

describe("request limits of the reference server", () => {
  let server: TestServer;
  let others: { stop: () => Promise<PingReport> };

  beforeAll(async () => {
    server = await startTestServer({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) } });
    // The others: a client that lists Vern's sources (auth, rate limit, database) all through the file.
    others = startPinger(() => fetch(`${server.apiUrls.vern}/sources`, { headers: { [vernKeyHeader]: vernKey }, signal: AbortSignal.timeout(5_000) }));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const mount = (api: ApiName) => new URL(server.apiUrls[api]!).pathname;
  const headersFor = (api: ApiName, extra: Array<[string, string]> = []): Array<[string, string]> => {
    const credential = primaryCredential(api);
    return [...(credential ? [credential] : []), ["content-type", "application/json"], ...extra];
  };

  it.each(API_NAMES)("refuses a %s body over BODY_LIMIT_BYTES with 413 in the API's error body, declared or chunked", async (api) => {
    const body = Buffer.from(JSON.stringify({ name: "a".repeat(BODY_LIMIT) }));
    const path = `${mount(api)}${postWithBody(api)}`;
    const declared = await sendRaw(server.url, { method: "POST", path, headers: headersFor(api), body });
    expectErrorBody(api, declared, 413);
    const chunked = await sendRaw(server.url, { method: "POST", path, headers: headersFor(api, [["transfer-encoding", "chunked"]]), body });
    expectErrorBody(api, chunked, 413);
    const tenMegabytes = await sendRaw(server.url, { method: "POST", path, headers: headersFor(api), body: Buffer.alloc(10 * 1024 * 1024, 0x61) }, { timeoutMs: 30_000 });
    expectErrorBody(api, tenMegabytes, 413);
    console.log(`[limits] ${api} POST ${postWithBody(api)}: ${body.length} bytes → 413 in ${declared.ms.toFixed(0)} ms (declared), ${chunked.ms.toFixed(0)} ms (chunked); 10 MB → 413 in ${tenMegabytes.ms.toFixed(0)} ms`);
  });

  it.each(API_NAMES)("answers a %s body that is announced but never sent with 408 in the API's error body, and closes the connection", async (api) => {
    const path = `${mount(api)}${postWithBody(api)}`;
    const head = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", ...headersFor(api).map(([name, value]) => `${name}: ${value}`), "Content-Length: 100", "", ""].join("\r\n");
    const outcome = await stalledConnection(server.url, head, BODY_TIMEOUT_MS + CHECK_SLACK_MS).outcome;
    expect(outcome.closedBy, "the server ends the connection (the rest of the body must not be read as a request)").toBe("server");
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 100);
    const answer = parseRawAnswer(outcome.received);
    expectErrorBody(api, answer, 408);
    expect(answer.headers.connection).toBe("close");
    console.log(`[limits] ${api} POST ${postWithBody(api)} with Content-Length: 100 and no body → 408 ${answer.body} after ${outcome.closedAfterMs.toFixed(0)} ms (BODY_TIMEOUT_MS ${BODY_TIMEOUT_MS})`);
  });

  it("cuts off requests that stall half sent (headers or body) and connections that send nothing, and answers other requests at once meanwhile", async () => {
    const path = `${mount("vern")}/migrations`;
    const halfHeaders = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${vernKeyHeader}: ${vernKey}\r\nContent-Type: application/js`;
    const halfBody = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${vernKeyHeader}: ${vernKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"stal`;
    const giveUp = HEADERS_TIMEOUT_MS + CHECK_SLACK_MS;
    const stalls = [
      ...Array.from({ length: 10 }, () => ({ kind: "headers", ...stalledConnection(server.url, halfHeaders, giveUp) })),
      ...Array.from({ length: 10 }, () => ({ kind: "body", ...stalledConnection(server.url, halfBody, giveUp) })),
      ...Array.from({ length: 10 }, () => ({ kind: "nothing", ...stalledConnection(server.url, "", giveUp) })),
    ];
    await Promise.all(stalls.map((s) => s.opened));

    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await sendRaw(server.url, { method: "POST", path, headers: headersFor("vern"), body: Buffer.from(JSON.stringify({ name: `meanwhile ${i}` })) });
      expect(answer.status).toBe(201);
      latencies.push(answer.ms);
    }
    const slowest = Math.max(...latencies);
    // Blocked behind a stall would mean waiting for its timeout (10 s or more).
    expect(slowest).toBeLessThan(2_000);

    const outcomes = await Promise.all(stalls.map(async (s) => ({ kind: s.kind, ...(await s.outcome) })));
    for (const outcome of outcomes) {
      expect(outcome.closedBy, `${outcome.kind} stall`).toBe("server");
      expect(statusOf(outcome.received), `${outcome.kind} stall answer: ${outcome.received.slice(0, 80)}`).toBe(408);
      // A stalled body reached Vern's route, which answers in Vern's error body; a stalled head reached no API.
      if (outcome.kind === "body") expectErrorBody("vern", parseRawAnswer(outcome.received), 408);
    }
    const after = (kind: string) => outcomes.filter((o) => o.kind === kind).map((o) => o.closedAfterMs);
    const span = (ms: number[]) => `${(Math.min(...ms) / 1000).toFixed(1)}–${(Math.max(...ms) / 1000).toFixed(1)} s`;
    // Node times the headers from the connection's start: one that sends nothing is cut like a half-sent head.
    for (const ms of [...after("headers"), ...after("nothing")]) expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 500);
    for (const ms of after("body")) expect(ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 100);
    console.log(
      `[limits] 10 half-sent headers cut after ${span(after("headers"))} (headersTimeout ${HEADERS_TIMEOUT_MS / 1000} s), ` +
        `10 half-sent bodies after ${span(after("body"))} (BODY_TIMEOUT_MS ${BODY_TIMEOUT_MS / 1000} s), all with 408; ` +
        `10 connections that sent nothing cut after ${span(after("nothing"))} with 408; ` +
        `meanwhile 20 creates answered in ≤ ${slowest.toFixed(0)} ms`,
    );
  }, 90_000);

  it.each(API_NAMES)("refuses a %s body nested deeper than 100 levels with 400 in the API's error body, and one nested 30,000 levels deep (within the body limit) too", async (api) => {
    const path = `${mount(api)}${postWithBody(api)}`;
    const nested = (levels: number, inner = "1") => Buffer.from(`${'{"a":'.repeat(levels)}${inner}${"}".repeat(levels)}`);
    for (const [what, body] of [
      ["101 objects", nested(101)],
      ["30,000 arrays", Buffer.from(`${"[".repeat(30_000)}${"]".repeat(30_000)}`)],
      ["10,000 objects", nested(10_000)],
    ] as const) {
      const answer = await sendRaw(server.url, { method: "POST", path, headers: headersFor(api), body });
      expectErrorBody(api, answer, 400);
      console.log(`[limits] ${api} POST ${postWithBody(api)}: ${what} (${body.length} bytes) → 400 in ${answer.ms.toFixed(0)} ms`);
    }
    // 100 levels are within the limit: whatever the contract makes of them, the answer is a 4xx of its own, not the depth refusal or a 5xx.
    const within = await sendRaw(server.url, { method: "POST", path, headers: headersFor(api), body: nested(99) });
    expect(within.status).toBeLessThan(500);
    expect(within.body).not.toContain("nested deeper");
  });

  it("refuses a request with more query parameters than it reads, rather than ignoring the ones past the limit", async () => {
    // 1,500 unknown parameters, then a documented one with an invalid value: the answer must not be a 200 that never saw it.
    const junk = Array.from({ length: 1_500 }, (_, i) => `p${i}=1`).join("&");
    const answer = await sendRaw(server.url, { method: "GET", path: `${mount("merge")}/tool-packs/?${junk}&page_size=0`, headers: [[mergeKeyHeader, mergeKey]] });
    console.log(`[limits] 1,500 query parameters + page_size=0 (${junk.length} bytes of query) → ${answer.status} in ${answer.ms.toFixed(0)} ms`);
    expect(answer.status, answer.body.slice(0, 200)).toBe(400);
    expect(errorShapeProblem("merge", jsonOrUndefined(answer.body))).toBeUndefined();
  });

  it("refuses a URL or headers over 16 KB with 431 and closes that connection", async () => {
    const longQuery = Array.from({ length: 4_000 }, (_, i) => `p${i}=1`).join("&");
    const longUrl = await rawExchange(server.url, `GET ${mount("merge")}/tool-packs/?${longQuery} HTTP/1.1\r\nHost: x\r\n${mergeKeyHeader}: ${mergeKey}\r\n\r\n`);
    const manyHeaders = Array.from({ length: 3_000 }, (_, i) => `x-h${i}: 1\r\n`).join("");
    const tooManyHeaders = await rawExchange(server.url, `GET ${mount("merge")}/tool-packs/ HTTP/1.1\r\nHost: x\r\n${manyHeaders}${mergeKeyHeader}: ${mergeKey}\r\n\r\n`);
    for (const [what, outcome] of [["URL", longUrl], ["headers", tooManyHeaders]] as const) {
      expect(statusOf(outcome.received), what).toBe(431);
      expect(outcome.closedBy, what).toBe("server");
    }
    console.log(`[limits] a ${longQuery.length}-byte query and 3,000 headers (${manyHeaders.length} bytes) → 431, connection closed (Node's 16 KB header limit; the body is empty, not an API error body)`);
  });

  it("reads at most 2,000 headers (Node's maxHeadersCount): a credential sent after 2,100 small ones is refused as missing, in the API's error body", async () => {
    const filler: Array<[string, string]> = Array.from({ length: 2_100 }, () => ["x", "1"]);
    const answer = await sendRaw(server.url, { method: "GET", path: `${mount("merge")}/tool-packs/`, headers: [...filler, [mergeKeyHeader, mergeKey]] });
    expectErrorBody("merge", answer, 401);
    const first = await sendRaw(server.url, { method: "GET", path: `${mount("merge")}/tool-packs/`, headers: [[mergeKeyHeader, mergeKey], ...filler] });
    expect(first.status).toBe(200);
    console.log(`[limits] 2,101 headers: credential last → 401 (dropped past 2,000), credential first → 200`);
  });

  it.each([
    ["two different Content-Lengths", "POST /evalstudio/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"],
    ["Content-Length with Transfer-Encoding (request smuggling)", "POST /evalstudio/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    ["a chunk size that is not hex", "POST /evalstudio/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"],
    ["an unknown method", "BREW /evalstudio/projects HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a control character in a header", "GET /evalstudio/projects HTTP/1.1\r\nHost: x\r\nX-A: b\u0001c\r\n\r\n"],
    ["a space in the request target", "GET /evalstudio/pro jects HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a TLS ClientHello on the plain port", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003"],
  ])("refuses broken HTTP framing (%s) with 400 and closes that connection", async (_what, bytes) => {
    const outcome = await rawExchange(server.url, Buffer.from(bytes, "latin1"));
    expect(statusOf(outcome.received), outcome.received.slice(0, 80)).toBe(400);
    expect(outcome.closedBy).toBe("server");
  });

  it("answered the other client all along", async () => {
    const report = await others.stop();
    console.log(`[limits] the other client: ${report.answered} answers, ${report.failures.length} failures, latency p50 ${report.p50.toFixed(0)} ms, p99 ${report.p99.toFixed(0)} ms, max ${report.max.toFixed(0)} ms`);
    expect(report.failures).toEqual([]);
    expect(report.answered).toBeGreaterThan(20);
    const health = await fetch(`${server.url}/__admin/health`);
    expect(health.status).toBe(200);
  });
});
