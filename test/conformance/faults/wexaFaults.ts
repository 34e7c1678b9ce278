import { readDevKeys } from "../../../src/server/fixtures.js";
import type { ProxiedRequest } from "./faultyServer.js";
import {
  answer, answerInstead, credentialOf, header, jsonOf, pathOf, readOf, rewriteAnswer, route, withCredential, withHeader, withJson, serverErrorOnPostWithoutBody, type FaultCase,
} from "./faultTools.js";

/** Wexa AI (openapi/wexa.yaml): x-api-key; W4's data_loader_config.auth is the secret. */
const [primary, secondary] = readDevKeys("wexa").map((k) => k.key);

const PROJECT_CONNECTORS = /\/connectors\/[0-9a-f]{24}$/;
const CONNECTOR = /\/connector\/[^/]+$/;
const CHANGE_STATUS = /\/connectors\/change_status$/;
const EXECUTIONS = /\/execute_flow$/;
const PROJECT_EXECUTIONS = /\/[^/]+\/execution_flows$/;
const EXECUTION = /\/execute_flow\/[^/]+$/;
const control = (verb: string) => new RegExp(`/execute_flow/[^/]+/${verb}$`);

type Auth = Record<string, string>;
const authOf = (request: ProxiedRequest) => jsonOf<{ connectorID?: string; data_loader_config?: { auth?: Auth } }>(request);

