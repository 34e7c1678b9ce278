import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationSpec, ParameterSpec } from "../../contracts/operationTable.js";
import type { SpecSchemaValidator } from "../../contracts/schemaValidator.js";
import { flatten, schemaAt, typesOf, type SchemaNode } from "../checks/schemaShapes.js";
import type { Probe } from "../profile.js";
import { baseRequestsFor } from "./baseRequests.js";
import { invalidValuesFor, type InvalidKind } from "./invalidValues.js";
import { removeAt, setAt, type JsonPath } from "./jsonPaths.js";

export type CaseKind = InvalidKind | "missing-required" | "repeated-key" | "unknown-property" | "malformed-json" | "empty-body" | "missing-body" | "wrong-content-type";
export type CaseLocation = "body" | "query" | "path";

/** One request that breaks the contract in exactly one way, made from a valid request by one change. */
export type NegativeCase = {
  kind: CaseKind;
  location: CaseLocation;
  /** Where the change is, e.g. `body.items[0].name`, `query.page`, `path.id`, `body`. */
  where: string;
  /** What the change is, as a person would say it. */
  what: string;
  pathParams?: Record<string, string>;
  /** A list repeats the key. */
  query?: Record<string, string | readonly string[]>;
  /** The JSON body (undefined with rawBody also undefined: no body at all). */
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  /** The JSON path of the change inside the body, for shrinking (the rest of the body may go). */
  bodyPath?: JsonPath;
};

export type CaseSources = {
  spec: OpenApiDocument;
  /** Validates request bodies as sent (JSON, no coercion). */
  validator: SpecSchemaValidator;
  /** Validates path and query parameters as a server reads them (strings coerced to the schema's type). */
  parameterValidator: SpecSchemaValidator;
  seed: number;
  examples: number;
};

/** The name an unknown property gets: recognisable, and unlike any field a contract declares. */
const UNKNOWN_PROPERTY = "cc_unknown_property";

/**
 * Every negative case the contract gives one operation, starting from the valid request the
 * profile prepared. Generated from the operation's schemas (OpenAPI 3.1 §4.8.12 Parameter
 * Object, §4.8.13 Request Body Object), so a new field or operation gets cases without code
 * changes; each case is kept only when the contract's own validator rejects it.
 */
