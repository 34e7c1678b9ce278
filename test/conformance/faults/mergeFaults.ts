import { readDevKeys } from "../../../src/server/fixtures.js";
import {
  answer, answerInstead, burstLimiter, credentialOf, header, jsonOf, pathOf, readOf, rewriteAnswer, rewriteRequest, route, withCredential, withHeader, withJson,
  dropsUnknownBodyFields, serverErrorOnNonAscii, storesWrongTypedField, type FaultCase,
} from "./faultTools.js";

/** Merge Agent Handler (openapi/merge.yaml): Bearer keys, per-key tool packs, the connector catalogue. */
const [primary, secondary] = readDevKeys("merge").map((k) => k.key);
const ISSUED = new Set(readDevKeys("merge").map((k) => k.key));

const TOOL_PACKS = /\/tool-packs\/$/;
const TOOL_PACK = /\/tool-packs\/[^/]+\/$/;
const PACK_CONNECTORS = /\/tool-packs\/[^/]+\/connectors\/$/;
const CONNECTOR = /^(?!.*\/tool-packs\/).*\/connectors\/[^/]+\/$/;

export const mergeFaults: FaultCase[] = [
  {
    name: "merge: no 401 without a key",
    api: "merge",
    description: "a request without Authorization is served as the primary key's (a default account)",
    expectedCheck: "auth_required",
    fault: () => (request, forward) => forward(header(request, "authorization") === undefined ? withCredential("merge", request, primary!) : request),
  },
  {
    name: "merge: a key without the Bearer scheme is accepted",
    api: "merge",
    description: "Authorization holding the bare key (no \"Bearer \") is taken as if it had the scheme",
    expectedCheck: "auth_required",
    fault: () => (request, forward) => {
      const raw = header(request, "authorization");
      return forward(raw && !raw.startsWith("Bearer ") ? withCredential("merge", request, raw) : request);
    },
  },
  {
    name: "merge: an unknown key is accepted",
    api: "merge",
    description: "a well-formed Bearer key that was never issued is served as the primary key's",
    expectedCheck: "auth_required",
    fault: () => (request, forward) => {
      const key = credentialOf("merge", request);
      return forward(key && !ISSUED.has(key) ? withCredential("merge", request, primary!) : request);
    },
  },
  {
    name: "merge: another account's tool pack is visible",
    api: "merge",
    description: "the secondary key's requests are served with the primary key's account (no per-key scoping)",
    expectedCheck: "cross_key_isolation",
    fault: () => (request, forward) => forward(credentialOf("merge", request) === secondary ? withCredential("merge", request, primary!) : request),
  },
  {
    name: "merge: M1 lists every account's tool packs",
    api: "merge",
    description: "the list is not scoped by key: the secondary key's M1 shows the primary account's packs (reads by id stay scoped)",
    expectedCheck: "cross_key_isolation",
    fault: () => (request, forward) =>
      forward(route("GET", TOOL_PACKS)(request) && credentialOf("merge", request) === secondary ? withCredential("merge", request, primary!) : request),
  },
  {
    name: "merge: another account can change a tool pack",
    api: "merge",
    description: "writes are not scoped by key (reads are): the secondary key's PATCH, PUT or DELETE acts on the primary account's pack",
    expectedCheck: "cross_key_isolation",
    fault: () => (request, forward) =>
      forward(request.method !== "GET" && credentialOf("merge", request) === secondary ? withCredential("merge", request, primary!) : request),
  },
  {
    name: "merge: M8 PATCH replaces the list instead of merging",
    api: "merge",
    description: "PATCH /tool-packs/{id}/connectors/ is executed as the PUT (M7): unlisted connectors are dropped",
    expectedCheck: "merge_partial_update_table",
    fault: () => rewriteRequest(route("PATCH", PACK_CONNECTORS), (request) => ({ ...request, method: "PUT" })),
  },
  {
    name: "merge: M7 PUT merges instead of replacing",
    api: "merge",
    description: "PUT /tool-packs/{id}/connectors/ is executed as the PATCH (M8): unlisted connectors stay",
    expectedCheck: "merge_replace_connectors",
    fault: () => rewriteRequest(route("PUT", PACK_CONNECTORS), (request) => ({ ...request, method: "PATCH" })),
  },
  {
    name: "merge: M5 deletes nothing",
    api: "merge",
    description: "DELETE of a tool pack answers 204 and the pack (and its connectors) stay readable",
    expectedCheck: "use_after_free",
    fault: () => answerInstead(route("DELETE", TOOL_PACK), () => answer(204)),
  },
  {
    name: "merge: M1 next links the same page",
    api: "merge",
    description: "the list's next link points at the page it is on, so a client pages forever",
    expectedCheck: "merge_tool_pack_crud",
    fault: () =>
      rewriteAnswer(route("GET", TOOL_PACKS), (got, request) => {
        const body = jsonOf<{ next?: string | null }>(got);
        if (got.status !== 200 || !body?.next) return got;
        return withJson(got, { ...body, next: new URL(request.url, body.next).toString() });
      }),
  },
  {
    name: "merge: M1 count is a string",
    api: "merge",
    description: "the list's count comes as a JSON string (\"3\") where the contract says integer",
    expectedCheck: "response_schema_conformance",
    needs: ["read_operations"],
    fault: () =>
      rewriteAnswer(route("GET", TOOL_PACKS), (got) => {
        const body = jsonOf<{ count?: number }>(got);
        return got.status === 200 && typeof body?.count === "number" ? withJson(got, { ...body, count: String(body.count) }) : got;
      }),
  },
  {
    name: "merge: M3 without connectors",
    api: "merge",
    description: "a tool pack read omits its required connectors field",
    expectedCheck: "response_schema_conformance",
    needs: ["read_operations"],
    fault: () =>
      rewriteAnswer(route("GET", TOOL_PACK), (got) => {
        const body = jsonOf<Record<string, unknown>>(got);
        if (got.status !== 200 || !body) return got;
        const { connectors: _dropped, ...rest } = body;
        return withJson(got, rest);
      }),
  },
  {
    name: "merge: M2 answers 202",
    api: "merge",
    description: "creating a tool pack answers 202 Accepted (with the pack), a status the contract does not document",
    expectedCheck: "status_code_conformance",
    fault: () => rewriteAnswer(route("POST", TOOL_PACKS), (got) => (got.status === 201 ? { ...got, status: 202 } : got)),
  },
  {
    name: "merge: M4 answers 202",
    api: "merge",
    description: "updating a tool pack answers 202 Accepted (with the pack), a status the contract does not document",
    expectedCheck: "status_code_conformance",
    needs: ["merge_tool_pack_crud"],
    fault: () => rewriteAnswer(route("PATCH", TOOL_PACK), (got) => (got.status === 200 ? { ...got, status: 202 } : got)),
  },
  {
    name: "merge: errors in another shape",
    api: "merge",
    description: 'every 4xx body is {"error": "<detail>"} instead of {code, detail}',
    expectedCheck: "response_schema_conformance",
    needs: ["not_found"],
    fault: () => async (request, forward) => {
      const got = await forward(request);
      const body = jsonOf<{ detail?: string }>(got);
      return got.status >= 400 && got.status < 500 && body?.detail ? withJson(got, { error: body.detail }) : got;
    },
  },
  {
    name: "merge: errors as application/problem+json",
    api: "merge",
    description: "4xx answers carry Content-Type application/problem+json where the contract says application/json",
    expectedCheck: "content_type_conformance",
    needs: ["not_found"],
    fault: () => async (request, forward) => {
      const got = await forward(request);
      return got.status >= 400 && got.status < 500 ? { ...got, headers: withHeader(got.headers, "Content-Type", "application/problem+json") } : got;
    },
  },
  {
    name: "merge: 403 for an unknown tool pack",
    api: "merge",
    description: "an id that names no tool pack answers 403 Forbidden instead of 404",
    expectedCheck: "not_found",
    fault: () =>
      rewriteAnswer(
        (request) => TOOL_PACK.test(pathOf(request)) || PACK_CONNECTORS.test(pathOf(request)),
        (got) => (got.status === 404 ? withJson({ ...got, status: 403 }, { code: "unauthorized", detail: "You do not have access to this tool pack." }) : got),
      ),
  },
  {
    name: "merge: M5 of an unknown tool pack answers 204",
    api: "merge",
    description: "DELETE is made idempotent: an id that names no tool pack answers 204 instead of 404",
    expectedCheck: "not_found",
    fault: () => rewriteAnswer(route("DELETE", TOOL_PACK), (got) => (got.status === 404 ? answer(204) : got)),
  },
  {
    name: "merge: M4 ignores an invalid body",
    api: "merge",
    description: "an update the server refuses with 400 is instead answered 200 with the pack unchanged (invalid fields dropped)",
    expectedCheck: "negative_data_rejection",
    fault: () => async (request, forward) => {
      const got = await forward(request);
      if (!route("PATCH", TOOL_PACK)(request) || got.status !== 400) return got;
      return forward(withJson(request, {}));
    },
  },
  {
    name: "merge: bad connector items are skipped, not refused",
    api: "merge",
    description: "a connectors write (M7/M8) the server refuses with 400 is answered 200 with the pack's connectors as they are",
    expectedCheck: "merge_bad_connector_inputs",
    fault: () => async (request, forward) => {
      const got = await forward(request);
      if (!(route("PATCH", PACK_CONNECTORS)(request) || route("PUT", PACK_CONNECTORS)(request)) || got.status !== 400) return got;
      return forward(readOf(request));
    },
  },
  {
    name: "merge: M11 is unavailable",
    api: "merge",
    description: "GET /connectors/{slug}/ answers 503 to a valid request (the list M10 works)",
    expectedCheck: "read_operations",
    fault: () => answerInstead(route("GET", CONNECTOR), () => answer(503, { code: "internal_error", detail: "Catalogue service unavailable." })),
  },
  {
    name: "merge: 429 with another body",
    api: "merge",
    description: `after 5 requests in a row to GET /tool-packs/, a 429 with {"message": "slow down"} instead of the documented body`,
    expectedCheck: "rate_limit",
    runOptions: { rateLimit: true, rateLimitBurst: 20 },
    fault: () => burstLimiter(TOOL_PACKS, { message: "slow down" }),
  },
  {
    name: "merge: a 500 to any non-ASCII text",
    api: "merge",
    description: "a request whose body holds any byte beyond ASCII (an emoji, an accent, Arabic) fails with 500",
    expectedCheck: "positive_data_acceptance",
    fault: serverErrorOnNonAscii,
  },
  {
    name: "merge: unknown body fields are accepted",
    api: "merge",
    description: "properties the closed ToolPackCreate/Update bodies do not declare are dropped silently instead of answered 400",
    expectedCheck: "negative_data_rejection",
    fault: () => dropsUnknownBodyFields("merge"),
  },
  {
    name: "merge: a wrong-typed name is stored and answered",
    api: "merge",
    description: "M2 takes a name of any JSON type (stores its text) and answers 201 with the value as sent",
    expectedCheck: "negative_data_rejection",
    fault: () => storesWrongTypedField(route("POST", TOOL_PACKS), "name"),
  },
];
