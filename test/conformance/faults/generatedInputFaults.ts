import type { FaultCase } from "./faultTools.js";
import { jsonOf, pathOf, rewriteRequest, route, withJson } from "./faultTools.js";

const TOOL_PACKS = /\/tool-packs\/$/;
const TOOL_PACK = /\/tool-packs\/[^/]+\/$/;
const CONNECTORS = /\/projects\/[^/]+\/connectors$/;

/** A uuid written without its dashes, or in braces: what a lenient id parser reads as the uuid itself. */
const NEAR_UUID = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** Every `field` of a JSON value, at any depth, with `change` applied to its string value. */
function rewriteField(value: unknown, field: string, change: (text: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteField(item, field, change));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, key === field && typeof child === "string" ? change(child) : rewriteField(child, field, change)]));
}

/**
 * Servers that are lenient in ways only near-miss inputs show: a value outside the contract that
 * is one step from a valid one (another case, another spelling of a uuid). The earlier rules sent
 * values far from valid ("cc-not-in-enum", "cc-not-a-uuid"), which these servers still refuse.
 */
export const generatedInputFaults: FaultCase[] = [
  {
    name: "merge: auth_scope compared without case",
    api: "merge",
    description: "M2 upper-cases auth_scope before it validates, so `individual` is taken as INDIVIDUAL instead of answered 400",
    expectedCheck: "negative_data_rejection",
    fault: () =>
      rewriteRequest(route("POST", TOOL_PACKS), (request) => {
        const body = jsonOf(request);
        return body === undefined ? request : withJson(request, rewriteField(body, "auth_scope", (scope) => scope.toUpperCase()));
      }),
  },
  {
    name: "evalstudio: connector type compared without case",
    api: "evalstudio",
    description: "E7 lower-cases a connector's type before it validates, so `LangGraph` is taken as langgraph instead of answered 400",
    expectedCheck: "negative_data_rejection",
    fault: () =>
      rewriteRequest(route("POST", CONNECTORS), (request) => {
        const body = jsonOf(request);
        return body === undefined ? request : withJson(request, rewriteField(body, "type", (type) => type.toLowerCase()));
      }),
  },
  {
    name: "merge: a tool pack id read leniently",
    api: "merge",
    description: "M3 reads a tool pack id without dashes or in braces as the uuid it spells, and answers 200 instead of 404",
    expectedCheck: "negative_data_rejection",
    fault: () =>
      rewriteRequest(route("GET", TOOL_PACK), (request) => {
        const segments = pathOf(request).split("/");
        const id = segments.at(-2) ?? "";
        const parts = NEAR_UUID.exec(id);
        if (!parts || /^[0-9a-f-]{36}$/i.test(id)) return request;
        segments[segments.length - 2] = parts.slice(1).join("-");
        return { ...request, url: segments.join("/") + request.url.slice(pathOf(request).length) };
      }),
  },
];