export function negativeCasesFor(sources: CaseSources, operation: OperationSpec, probe: Probe | undefined): NegativeCase[] {
  const bases = baseRequestsFor(sources, operation, probe);
  const parameters = operation.parameters.filter((p) => p.in === "path" || p.in === "query");
  const cases = [
    ...bases.query.flatMap((base) => parameters.flatMap((p) => parameterCases(sources, p, base))),
    ...(operation.requestBody ? bases.body.flatMap((base, i) => bodyCases(sources, operation.requestBody!, base, i === 0)) : []),
  ];
  // Distinct requests: the same bytes reached from two bases (or by two rules) are one case.
  const seen = new Set<string>();
  return cases.filter((c) => {
    const key = requestKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What makes two cases the same request: path, query, content type and body bytes. */
export function requestKey(c: NegativeCase): string {
  return `${JSON.stringify(c.pathParams)}|${JSON.stringify(c.query)}|${c.contentType}|${c.rawBody ?? JSON.stringify(c.body)}`;
}

type Base = { pathParams?: Record<string, string>; query?: Record<string, string>; body?: unknown };

function parameterCases(sources: CaseSources, parameter: ParameterSpec, base: Base): NegativeCase[] {
  const location = parameter.in as CaseLocation;
  const values = location === "path" ? base.pathParams : base.query;
  const current = values?.[parameter.name];
  const where = `${location}.${parameter.name}`;
  const schema = schemaAt(sources.spec, parameter.schemaPointer);
  const out: NegativeCase[] = [];
  const withValue = (value: string | readonly string[] | undefined): Pick<NegativeCase, "pathParams" | "query"> => {
    const changed: Record<string, string | readonly string[]> = { ...values };
    if (value === undefined) delete changed[parameter.name];
    else changed[parameter.name] = value;
    return location === "path" ? { pathParams: changed as Record<string, string>, query: base.query } : { pathParams: base.pathParams, query: changed };
  };
  if (location === "query" && parameter.required && current !== undefined) {
    out.push({ kind: "missing-required", location, where, what: `the required query parameter ${parameter.name} missing`, ...withValue(undefined), body: base.body });
  }
  // A scalar sent twice (`?page=1&page=1`): a query string parser reads a list (Node's querystring, qs), which the scalar schema rejects (OpenAPI 3.1 §4.8.12.4: form style, one value unless the schema is an array).
  if (location === "query" && current !== undefined && !typesOf(schema).includes("array")) {
    const twice = [current, current];
    if (sources.parameterValidator.validate(parameter.schemaPointer, twice).length > 0) {
      out.push({ kind: "repeated-key", location, where, what: `${parameter.name} given twice (${parameter.name}=${preview(current)}&${parameter.name}=${preview(current)})`, ...withValue(twice), body: base.body });
    }
  }
  // A path or query value travels in the request line: an oversize one meets the server's header limit (431), not the contract.
  for (const invalid of invalidValuesFor(schema, current, sources)) {
    if (invalid.kind === "oversize" || invalid.value === null || typeof invalid.value === "object") continue;
    const text = String(invalid.value);
    if (location === "path" && text === "") continue;
    if (sources.parameterValidator.validate(parameter.schemaPointer, text).length === 0) continue;
    out.push({ kind: invalid.kind, location, where, what: `${parameter.name} = ${preview(text)}: ${invalid.what}`, ...withValue(text), body: base.body });
  }
  return out;
}

function bodyCases(sources: CaseSources, requestBody: NonNullable<OperationSpec["requestBody"]>, base: Base, first: boolean): NegativeCase[] {
  const common = { location: "body" as const, pathParams: base.pathParams, query: base.query };
  const out: NegativeCase[] = [];
  // What breaks the body as a whole is the same request from every base: once, with the first.
  if (first) out.push({ ...common, kind: "malformed-json", where: "body", what: "malformed JSON", rawBody: '{"unterminated": ' });
  out.push({ ...common, kind: "malformed-json", where: "body", what: "a valid body cut off before its end", rawBody: JSON.stringify(base.body ?? {}).slice(0, -1) });
  if (requestBody.required && first) {
    // Express's body-parser, and others, read an empty JSON body as {}: a server may, so the case only counts where {} is invalid too.
    if (sources.validator.validate(requestBody.schemaPointer, {}).length > 0) {
      out.push({ ...common, kind: "empty-body", where: "body", what: "an empty body (Content-Type application/json, no bytes)", rawBody: "" });
    }
    out.push({ ...common, kind: "missing-body", where: "body", what: "no body at all" });
  }
  if (requestBody.required) out.push({ ...common, kind: "wrong-content-type", where: "body", what: "a valid body sent as text/plain", rawBody: JSON.stringify(base.body ?? {}), contentType: "text/plain" });
  const valid = base.body;
  // Mutations of a valid body prove something only if that body is valid to begin with.
  if (valid === undefined || sources.validator.validate(requestBody.schemaPointer, valid).length > 0) return out;
  const rejected = (body: unknown) => sources.validator.validate(requestBody.schemaPointer, body).length > 0;
  for (const mutation of mutationsOf(sources, schemaAt(sources.spec, requestBody.schemaPointer), valid, [])) {
    // An oversize value tests the server's size limit, not the rest of the body: once, from the first base.
    if (mutation.kind === "oversize" && !first) continue;
    const body = mutation.remove ? removeAt(valid, mutation.path) : setAt(valid, mutation.path, mutation.value);
    if (!rejected(body)) continue;
    out.push({ ...common, kind: mutation.kind, where: ["body", ...mutation.path].join("."), what: mutation.what, body, bodyPath: mutation.path });
  }
  return out;
}

type Mutation = { kind: CaseKind; path: JsonPath; what: string; value?: unknown; remove?: boolean };

/** Walks a schema and a valid value of it together, yielding one mutation per rule at every level. */
function* mutationsOf(sources: CaseSources, schema: SchemaNode, value: unknown, path: JsonPath, depth = 0): Generator<Mutation> {
  if (depth > 8) return;
  for (const invalid of invalidValuesFor(schema, value, sources)) {
    yield { kind: invalid.kind, path, what: `${path.length === 0 ? "the body" : label(path)} as ${preview(invalid.value)}: ${invalid.what}`, value: invalid.value };
  }
  if (Array.isArray(value)) {
    const items = flatten(sources.spec, schema.items);
    for (const [i, item] of value.entries()) yield* mutationsOf(sources, items, item, [...path, i], depth + 1);
    // An item of the wrong type, or null, added after the valid ones.
    for (const invalid of invalidValuesFor(items, value[0], sources).filter((v) => v.kind === "wrong-type" || v.kind === "null")) {
      yield { kind: invalid.kind, path: [...path, value.length], what: `${label([...path, value.length])} added as ${preview(invalid.value)}: ${invalid.what}`, value: invalid.value };
    }
    return;
  }
  if (!value || typeof value !== "object" || !typesOf(schema).concat(schema.properties ? ["object"] : []).includes("object")) return;
  const record = value as Record<string, unknown>;
  for (const field of (schema.required ?? []) as string[]) {
    if (field in record) yield { kind: "missing-required", path: [...path, field], what: `the required field ${label([...path, field])} missing`, remove: true };
  }
  for (const [field, raw] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    const property = flatten(sources.spec, raw);
    if (property.readOnly) continue;
    yield* mutationsOf(sources, property, record[field], [...path, field], depth + 1);
  }
  if (schema.additionalProperties === false || schema.unevaluatedProperties === false) {
    yield { kind: "unknown-property", path: [...path, UNKNOWN_PROPERTY], what: `an unknown property ${label([...path, UNKNOWN_PROPERTY])} in a closed object`, value: "cc-unknown" };
  }
}

function label(path: JsonPath): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `"${p}"`)).join(".");
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 30)}…(${text.length} chars)` : text;
}
