import { flatten, schemaAt, type SchemaNode } from "../../../src/conformance/checks/schemaShapes.js";
import type { ApiName } from "../../../src/contracts/apiNames.js";
import { loadSpec, type OpenApiDocument } from "../../../src/contracts/loadSpec.js";
import { operationTable, type OperationSpec } from "../../../src/contracts/operationTable.js";
import type { RunOptions } from "../../../src/conformance/options.js";
import type { Fault, ProxiedRequest, ProxiedResponse, RawHeaders } from "./faultyServer.js";

/**
 * One deliberately broken server: the fault the proxy plants, and the check of the suite that
 * must report it. `fault` is a factory, so a fault that keeps state starts afresh on every run.
 */
export type FaultCase = {
  name: string;
  api: ApiName;
  /** What the broken server does, as a person would describe the bug. */
  description: string;
  /** The `check` of the finding that proves the suite caught it. */
  expectedCheck: string;
  /**
   * The other checks whose requests the fault shows in (the API's prepare always runs). The test
   * runs only these and expectedCheck, to stay fast; CC_MUTATION_FULL_RUNS=1 runs every check.
   */
  needs?: string[];
  /** Run options on top of the test's (keys, URL, pace); `langgraph` aims EvalStudio's agent flow at a real LangGraph server. */
  runOptions?: Partial<Omit<RunOptions, "api" | "baseUrl" | "fetch" | "onProgress" | "primaryKey" | "secondaryKey">> & { langgraph?: boolean };
  fault: () => Fault;
  /**
   * A fault the suite is known to miss, and why: the test then expects it missed (and fails once
   * the suite catches it, so the mark is removed), and the score counts it as missed.
   */
  knownGap?: string;
};

export type Matcher = (request: ProxiedRequest) => boolean;

/** Requests with this method whose path (without query) matches. */
export function route(method: string, path: RegExp): Matcher {
  return (request) => request.method === method && path.test(pathOf(request));
}

/** Forwards every request; the answers of matching requests go through `rewrite` first. */
export function rewriteAnswer(matches: Matcher, rewrite: (answer: ProxiedResponse, request: ProxiedRequest) => ProxiedResponse | Promise<ProxiedResponse>): Fault {
  return async (request, forward) => {
    const answer = await forward(request);
    return matches(request) ? rewrite(answer, request) : answer;
  };
}

/** Matching requests are changed before they are forwarded. */
export function rewriteRequest(matches: Matcher, rewrite: (request: ProxiedRequest) => ProxiedRequest): Fault {
  return (request, forward) => forward(matches(request) ? rewrite(request) : request);
}

/** Matching requests are answered by the proxy alone, never reaching the server. */
export function answerInstead(matches: Matcher, make: (request: ProxiedRequest) => ProxiedResponse): Fault {
  return (request, forward) => (matches(request) ? Promise.resolve(make(request)) : forward(request));
}

/**
 * A rate limiter that counts consecutive GETs of one path (what the rate-limit probe's burst looks
 * like; no flow reads one list five times in a row) and answers 429 with `body` past five.
 */
export function burstLimiter(path: RegExp, body: unknown, limit = 5): Fault {
  let inARow = 0;
  return (request, forward) => {
    inARow = route("GET", path)(request) ? inARow + 1 : 0;
    return inARow > limit ? Promise.resolve(answer(429, body)) : forward(request);
  };
}

// --- messages ----------------------------------------------------------------------------------

