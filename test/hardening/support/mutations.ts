import fc from "fast-check";
import { readDevKeys } from "../../../src/server/fixtures.js";
import { API_NAMES } from "../../../src/contracts/apiNames.js";
import { gzipJson, percentEncode, type DraftRequest } from "./draftRequest.js";
import { NASTY_STRINGS } from "../../../src/conformance/generation/schemaArbitrary.js";

/**
 * The ways a fuzzed request is made invalid, as plain data (so fast-check can print, shrink and
 * replay them), and one function that applies a mutation to a valid draft. `at` picks a node of
 * the JSON body (modulo the number of nodes), so every mutation applies to any body.
 */
export type Mutation =
  | { kind: "wrong-type"; at: number; value: unknown }
  | { kind: "huge-string"; at: number; unit: string }
  | { kind: "deep-nesting"; at: number; shape: "array" | "object" }
  | { kind: "unicode-string"; at: number; value: string }
  | { kind: "invalid-utf8"; at: number; bytesHex: string }
  | { kind: "missing-field"; at: number }
  | { kind: "extra-field"; at: number; key: string; value: unknown }
  | { kind: "no-body" }
  | { kind: "bad-credential"; value: string | null }
  | { kind: "content-type"; value: string | null }
  | { kind: "duplicate-header"; name: string; second: string }
  | { kind: "content-encoding"; value: string; compressed: boolean }
  | { kind: "malformed-json"; text: string }
  | { kind: "truncated-json"; at: number }
  | { kind: "path-id"; param: number; raw: string }
  | { kind: "query-garbage"; raw: string }
  | { kind: "method"; method: string };

/** 100 KB, the "huge string" (in code units of `unit`). */
const HUGE_STRING_BYTES = 100_000;
/** The "deep nesting". */
const NESTING_DEPTH = 1_000;

const OTHER_KEYS = API_NAMES.flatMap((api) => readDevKeys(api).map((k) => k.key));

const WRONG_VALUES: unknown[] = [0, -1, 1.5, 2 ** 53 + 1, 1e308, true, false, null, "", "text", "0", [], [1, "a"], {}, { a: 1 }, [[[]]]];

/** Byte sequences that are not valid UTF-8, and JSON escapes that JSON.parse accepts but storage may not. */
const BAD_BYTES = [
  "eda080", // a surrogate half in UTF-8 (CESU-8)
  "c0af", // an overlong "/"
  "fffe",
  "f4908080", // past U+10FFFF
  "80", // a lone continuation byte
  "e282", // truncated
  "f09f98", // a truncated emoji
  "00", // a raw NUL inside a JSON string (not allowed by RFC 8259)
  "5c7564383030", // \ud800
  "5c75646330305c7564383030", // \udc00\ud800
  "5c7530303030", // \u0000
  "5c7532303265", // \u202e
];

const PATH_GARBAGE = [
  "..", ".", "%2e%2e", "%2E%2E%2F%2E%2E", "%2F", "a%2Fb", "%", "%zz", "%E0%A4%A", "%00", "%ED%A0%80", "%FF", "%C0%AF", "~", "%20",
  "null", "undefined", "0", "-1", "%7Bid%7D", ":id", "*", "%2A", "%25", "%F0%9F%98%80", "%E2%80%AE", "a;b", "a,b", "@", "!$&'()*+,;=",
];

const QUERY_GARBAGE = [
  "page=1&page=2", "page=abc", "page=-1", "page=0", "page=1e400", "page=99999999999999999999", "page=1.5", "page_size=0", "page_size=101",
  "limit=0", "limit=101", "limit=abc", "projectID[]=x", "projectID[a]=b", "projectID=", "projectID=%00", "source_key=%00",
  "source_key=a&source_key=b", "profile_id[x]=1", "execution_id=%ED%A0%80", "a=%ZZ", "%=%", "&&&", "=", "a", "x=%00", "x=%ED%A0%80",
  "x=%FF%FE", "__proto__[x]=1", "constructor[prototype][x]=1", "toString=1", "hasOwnProperty=1",
];

const MALFORMED_JSON = [
  "", " ", "{", "}", "[", "{\"a\":}", "{'a':1}", "{a:1}", "[1,]", "{\"a\":1,}", "NaN", "undefined", "nul", "tru", "\"unterminated",
  "{\"a\":1}{\"b\":2}", "/* c */{}", "\ufeff{}", "1e999", "-", "0x10", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "\u0000",
  "{\"__proto__\":{\"polluted\":1}}", "{\"constructor\":{\"prototype\":{\"polluted\":1}}}", "[".repeat(5000), "{\"a\":".repeat(3000),
];

const CONTENT_TYPES = [
  "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
  "application/json; charset=latin1", "application/json; charset=\"utf-8\"", "application/xml", "", "application/vnd.api+json",
  "application/merge-patch+json", "*/*", "application/json;;;", "APPLICATION/JSON", "application/json ; charset=UTF-8", "json", "application/",
];

