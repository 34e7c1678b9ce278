import { randomUUID } from "node:crypto";
import { readDevKeys } from "../../../src/server/fixtures.js";
import { answer, burstLimiter, header, jsonOf, pathOf, readOf, rewriteAnswer, rewriteRequest, route, withCredential, withJson, dropsUnknownBodyFields, serverErrorOnPostWithoutBody, type FaultCase } from "./faultTools.js";

/** Vern (openapi/vern.yaml): x-api-key; `credentials` of V6 and V11 are the secrets. */
const [primary] = readDevKeys("vern").map((k) => k.key);

const MIGRATIONS = /\/migrations$/;
const SOURCES = /\/sources$/;
const CONNECTION = /\/migrations\/[^/]+\/source-connection$/;
const RUNS = /\/migrations\/[^/]+\/runs$/;
const RUN = /\/migrations\/[^/]+\/runs\/[^/]+$/;
const MESSAGES = /\/migrations\/[^/]+\/runs\/[^/]+\/messages$/;

export const vernFaults: FaultCase[] = [
  {
    name: "vern: V5 returns the credentials",
    api: "vern",
    description: "a source connection read shows the credentials V6 stored, under source_connection.credentials",
    expectedCheck: "secret_non_disclosure",
    needs: ["vern_source_connection"],
    fault: () => {
      const stored = new Map<string, Record<string, string>>();
      return async (request, forward) => {
        const got = await forward(request);
        const credentials = jsonOf<{ credentials?: Record<string, string> }>(request)?.credentials;
        if (route("POST", CONNECTION)(request) && got.status < 300 && credentials) stored.set(pathOf(request), credentials);
        const body = jsonOf<{ source_connection?: Record<string, unknown> }>(got);
        const kept = stored.get(pathOf(request));
        if (!route("GET", CONNECTION)(request) || got.status !== 200 || !kept || !body?.source_connection) return got;
        return withJson(got, { ...body, source_connection: { ...body.source_connection, credentials: kept } });
      };
    },
  },
  {
    name: "vern: V6 ignores the credentials",
    api: "vern",
    description: "V6 drops the credentials it is sent (201, creds_configured false): nothing reaches the vault",
    expectedCheck: "vern_source_connection",
    fault: () =>
      rewriteRequest(route("POST", CONNECTION), (request) => {
        const { credentials: _dropped, ...rest } = jsonOf<Record<string, unknown>>(request) ?? {};
        return withJson(request, rest);
      }),
  },
  {
    name: "vern: external_id reuse creates a new migration",
    api: "vern",
    description: "V1 with an external_id already used answers 201 with a new migration instead of 200 with the existing one",
    expectedCheck: "vern_migration_idempotency",
    fault: () => async (request, forward) => {
      const got = await forward(request);
      const body = jsonOf<{ external_id?: string }>(request);
      if (!route("POST", MIGRATIONS)(request) || got.status !== 200 || !body?.external_id) return got;
      return forward(withJson(request, { ...body, external_id: `${body.external_id}-${Date.now()}` }));
    },
  },
  {
    name: "vern: a second active run is allowed",
    api: "vern",
    description: "V8 while a run is in flight answers 201 with a new queued run instead of 409",
    expectedCheck: "vern_one_active_run",
    fault: () =>
      rewriteAnswer(route("POST", RUNS), (got, request) => {
        const body = jsonOf<{ error?: string }>(got);
        if (got.status !== 409 || !/in progress/i.test(body?.error ?? "")) return got;
        const runId = randomUUID();
        return withJson({ ...got, status: 201 }, { run_id: runId, status: "queued", poll_url: `${pathOf(request)}/${runId}` });
      }),
  },
  {
    name: "vern: V10 takes any body",
    api: "vern",
    description: "cancel accepts a body other than {status: cancel_requested} (a lenient parser) and cancels the run",
    expectedCheck: "vern_one_active_run",
    fault: () => async (request, forward) => {
      const got = await forward(request);
      if (!route("PATCH", RUN)(request) || got.status !== 400) return got;
      return forward(withJson(request, { status: "cancel_requested" }));
    },
  },
  {
    name: "vern: V12 accepted on a run blocked for credentials",
    api: "vern",
    description: "a message to a run that waits for credentials answers 200 running (the secret would enter the agent thread) instead of 409",
    expectedCheck: "vern_run_lifecycle_credentials",
    fault: () => async (request, forward) => {
      if (!route("POST", MESSAGES)(request)) return forward(request);
      const runPath = pathOf(request).replace(/\/messages$/, "");
      const run = jsonOf<{ run_id?: string; status?: string; blocked_reason?: string }>(await forward(readOf(request, runPath)));
      if (run?.status !== "blocked" || run.blocked_reason !== "credentials") return forward(request);
      return answer(200, { run_id: run.run_id, status: "running" });
    },
  },
  {
    name: "vern: V8 without a preview answers 400",
    api: "vern",
    description: "update, clarify and execute with no current preview answer 400 (a documented status of V8) instead of 409",
    expectedCheck: "vern_no_preview_conflicts",
    fault: () =>
      rewriteAnswer(route("POST", RUNS), (got) => {
        const body = jsonOf<{ error?: string }>(got);
        return got.status === 409 && /preview/i.test(body?.error ?? "") ? { ...got, status: 400 } : got;
      }),
  },
  {
    name: "vern: no 401 without a key",
    api: "vern",
    description: "a request without x-api-key is served as the first dev key's",
    expectedCheck: "auth_required",
    fault: () => (request, forward) => forward(header(request, "x-api-key") === undefined ? withCredential("vern", request, primary!) : request),
  },
  {
    name: "vern: 429 with another body",
    api: "vern",
    description: 'after a burst at GET /sources, a 429 with {"message": "slow down"} instead of the documented {"error": "Too many requests"}',
    expectedCheck: "rate_limit",
    runOptions: { rateLimit: true, rateLimitBurst: 20 },
    fault: () => burstLimiter(SOURCES, { message: "slow down" }),
  },
  {
    name: "vern: a 500 to a POST with no body",
    api: "vern",
    description: "a POST without a body fails with 500 (the handler reads the body before checking there is one)",
    expectedCheck: "negative_data_rejection",
    fault: serverErrorOnPostWithoutBody,
  },
  {
    name: "vern: unknown body fields are accepted",
    api: "vern",
    description: "properties the closed request bodies do not declare are dropped silently instead of answered 400",
    expectedCheck: "negative_data_rejection",
    fault: () => dropsUnknownBodyFields("vern"),
  },
];
