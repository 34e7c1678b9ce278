import type { Fault, ProxiedRequest, ProxiedResponse } from "./faultyServer.js";
import { answer, answerInstead, header, jsonOf, pathOf, rewriteAnswer, rewriteRequest, route, withHeader, withJson, dropsUnknownBodyFields, serverErrorOnNonAscii, type FaultCase } from "./faultTools.js";

/** EvalStudio (openapi/evalstudio.yaml): no auth; connector `headers` values are the secrets. */
const PROJECTS = /\/projects$/;
const PROJECT = /\/projects\/[^/]+$/;
const CONNECTORS = /\/projects\/[^/]+\/connectors$/;
const CONNECTOR = /\/projects\/[^/]+\/connectors\/(?!types$)[^/]+$/;
const INVOKE = /\/connectors\/[^/]+\/invoke$/;
const TEST = /\/connectors\/[^/]+\/test$/;

const isConnectorWrite = (request: ProxiedRequest) => route("POST", CONNECTORS)(request) || route("PUT", CONNECTOR)(request);

/** The header values an E7 or E9 request carries. */
function headerValuesSent(request: ProxiedRequest): Record<string, string> | undefined {
  if (!isConnectorWrite(request)) return undefined;
  const headers = jsonOf<{ headers?: Record<string, string> }>(request)?.headers;
  return headers && typeof headers === "object" ? headers : undefined;
}

/**
 * A fault that remembers the header values (the secrets) each connector was given by E7/E9, and
 * changes answers with that knowledge, as a server that keeps them in clear would.
 */
function withStoredHeaders(rewrite: (answer: ProxiedResponse, request: ProxiedRequest, stored: Map<string, Record<string, string>>) => ProxiedResponse): () => Fault {
  return () => {
    const stored = new Map<string, Record<string, string>>();
    return async (request, forward) => {
      const got = await forward(request);
      const sent = headerValuesSent(request);
      const id = jsonOf<{ id?: string }>(got)?.id;
      if (sent && id && got.status < 300) stored.set(id, sent);
      return rewrite(got, request, stored);
    };
  };
}

/** A lenient parser: numbers and booleans in a JSON body become strings before validation. */
function coerceToStrings(value: unknown): unknown {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(coerceToStrings);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceToStrings(v)]));
  return value;
}