/** Methods HTTP/1.1 parsers know (an unknown token is refused by Node's parser before the app: requestLimits.test.ts). */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "TRACE", "SEARCH"];

const headerValue = fc.oneof(
  fc.string({ unit: "grapheme-ascii", maxLength: 60 }),
  fc.constantFrom("", " ", "Bearer", "Bearer ", "bearer", "Basic dXNlcjpwYXNz", "Bearer null", "Bearer ../../etc/passwd", "clé\xff", "a".repeat(8000)),
  fc.constantFrom(...OTHER_KEYS).chain((k) => fc.constantFrom(k, `Bearer ${k}`, `${k} ${k}`, ` ${k}`, `Bearer  ${k}`, `${k}x`, k.toUpperCase())),
);

/** Any one mutation (the fuzzer applies one or two to each valid request). */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("wrong-type" as const), at: fc.nat(), value: fc.constantFrom(...WRONG_VALUES) }),
  fc.record({ kind: fc.constant("huge-string" as const), at: fc.nat(), unit: fc.constantFrom("x", "é", "😀", "\u0000", " ") }),
  fc.record({ kind: fc.constant("deep-nesting" as const), at: fc.nat(), shape: fc.constantFrom("array" as const, "object" as const) }),
  fc.record({
    kind: fc.constant("unicode-string" as const),
    at: fc.nat(),
    value: fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 40 }), fc.constantFrom(...NASTY_STRINGS)),
  }),
  fc.record({ kind: fc.constant("invalid-utf8" as const), at: fc.nat(), bytesHex: fc.constantFrom(...BAD_BYTES) }),
  fc.record({ kind: fc.constant("missing-field" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("extra-field" as const),
    at: fc.nat(),
    key: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom("__proto__", "constructor", "id", "account_id", "accountId", "created_at")),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.constant({ kind: "no-body" as const }),
  fc.record({ kind: fc.constant("bad-credential" as const), value: fc.option(headerValue, { nil: null }) }),
  fc.record({ kind: fc.constant("content-type" as const), value: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: null }) }),
  fc.record({
    kind: fc.constant("duplicate-header" as const),
    name: fc.constantFrom("credential", "content-type", "accept", "x-request-id", "content-encoding", "prefer"),
    second: headerValue,
  }),
  fc.record({ kind: fc.constant("content-encoding" as const), value: fc.constantFrom("gzip", "deflate", "br", "identity", "x-unknown", "gzip, gzip"), compressed: fc.boolean() }),
  fc.record({ kind: fc.constant("malformed-json" as const), text: fc.constantFrom(...MALFORMED_JSON) }),
  fc.record({ kind: fc.constant("truncated-json" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("path-id" as const),
    param: fc.nat(),
    raw: fc.oneof(
      fc.constantFrom(...PATH_GARBAGE),
      fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).map(percentEncode),
      fc.integer({ min: 100, max: 4000 }).map((n) => "a".repeat(n)),
      fc.uuid().map((u) => u.toUpperCase()),
    ),
  }),
  fc.record({
    kind: fc.constant("query-garbage" as const),
    raw: fc.oneof(
      fc.constantFrom(...QUERY_GARBAGE),
      fc.tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 10 }), fc.string({ unit: "binary", maxLength: 40 })).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`),
      fc.integer({ min: 10, max: 500 }).map((n) => Array.from({ length: n }, (_, i) => `p${i}=${i}`).join("&")),
    ),
  }),
  fc.record({ kind: fc.constant("method" as const), method: fc.constantFrom(...METHODS) }),
);

type JsonPath = Array<string | number>;

/** Every node of a JSON value (root first), up to `limit` nodes. */
function nodesOf(value: unknown, limit = 200): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (node: unknown, path: JsonPath) => {
    if (out.length >= limit) return;
    out.push(path);
    if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i]));
    else if (node && typeof node === "object") for (const [k, child] of Object.entries(node)) walk(child, [...path, k]);
  };
  walk(value, []);
  return out;
}

function getAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], value);
}

/** A copy of `value` with the node at `path` replaced (or removed, for `remove`). */
function setAt(value: unknown, path: JsonPath, replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Record<string, unknown>)[last];
  } else {
    Object.defineProperty(parent, last, { value: replacement, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function pick<T>(list: readonly T[], at: number): T | undefined {
  return list.length === 0 ? undefined : list[at % list.length];
}

function nested(depth: number, shape: "array" | "object"): unknown {
  let node: unknown = "bottom";
  for (let i = 0; i < depth; i++) node = shape === "array" ? [node] : { a: node };
  return node;
}

/** The JSON body to mutate: the draft's, or an empty object for a request that had none. */
function jsonBodyOf(draft: DraftRequest): unknown {
  return draft.body.kind === "json" ? draft.body.value : {};
}

function withJsonBody(draft: DraftRequest, value: unknown): DraftRequest {
  const headers = draft.headers.some(([n]) => n === "content-type") ? draft.headers : [...draft.headers, ["content-type", "application/json"] as [string, string]];
  return { ...draft, headers, body: { kind: "json", value } };
}

function replaceHeader(draft: DraftRequest, name: string, value: string | null): DraftRequest {
  const headers = draft.headers.filter(([n]) => n !== name);
  if (value !== null) headers.push([name, value]);
  return { ...draft, headers };
}

/** Applies one mutation to a draft (a new draft; the input is not changed). */
export function applyMutation(draft: DraftRequest, m: Mutation, credentialName: string): DraftRequest {
  const body = jsonBodyOf(draft);
  switch (m.kind) {
    case "wrong-type":
      return withJsonBody(draft, setAt(body, pick(nodesOf(body), m.at)!, m.value));
    case "huge-string":
      return withJsonBody(draft, setAt(body, pick(nodesOf(body), m.at)!, m.unit.repeat(Math.ceil(HUGE_STRING_BYTES / Buffer.byteLength(m.unit)))));
    case "deep-nesting":
      return withJsonBody(draft, setAt(body, pick(nodesOf(body), m.at)!, nested(NESTING_DEPTH, m.shape)));
    case "unicode-string": {
      const strings = nodesOf(body).filter((p) => typeof getAt(body, p) === "string");
      const target = pick(strings, m.at) ?? pick(nodesOf(body), m.at)!;
      return withJsonBody(draft, setAt(body, target, m.value));
    }
    case "invalid-utf8": {
      const marker = "\u0001MARK\u0001";
      const strings = nodesOf(body).filter((p) => typeof getAt(body, p) === "string");
      const target = pick(strings, m.at) ?? pick(nodesOf(body), m.at)!;
      const text = JSON.stringify(setAt(body, target, marker));
      const [before, after] = text.split(JSON.stringify(marker).slice(1, -1));
      const bytes = Buffer.concat([Buffer.from(before ?? ""), Buffer.from(m.bytesHex, "hex"), Buffer.from(after ?? "")]);
      return { ...withJsonBody(draft, body), body: { kind: "bytes", bytes, label: `JSON with bytes ${m.bytesHex} in a string` } };
    }
    case "missing-field": {
      const removable = nodesOf(body).filter((p) => p.length > 0);
      const target = pick(removable, m.at);
      return target ? withJsonBody(draft, setAt(body, target, undefined, true)) : { ...draft, body: { kind: "none" } };
    }
    case "extra-field": {
      const objects = nodesOf(body).filter((p) => { const n = getAt(body, p); return n !== null && typeof n === "object" && !Array.isArray(n); });
      const target = pick(objects, m.at);
      return target ? withJsonBody(draft, setAt(body, [...target, m.key], m.value)) : withJsonBody(draft, { [m.key]: m.value });
    }
    case "no-body":
      return { ...draft, body: { kind: "none" } };
    case "bad-credential":
      return replaceHeader(draft, credentialName, m.value);
    case "content-type":
      return replaceHeader(draft, "content-type", m.value);
    case "duplicate-header": {
      const name = m.name === "credential" ? credentialName : m.name;
      const first = draft.headers.find(([n]) => n === name)?.[1] ?? "application/json";
      return { ...draft, headers: [...draft.headers.filter(([n]) => n !== name), [name, first], [name, m.second]] };
    }
    case "content-encoding": {
      const encoded = replaceHeader(withJsonBody(draft, body), "content-encoding", m.value);
      return m.compressed ? { ...encoded, body: { kind: "bytes", bytes: gzipJson(body), label: "gzip of the JSON body" } } : encoded;
    }
    case "malformed-json":
      return { ...withJsonBody(draft, body), body: { kind: "bytes", bytes: Buffer.from(m.text, "utf8"), label: "malformed JSON" } };
    case "truncated-json": {
      const text = JSON.stringify(body) ?? "";
      const cut = text.length <= 1 ? 0 : m.at % (text.length - 1);
      return { ...withJsonBody(draft, body), body: { kind: "bytes", bytes: Buffer.from(text.slice(0, cut), "utf8"), label: `JSON cut at ${cut}` } };
    }
    case "path-id": {
      const names = Object.keys(draft.pathValues);
      const name = pick(names, m.param);
      return name ? { ...draft, pathValues: { ...draft.pathValues, [name]: m.raw } } : { ...draft, pathSuffix: `/${m.raw}` };
    }
    case "query-garbage":
      return { ...draft, query: [...draft.query, m.raw] };
    case "method":
      return { ...draft, method: m.method };
  }
}