export function header(message: { headers: RawHeaders }, name: string): string | undefined {
  return message.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** The headers with `name` set to `value` in place (every earlier value replaced), or removed when value is undefined. */
export function withHeader(headers: RawHeaders, name: string, value: string | undefined): RawHeaders {
  const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
  const kept = headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  if (value === undefined) return kept;
  if (at < 0) return [...kept, [name, value]];
  kept.splice(at, 0, [headers[at]![0], value]);
  return kept;
}

/** The path of a request, without its query. */
export function pathOf(request: ProxiedRequest): string {
  return request.url.split("?")[0]!;
}

/** A GET of `path` (by default the request's own) with the request's credentials and no body: a fault looks before it acts. */
export function readOf(request: ProxiedRequest, path = pathOf(request)): ProxiedRequest {
  return { method: "GET", url: path, headers: request.headers.filter(([name]) => !/^content-/i.test(name)), body: Buffer.alloc(0) };
}

/** The JSON body of a message, or undefined when it is not JSON. */
export function jsonOf<T = any>(message: { body: Buffer }): T | undefined {
  try {
    return JSON.parse(message.body.toString("utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The message with a new JSON body (the proxy sets a truthful Content-Length). */
export function withJson<M extends { body: Buffer }>(message: M, value: unknown): M {
  return { ...message, body: Buffer.from(JSON.stringify(value)) };
}

/** An answer the proxy makes up by itself (JSON unless told otherwise; no body when value is undefined). */
export function answer(status: number, value?: unknown, contentType = "application/json; charset=utf-8"): ProxiedResponse {
  if (value === undefined) return { status, headers: [], body: Buffer.alloc(0) };
  const body = Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
  return { status, headers: [["Content-Type", contentType], ["Content-Length", String(body.length)]], body };
}

// --- credentials -------------------------------------------------------------------------------

/** The key a request carries, as the API expects it (undefined: none, or not in the API's form). */
export function credentialOf(api: ApiName, request: ProxiedRequest): string | undefined {
  if (api === "merge") return header(request, "authorization")?.match(/^Bearer (.+)$/)?.[1];
  return header(request, "x-api-key");
}

/** The request carrying `key` in the API's form, whatever credential it had. */
export function withCredential(api: ApiName, request: ProxiedRequest, key: string): ProxiedRequest {
  const headers = api === "merge" ? withHeader(request.headers, "Authorization", `Bearer ${key}`) : withHeader(request.headers, "x-api-key", key);
  return { ...request, headers };
}

// --- lenient or fragile servers (classes of faults found by generated inputs) --------------------

/** The operation of `api`'s contract a proxied request is for (its path ends as the operation's does). */
export function operationOf(api: ApiName, request: ProxiedRequest): OperationSpec | undefined {
  const operations = operationTable(loadSpec(api));
  const path = pathOf(request);
  return operations.find((o) => o.method === request.method.toLowerCase() && new RegExp(`${o.path.split(/\{[^}]+\}/).map(escapeRegExp).join("[^/]+")}$`).test(path));
}

/** A server whose text handling breaks on anything beyond ASCII: a 500 to every request with a non-ASCII byte in its body. */
export function serverErrorOnNonAscii(): Fault {
  return answerInstead((request) => request.body.some((byte) => byte > 0x7f), () => answer(500, { error: "internal error" }));
}

/** A server that dereferences the body before checking there is one: a 500 to a POST with no body. */
export function serverErrorOnPostWithoutBody(): Fault {
  return answerInstead((request) => request.method === "POST" && request.body.length === 0, () => answer(500, { error: "Cannot read properties of undefined" }));
}

/** A lenient server (many frameworks' default): properties a closed body does not declare are dropped silently, not refused. */
export function dropsUnknownBodyFields(api: ApiName): Fault {
  return rewriteRequest(
    (request) => Boolean(operationOf(api, request)?.requestBody) && jsonOf(request) !== undefined,
    (request) => {
      const operation = operationOf(api, request)!;
      const spec = loadSpec(api);
      return withJson(request, declaredOnly(spec, schemaAt(spec, operation.requestBody!.schemaPointer), jsonOf(request)));
    },
  );
}

function declaredOnly(spec: OpenApiDocument, schema: SchemaNode, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => declaredOnly(spec, flatten(spec, schema.items), item));
  if (!value || typeof value !== "object" || !schema.properties) return value;
  const properties = schema.properties as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => key in properties).map(([key, child]) => [key, declaredOnly(spec, flatten(spec, properties[key]), child)]),
  );
}

/**
 * A server that stores `field` whatever its JSON type: it takes a wrong-typed value as its
 * string form, and answers with the value as sent (so the 2xx carries the wrong type).
 */
export function storesWrongTypedField(matches: Matcher, field: string): Fault {
  return async (request, forward) => {
    const body = jsonOf<Record<string, unknown>>(request);
    const value = body && typeof body === "object" ? body[field] : undefined;
    if (!matches(request) || value === undefined || typeof value === "string") return forward(request);
    const got = await forward(withJson(request, { ...body, [field]: JSON.stringify(value) }));
    const answered = jsonOf<Record<string, unknown>>(got);
    return got.status < 300 && answered && typeof answered === "object" ? withJson(got, { ...answered, [field]: value }) : got;
  };
}

// --- stores and lookups that are almost right (held-out faults) -----------------------------------

/** A server that compares keys ignoring case (a case-insensitive database collation): any casing of an issued key is that key. */
export function keysCompareIgnoringCase(api: ApiName, issued: string): Fault {
  return (request, forward) => {
    const key = credentialOf(api, request);
    return forward(key && key !== issued && key.toLowerCase() === issued.toLowerCase() ? withCredential(api, request, issued) : request);
  };
}

/** Every value of `field` in each item of the list under `listKey` (or of a top-level array) passed through `change`. */
export function rewriteListItems(body: unknown, listKey: string | undefined, field: string, change: (value: unknown) => unknown): unknown {
  const items = listKey ? (body as Record<string, unknown> | undefined)?.[listKey] : body;
  if (!Array.isArray(items)) return body;
  const changed = items.map((item) => (item && typeof item === "object" && field in item ? { ...item, [field]: change((item as Record<string, unknown>)[field]) } : item));
  return listKey ? { ...(body as object), [listKey]: changed } : changed;
}

/**
 * A soft delete whose list forgot the filter: a DELETE of a `path` only marks the resource (the
 * proxy keeps the mark) and answers `deleted`; its reads and a second delete answer `gone`; lists still show it.
 */
export function softDelete(path: RegExp, deleted: (request: ProxiedRequest) => ProxiedResponse, gone: ProxiedResponse): () => Fault {
  return () => {
    const marked = new Set<string>();
    return async (request, forward) => {
      const at = pathOf(request);
      if (request.method === "DELETE" && path.test(at)) {
        if (marked.has(at)) return gone;
        const exists = await forward(readOf(request));
        if (exists.status !== 200) return forward(request);
        marked.add(at);
        return deleted(request);
      }
      return request.method === "GET" && path.test(at) && marked.has(at) ? gone : forward(request);
    };
  };
}

/** Every string of a JSON value passed through `change` (keys kept). */
export function mapStrings(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === "string") return change(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, change));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)]));
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