export const wexaFaults: FaultCase[] = [
  {
    name: "wexa: W2 returns data_loader_config.auth",
    api: "wexa",
    description: "a connector read shows the credentials W4 stored, in data_loader_config.auth",
    expectedCheck: "secret_non_disclosure",
    needs: ["wexa_connector_status_change"],
    fault: () => {
      const stored = new Map<string, Auth>();
      return async (request, forward) => {
        const got = await forward(request);
        const sent = authOf(request);
        if (route("POST", CHANGE_STATUS)(request) && got.status === 200 && sent?.connectorID && sent.data_loader_config?.auth) stored.set(sent.connectorID, sent.data_loader_config.auth);
        const body = jsonOf<{ _id?: string; data_loader_config?: object | null }>(got);
        const auth = body?._id ? stored.get(body._id) : undefined;
        if (!route("GET", CONNECTOR)(request) || got.status !== 200 || !auth || !body?.data_loader_config) return got;
        return withJson(got, { ...body, data_loader_config: { ...body.data_loader_config, auth } });
      };
    },
  },
  {
    name: "wexa: W4's message spells the password \\u-escaped",
    api: "wexa",
    description: 'W4 answers a message naming the password, every character JSON-escaped ("\\u0063\\u0063…"): the parsed text is the password itself',
    expectedCheck: "secret_non_disclosure",
    needs: ["wexa_connector_status_change"],
    fault: () =>
      rewriteAnswer(route("POST", CHANGE_STATUS), (got, request) => {
        const password = authOf(request)?.data_loader_config?.auth?.password;
        const body = jsonOf<{ message?: string }>(got);
        if (got.status !== 200 || !password || !body?.message) return got;
        const escaped = [...password].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
        const marker = "PASSWORD-GOES-HERE";
        const text = JSON.stringify({ ...body, message: `${body.message} with password ${marker}` }).replace(marker, escaped);
        return { ...got, body: Buffer.from(text) };
      }),
  },
  {
    name: "wexa: W4 answers an ETag of the hex-encoded credentials",
    api: "wexa",
    description: "W4's answer carries ETag: the stored password, hex-encoded",
    expectedCheck: "secret_non_disclosure",
    needs: ["wexa_connector_status_change"],
    fault: () =>
      rewriteAnswer(route("POST", CHANGE_STATUS), (got, request) => {
        const password = authOf(request)?.data_loader_config?.auth?.password;
        return got.status === 200 && password ? { ...got, headers: withHeader(got.headers, "ETag", `"${Buffer.from(password).toString("hex")}"`) } : got;
      }),
  },
  {
    name: "wexa: \"Bearer <key>\" in x-api-key is accepted",
    api: "wexa",
    description: "the server strips a Bearer scheme from x-api-key instead of refusing the malformed key",
    expectedCheck: "auth_required",
    fault: () => (request, forward) => {
      const key = header(request, "x-api-key");
      return forward(key?.startsWith("Bearer ") ? withCredential("wexa", request, key.slice("Bearer ".length)) : request);
    },
  },
  {
    name: "wexa: 401 answered by a gateway in HTML",
    api: "wexa",
    description: "a request without a valid key gets 401 with an HTML page (text/html) instead of the JSON error",
    expectedCheck: "content_type_conformance",
    needs: ["auth_required"],
    fault: () => rewriteAnswer(() => true, (got) => (got.status === 401 ? answer(401, "<html><body><h1>401 Authorization Required</h1></body></html>", "text/html") : got)),
  },
  {
    name: "wexa: another key's execution is visible",
    api: "wexa",
    description: "W12 does not scope executions by key: the secondary key reads the primary key's execution",
    expectedCheck: "cross_key_isolation",
    fault: () => (request, forward) =>
      forward(route("GET", EXECUTION)(request) && credentialOf("wexa", request) === secondary ? withCredential("wexa", request, primary!) : request),
  },
  {
    name: "wexa: W12 of an unknown execution is 200 null",
    api: "wexa",
    description: "an execution id that names nothing answers 200 with the body null (a findOne that found nothing)",
    expectedCheck: "not_found",
    fault: () => rewriteAnswer(route("GET", EXECUTION), (got) => (got.status === 404 ? withJson({ ...got, status: 200 }, null) : got)),
  },
  {
    name: "wexa: W6 answers 201",
    api: "wexa",
    description: "creating an execution answers 201 Created where the contract (and the docs) say 200",
    expectedCheck: "status_code_conformance",
    fault: () => rewriteAnswer(route("POST", EXECUTIONS), (got) => (got.status === 200 ? { ...got, status: 201 } : got)),
  },
  {
    name: "wexa: W1 ids in Mongo extended JSON",
    api: "wexa",
    description: 'connectors are listed with _id as {"$oid": "…"} instead of the 24-digit string',
    expectedCheck: "response_schema_conformance",
    needs: ["read_operations"],
    fault: () =>
      rewriteAnswer(route("GET", PROJECT_CONNECTORS), (got) => {
        const body = jsonOf<Array<{ _id?: string }>>(got);
        return got.status === 200 && Array.isArray(body) ? withJson(got, body.map((c) => ({ ...c, _id: { $oid: c._id } }))) : got;
      }),
  },
  {
    name: "wexa: W7 ignores query parameters it cannot parse",
    api: "wexa",
    description: "a page or limit that is not a number is dropped and the list answered 200, instead of 400",
    expectedCheck: "negative_data_rejection",
    fault: () => async (request, forward) => {
      const got = await forward(request);
      if (!route("GET", PROJECT_EXECUTIONS)(request) || got.status !== 400) return got;
      const url = new URL(request.url, "http://proxy");
      for (const [name, value] of [...url.searchParams]) if (name !== "projectID" && !/^\d+$/.test(value)) url.searchParams.delete(name);
      return forward({ ...request, url: url.pathname + url.search });
    },
  },
  {
    name: "wexa: W4 stores nothing",
    api: "wexa",
    description: "W4 answers its documented success message without changing the connector",
    expectedCheck: "wexa_connector_status_change",
    fault: () =>
      answerInstead(route("POST", CHANGE_STATUS), (request) => {
        const body = jsonOf<{ new_status?: string; connectorID?: string }>(request);
        return answer(200, { status: "success", message: `Updated connector status to ${body?.new_status} for connectorID ${body?.connectorID}` });
      }),
  },
  {
    name: "wexa: executions never complete",
    api: "wexa",
    description: "W12 shows a started execution as running for ever (its completion is never reported)",
    expectedCheck: "wexa_execution_lifecycle",
    runOptions: { flowTimeoutMs: 1_500 },
    fault: () =>
      rewriteAnswer(route("GET", EXECUTION), (got) => {
        const body = jsonOf<Record<string, unknown>>(got);
        if (got.status !== 200 || (body?.status !== "completed" && body?.status !== "failed")) return got;
        return withJson(got, { ...body, status: "running", finished_at: null, conclusion: null, error_messages: [] });
      }),
  },
  {
    name: "wexa: W9 pauses a finished execution",
    api: "wexa",
    description: "pausing an execution that is cancelled (or already paused) answers 200 paused instead of 409",
    expectedCheck: "wexa_pause_resume_cancel",
    // The flow holds a paused execution for a quarter of the flow timeout: keep it short.
    runOptions: { flowTimeoutMs: 4_000 },
    fault: () =>
      rewriteAnswer(route("POST", control("pause")), (got, request) =>
        got.status === 409 ? withJson({ ...got, status: 200 }, { execution_id: pathOf(request).split("/").at(-2), status: "paused" }) : got),
  },
  {
    name: "wexa: W10 answers running and leaves the execution paused",
    api: "wexa",
    description: "resume of a paused execution answers 200 running without resuming it: it stays paused (other statuses still get 409)",
    expectedCheck: "wexa_pause_resume_cancel",
    // The flow holds a paused execution for a quarter of the flow timeout: keep it short.
    runOptions: { flowTimeoutMs: 4_000 },
    fault: () => async (request, forward) => {
      if (!route("POST", control("resume"))(request)) return forward(request);
      const executionPath = pathOf(request).replace(/\/resume$/, "");
      const read = await forward(readOf(request, executionPath));
      const execution = jsonOf<{ execution_id?: string; status?: string }>(read);
      return execution?.status === "paused" ? answer(200, { execution_id: execution.execution_id, status: "running" }) : forward(request);
    },
  },
  {
    name: "wexa: a 500 to a POST with no body",
    api: "wexa",
    description: "a POST without a body fails with 500 (the handler reads the body before checking there is one)",
    expectedCheck: "negative_data_rejection",
    fault: serverErrorOnPostWithoutBody,
  },
];