export const evalstudioFaults: FaultCase[] = [
  {
    name: "evalstudio: E8 returns header values in clear",
    api: "evalstudio",
    description: "GET of a connector shows the header values it was given instead of the mask",
    expectedCheck: "secret_non_disclosure",
    needs: ["read_operations"],
    fault: withStoredHeaders((got, request, stored) => {
      const body = jsonOf<{ id?: string }>(got);
      const clear = body?.id ? stored.get(body.id) : undefined;
      return route("GET", CONNECTOR)(request) && got.status === 200 && clear ? withJson(got, { ...body, headers: clear }) : got;
    }),
  },
  {
    name: "evalstudio: E7 echoes the headers base64-encoded in a response header",
    api: "evalstudio",
    description: "creating a connector answers an X-Connector-Auth header with the headers object, base64-encoded",
    expectedCheck: "secret_non_disclosure",
    fault: () =>
      rewriteAnswer(route("POST", CONNECTORS), (got, request) => {
        const headers = jsonOf<{ headers?: unknown }>(request)?.headers;
        if (got.status !== 201 || !headers) return got;
        return { ...got, headers: withHeader(got.headers, "X-Connector-Auth", Buffer.from(JSON.stringify(headers)).toString("base64")) };
      }),
  },
  {
    name: "evalstudio: the mask shows six characters",
    api: "evalstudio",
    description: 'header values are masked as "********" and their last six characters (the contract allows four)',
    expectedCheck: "secret_non_disclosure",
    fault: withStoredHeaders((got, _request, stored) => {
      const body = jsonOf(got);
      const mask = (connector: unknown): unknown => {
        const { id, headers } = (connector ?? {}) as { id?: string; headers?: Record<string, string> };
        const clear = id ? stored.get(id) : undefined;
        if (!clear || !headers) return connector;
        return { ...(connector as object), headers: Object.fromEntries(Object.keys(headers).map((n) => [n, clear[n] ? `********${clear[n]!.slice(-6)}` : headers[n]])) };
      };
      return body === undefined ? got : withJson(got, Array.isArray(body) ? body.map(mask) : mask(body));
    }),
  },
  {
    name: "evalstudio: error messages quote a stored header value",
    api: "evalstudio",
    description: "every 4xx message ends with part of the last header value the server stored",
    expectedCheck: "secret_non_disclosure",
    needs: ["not_found"],
    fault: withStoredHeaders((got, _request, stored) => {
      const body = jsonOf<{ error?: string }>(got);
      const last = Object.values([...stored.values()].at(-1) ?? {}).at(-1);
      if (got.status < 400 || got.status >= 500 || !body?.error || !last) return got;
      return withJson(got, { error: `${body.error} (connector header ${last.slice(-14)})` });
    }),
  },
  {
    name: "evalstudio: 200 for an unknown connector id",
    api: "evalstudio",
    description: "E8 of an id that names no connector answers 200 with an empty connector",
    expectedCheck: "not_found",
    fault: () =>
      rewriteAnswer(route("GET", CONNECTOR), (got, request) => {
        if (got.status !== 404) return got;
        const now = new Date().toISOString();
        return withJson({ ...got, status: 200 }, { id: pathOf(request).split("/").at(-1), name: "unnamed", type: "langgraph", baseUrl: "http://localhost:8123", createdAt: now, updatedAt: now });
      }),
  },
  {
    name: "evalstudio: 500 for an unknown project (as the vendor's server does)",
    api: "evalstudio",
    description: "any operation on a projectId that names no project answers 500",
    expectedCheck: "not_found",
    fault: () =>
      async (request, forward) => {
        const got = await forward(request);
        return got.status === 404 && /project/i.test(jsonOf<{ error?: string }>(got)?.error ?? "") ? answer(500, { error: "Cannot read properties of undefined (reading 'id')" }) : got;
      },
  },
  {
    name: "evalstudio: 201 for a duplicate connector name",
    api: "evalstudio",
    description: "E7 with a name the project already has creates a second connector instead of answering 409",
    expectedCheck: "evalstudio_duplicate_name_conflict",
    fault: () => async (request, forward) => {
      const got = await forward(request);
      if (!route("POST", CONNECTORS)(request) || got.status !== 409) return got;
      // The server under test keeps no uniqueness: store it under a free name, answer the name asked for.
      const wanted = jsonOf<{ name: string }>(request)!;
      const stored = await forward(withJson(request, { ...wanted, name: `${wanted.name}-dup-${Date.now()}` }));
      return stored.status === 201 ? withJson(stored, { ...jsonOf<object>(stored), name: wanted.name }) : stored;
    },
  },
  {
    name: "evalstudio: E9 merges headers instead of replacing them",
    api: "evalstudio",
    description: "an update with headers keeps the header names the connector had before",
    expectedCheck: "evalstudio_connector_lifecycle",
    fault: () => {
      // The header names each connector holds on the faulty server: every write adds, none removes.
      const names = new Map<string, string[]>();
      return async (request, forward) => {
        const got = await forward(request);
        const body = jsonOf<{ id?: string; headers?: Record<string, string> }>(got);
        if (!body?.id || got.status >= 300 || !(isConnectorWrite(request) || route("GET", CONNECTOR)(request))) return got;
        const held = [...new Set([...(names.get(body.id) ?? []), ...Object.keys(body.headers ?? {})])];
        names.set(body.id, held);
        return withJson(got, { ...body, headers: { ...Object.fromEntries(held.map((n) => [n, "********"])), ...body.headers } });
      };
    },
  },
  {
    name: "evalstudio: E12 reports success for an unreachable agent",
    api: "evalstudio",
    description: "invoking a connector whose agent server does not answer says success: true with a made-up reply",
    expectedCheck: "evalstudio_agent_calls",
    runOptions: { langgraph: true },
    fault: () =>
      rewriteAnswer(route("POST", INVOKE), (got) => {
        const body = jsonOf<{ success?: boolean; latencyMs?: number }>(got);
        if (got.status !== 200 || body?.success !== false) return got;
        return withJson(got, { success: true, latencyMs: body.latencyMs ?? 1, messages: [{ role: "assistant", content: "Sure, happy to help." }] });
      }),
  },
  {
    name: "evalstudio: E11 reports success for an unreachable agent",
    api: "evalstudio",
    description: "testing a connector whose agent server does not answer says success: true",
    expectedCheck: "evalstudio_agent_calls",
    runOptions: { langgraph: true },
    fault: () =>
      rewriteAnswer(route("POST", TEST), (got) => {
        const body = jsonOf<{ success?: boolean; latencyMs?: number }>(got);
        return got.status === 200 && body?.success === false ? withJson(got, { success: true, latencyMs: body.latencyMs ?? 1, response: "hello" }) : got;
      }),
  },
  {
    name: "evalstudio: E3 deletes nothing",
    api: "evalstudio",
    description: "deleting a project answers 204 and leaves it (and its connectors) in place",
    expectedCheck: "use_after_free",
    fault: () => answerInstead(route("DELETE", PROJECT), () => answer(204)),
  },
  {
    name: "evalstudio: E1 answers text/plain",
    api: "evalstudio",
    description: "the project list comes as Content-Type text/plain (same JSON text)",
    expectedCheck: "content_type_conformance",
    needs: ["read_operations"],
    fault: () => rewriteAnswer(route("GET", PROJECTS), (got) => ({ ...got, headers: withHeader(got.headers, "Content-Type", "text/plain; charset=utf-8") })),
  },
  {
    name: "evalstudio: connectors without createdAt",
    api: "evalstudio",
    description: "E8 omits the required field createdAt",
    expectedCheck: "response_schema_conformance",
    needs: ["read_operations"],
    fault: () =>
      rewriteAnswer(route("GET", CONNECTOR), (got) => {
        const body = jsonOf<Record<string, unknown>>(got);
        if (got.status !== 200 || !body) return got;
        const { createdAt: _dropped, ...rest } = body;
        return withJson(got, rest);
      }),
  },
  {
    name: "evalstudio: 500 on malformed JSON",
    api: "evalstudio",
    description: "a request body that is not JSON makes the server fail with 500 instead of 400",
    expectedCheck: "negative_data_rejection",
    fault: () => (request, forward) =>
      request.body.length > 0 && /json/.test(header(request, "content-type") ?? "") && jsonOf(request) === undefined
        ? Promise.resolve(answer(500, { error: `Unexpected end of JSON input` }))
        : forward(request),
  },
  {
    name: "evalstudio: numbers in a body are taken as strings",
    api: "evalstudio",
    description: 'a wrong-typed field (name: 12345) is coerced to a string and the request accepted instead of refused with 400',
    expectedCheck: "negative_data_rejection",
    fault: () =>
      rewriteRequest(
        (request) => request.method !== "GET" && jsonOf(request) !== undefined,
        (request) => withJson(request, coerceToStrings(jsonOf(request))),
      ),
  },
  {
    name: "evalstudio: a 500 to any non-ASCII text",
    api: "evalstudio",
    description: "a request whose body holds any byte beyond ASCII (an emoji, an accent, Arabic) fails with 500",
    expectedCheck: "positive_data_acceptance",
    fault: serverErrorOnNonAscii,
  },
  {
    name: "evalstudio: unknown body fields are accepted",
    api: "evalstudio",
    description: "properties the closed connector and project bodies do not declare are dropped silently instead of answered 400",
    expectedCheck: "negative_data_rejection",
    fault: () => dropsUnknownBodyFields("evalstudio"),
  },
  {
    name: "evalstudio: E11 answers without running the agent",
    api: "evalstudio",
    description: "test only checks that the agent server is up and answers a canned reply instead of the agent's own answer to \"hello\"",
    expectedCheck: "evalstudio_agent_calls",
    runOptions: { langgraph: true },
    fault: () =>
      rewriteAnswer(route("POST", TEST), (got) => {
        const body = jsonOf<{ success?: boolean; latencyMs?: number }>(got);
        return got.status === 200 && body?.success === true ? withJson(got, { success: true, latencyMs: body.latencyMs ?? 1, response: "Connection successful" }) : got;
      }),
  },
  {
    name: "evalstudio: E12 reports success when the graph threw",
    api: "evalstudio",
    description: "invoke takes LangGraph's 200 {\"__error__\": …} for a reply: success: true with no messages",
    expectedCheck: "evalstudio_agent_calls",
    runOptions: { langgraph: true },
    fault: () =>
      rewriteAnswer(route("POST", INVOKE), (got) => {
        const body = jsonOf<{ success?: boolean; latencyMs?: number; error?: string }>(got);
        const unreachable = /ECONNREFUSED|fetch failed|connect|unreachable|timed? ?out|abort/i.test(body?.error ?? "");
        return got.status === 200 && body?.success === false && !unreachable ? withJson(got, { success: true, latencyMs: body.latencyMs ?? 1, messages: [], threadId: "00000000-0000-4000-8000-000000000000" }) : got;
      }),
  },
  {
    name: "evalstudio: a connector gets the headers of the project's earlier connectors",
    api: "evalstudio",
    description: "E7 stores the headers of every earlier connector of the project with the new one, so their secrets go to its agent",
    expectedCheck: "evalstudio_agent_calls",
    runOptions: { langgraph: true },
    fault: () => {
      const earlier = new Map<string, Record<string, string>>();
      return rewriteRequest(route("POST", CONNECTORS), (request) => {
        const body = jsonOf<{ headers?: Record<string, string> }>(request);
        if (!body || typeof body !== "object") return request;
        const project = pathOf(request);
        const merged = { ...earlier.get(project), ...body.headers };
        earlier.set(project, merged);
        return withJson(request, { ...body, headers: merged });
      });
    },
  },
];
