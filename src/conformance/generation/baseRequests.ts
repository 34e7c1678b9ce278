import fc from "fast-check";
import { collectExamples, resolvePointer, resolveRef, type MediaType } from "../../contracts/examples.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import type { OperationSpec, ParameterSpec } from "../../contracts/operationTable.js";
import type { SpecSchemaValidator } from "../../contracts/schemaValidator.js";
import { flatten, schemaAt, typesOf, type SchemaNode } from "../checks/schemaShapes.js";
import type { Probe } from "../profile.js";
import { setAt, type JsonPath } from "./jsonPaths.js";

/** A valid request one mutation is applied to. */
export type BaseRequest = { what: string; pathParams?: Record<string, string>; query?: Record<string, string>; body?: unknown };

export type BaseSources = { spec: OpenApiDocument; validator: SpecSchemaValidator; parameterValidator: SpecSchemaValidator; seed: number; examples: number };

/** Names of fields that hold the id, key or slug of another resource: a value for them is never invented, only taken from the contract's examples. */
const NAMES_A_REFERENCE = /(^|_)(id|ids|slug|slugs|key|names?)$|Id$|ID$|Ids$/i;

/**
 * The valid requests of one operation that mutations start from: the profile's probe, then the
 * body with only its required keys (at every level), the probe plus each optional property it
 * lacks, the probe with all of them, each of the contract's own request examples (they cover the
 * oneOf/anyOf branches the vendor documents), arrays of several items, and the same for optional
 * query parameters, present and absent. One mutation applied to several valid requests is several
 * cases (Specmatic's generative mode multiplies the same way); each base is validated against the
 * contract first and dropped when it does not pass, so a mutation stays the only thing wrong.
 * A value the probe lacks comes from the contract (examples, default, enum, bounds), never
 * invented for a field that names another resource: a server would answer a made-up reference
 * with a 404, not the invalid-input status.
 */
export function baseRequestsFor(sources: BaseSources, operation: OperationSpec, probe: Probe | undefined): { query: BaseRequest[]; body: BaseRequest[] } {
  const probeBase: BaseRequest = { what: "the probe request", pathParams: probe?.pathParams, query: probe?.query, body: probe?.body };
  return { query: distinct(queryBases(sources, operation, probeBase)), body: distinct(bodyBases(sources, operation, probeBase)) };
}

function queryBases(sources: BaseSources, operation: OperationSpec, probe: BaseRequest): BaseRequest[] {
  const parameters = operation.parameters.filter((p) => p.in === "query");
  const out: BaseRequest[] = [probe];
  if (parameters.length === 0) return out;
  const given = probe.query ?? {};
  const valid = (query: Record<string, string>) =>
    parameters.every((p) => (query[p.name] === undefined ? !p.required : sources.parameterValidator.validate(p.schemaPointer, query[p.name]).length === 0));
  const add = (what: string, query: Record<string, string>) => {
    if (valid(query)) out.push({ ...probe, what, query });
  };
  const required = Object.fromEntries(Object.entries(given).filter(([name]) => parameters.some((p) => p.name === name && p.required)));
  add("the probe with only its required query parameters", required);
  const all: Record<string, string> = { ...given };
  for (const parameter of parameters) {
    if (parameter.name in given) continue;
    for (const value of queryValues(sources, parameter)) {
      add(`the probe with ${parameter.name}=${value}`, { ...given, [parameter.name]: value });
      all[parameter.name] ??= value;
    }
  }
  add("the probe with every optional query parameter", all);
  return out;
}

/** Values of a query parameter the contract gives: its examples, default, each enum value, its bounds. */
function queryValues(sources: BaseSources, parameter: ParameterSpec): string[] {
  const raw = resolvePointer(sources.spec, `#${parameter.schemaPointer.replace(/\/schema$/, "")}`) as Record<string, unknown> | undefined;
  const schema = schemaAt(sources.spec, parameter.schemaPointer);
  const values = [
    ...(raw?.example !== undefined ? [raw.example] : []),
    ...Object.values((raw?.examples ?? {}) as Record<string, unknown>).map((e) => (resolveRef(sources.spec, e) as { value?: unknown })?.value),
    ...contractValues(schema),
  ];
  if (values.length === 0) {
    const value = valueFor(sources, schema, parameter.name, [], 0);
    if (value !== undefined) values.push(value);
  }
  return [...new Set(values.filter((v) => v !== undefined && v !== null && typeof v !== "object").map(String))];
}

function bodyBases(sources: BaseSources, operation: OperationSpec, probe: BaseRequest): BaseRequest[] {
  const requestBody = operation.requestBody;
  if (!requestBody) return [probe];
  const pointer = requestBody.schemaPointer;
  const isValid = (body: unknown) => body !== undefined && sources.validator.validate(pointer, body).length === 0;
  const schema = schemaAt(sources.spec, pointer);
  const bodyExamples = collectExamples(sources.spec, resolvePointer(sources.spec, `#${pointer.replace(/\/schema$/, "")}`) as MediaType | undefined).map(([, value]) => value);
  const out: BaseRequest[] = [probe];
  const add = (what: string, body: unknown) => {
    if (isValid(body)) out.push({ ...probe, what, body });
  };
  const context = { ...sources, bodyExamples };
  const seeds: Array<[string, unknown]> = [["the probe", probe.body], ...bodyExamples.map((example, i): [string, unknown] => [`the contract's request example ${i + 1}`, example])];
  for (const [name, seed] of seeds.filter(([, body]) => isValid(body))) {
    add(name, seed);
    add(`${name} with only its required keys, at every level`, minimal(sources.spec, schema, seed));
    const optional = absentOptional(context, schema, seed, []);
    for (const { path, value } of optional) add(`${name} plus ${path.join(".")} = ${JSON.stringify(value)}`, setAt(seed, path, value));
    const firstOfEach = optional.filter(({ path }, i) => optional.findIndex((o) => o.path.join(".") === path.join(".")) === i);
    add(`${name} with every optional key the contract gives a value for`, firstOfEach.reduce((body, { path, value }) => setAt(body, path, value), seed));
    for (const { path, items } of longerArrays(sources.spec, schema, seed, [])) add(`${name} with ${items.length} items in ${path.join(".") || "the body"}`, setAt(seed, path, items));
  }
  return out;
}

/** The value with every property its schema does not require removed, at every level. */
function minimal(spec: OpenApiDocument, schema: SchemaNode, value: unknown, depth = 0): unknown {
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => minimal(spec, flatten(spec, schema.items), item, depth + 1));
  if (!value || typeof value !== "object" || !schema.properties) return value;
  const required = new Set<string>((schema.required ?? []) as string[]);
  const properties = schema.properties as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => required.has(key))
      .map(([key, child]) => [key, key in properties ? minimal(spec, flatten(spec, properties[key]), child, depth + 1) : child]),
  );
}

type ValueContext = BaseSources & { bodyExamples: unknown[] };

/** Each optional property a valid value lacks, at every level, with a value the contract gives it. */
function absentOptional(context: ValueContext, schema: SchemaNode, value: unknown, path: JsonPath, depth = 0): Array<{ path: JsonPath; value: unknown }> {
  if (depth > 8) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => absentOptional(context, flatten(context.spec, schema.items), item, [...path, i], depth + 1));
  if (!value || typeof value !== "object" || !schema.properties) return [];
  const record = value as Record<string, unknown>;
  return Object.entries(schema.properties as Record<string, unknown>).flatMap(([key, raw]) => {
    const property = flatten(context.spec, raw);
    if (property.readOnly) return [];
    if (key in record) return absentOptional(context, property, record[key], [...path, key], depth + 1);
    // A reference is only good with what it refers to (a tool name with its connector): never moved from another example or invented.
    if (NAMES_A_REFERENCE.test(key) && !Array.isArray(property.enum) && property.const === undefined) return [];
    const named = [...fromExamples(context.bodyExamples, [...path, key]), ...contractValues(property)];
    // A deeper run (--examples N) tries up to N of the values the contract names, each in its own base.
    const values = named.length > 0 ? distinctValues(named).slice(0, context.examples) : [valueFor(context, property, key, [...path, key], 0)].filter((v) => v !== undefined);
    return values.map((value) => ({ path: [...path, key], value }));
  });
}

/** Arrays of the value made longer with the items the contract's examples hold at the same place, or a second copy of the first item. */
function longerArrays(spec: OpenApiDocument, schema: SchemaNode, value: unknown, path: JsonPath, depth = 0): Array<{ path: JsonPath; items: unknown[] }> {
  if (depth > 8) return [];
  if (Array.isArray(value)) {
    const inner = value.flatMap((item, i) => longerArrays(spec, flatten(spec, schema.items), item, [...path, i], depth + 1));
    return value.length > 0 ? [{ path, items: [...value, value[0]] }, ...inner] : inner;
  }
  if (!value || typeof value !== "object" || !schema.properties) return [];
  const properties = schema.properties as Record<string, unknown>;
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => (key in properties ? longerArrays(spec, flatten(spec, properties[key]), child, [...path, key], depth + 1) : []));
}

/** The values the contract's request examples hold at this path (an array index matches any item). */
function fromExamples(examples: unknown[], path: JsonPath): unknown[] {
  const find = (node: unknown, rest: JsonPath): unknown[] => {
    if (node === undefined) return [];
    if (rest.length === 0) return [node];
    const [head, ...tail] = rest as [string | number, ...JsonPath];
    if (typeof head === "number") return Array.isArray(node) ? node.flatMap((item) => find(item, tail)) : [];
    return node && typeof node === "object" && !Array.isArray(node) ? find((node as Record<string, unknown>)[head], tail) : [];
  };
  return examples.flatMap((example) => find(example, path));
}

function distinctValues(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => !seen.has(JSON.stringify(value)) && Boolean(seen.add(JSON.stringify(value))));
}

/** The values a schema names itself: example(s), default, const, enum. */
function contractValues(schema: SchemaNode): unknown[] {
  return [
    ...(schema.example !== undefined ? [schema.example] : []),
    ...(Array.isArray(schema.examples) ? schema.examples : []),
    ...(schema.default !== undefined ? [schema.default] : []),
    ...(schema.const !== undefined ? [schema.const] : []),
    ...(Array.isArray(schema.enum) ? schema.enum : []),
  ];
}

/**
 * A valid value of the schema for a property the probe lacks: one the contract names, else the
 * simplest value its type and bounds allow (a pattern is sampled with the run's seed). Undefined
 * when the property names another resource and the contract gives no value for it.
 */
function valueFor(sources: BaseSources, schema: SchemaNode, name: string, path: JsonPath, depth: number): unknown {
  const named = contractValues(schema);
  if (named.length > 0) return named[0];
  if (depth > 4 || schema.oneOf || schema.anyOf) return undefined;
  const types = typesOf(schema).concat(schema.properties ? ["object"] : []);
  if (types.includes("boolean")) return true;
  if (types.includes("integer") || types.includes("number")) {
    const low = typeof schema.minimum === "number" ? schema.minimum : typeof schema.exclusiveMinimum === "number" ? Math.floor(schema.exclusiveMinimum) + 1 : 1;
    return typeof schema.maximum === "number" ? Math.min(low, schema.maximum) : low;
  }
  if (types.includes("object")) {
    const required = (schema.required ?? []) as string[];
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    const entries = required.map((key) => [key, valueFor(sources, flatten(sources.spec, properties[key]), key, [...path, key], depth + 1)] as const);
    return entries.every(([, v]) => v !== undefined) ? Object.fromEntries(entries) : undefined;
  }
  if (types.includes("array")) {
    const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
    if (minItems === 0) return [];
    const item = valueFor(sources, flatten(sources.spec, schema.items), name, [...path, 0], depth + 1);
    return item === undefined ? undefined : Array.from({ length: minItems }, () => item);
  }
  if (!types.includes("string") || NAMES_A_REFERENCE.test(name) || schema["x-secret"]) return undefined;
  if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
  if (schema.format === "date") return "2026-01-01";
  if (schema.format === "uri" || schema.format === "uri-reference") return "http://127.0.0.1:9/";
  if (schema.format === "email") return "cc-conformance@example.com";
  if (schema.format) return undefined;
  if (typeof schema.pattern === "string") {
    const [sampled] = fc.sample(fc.stringMatching(new RegExp(schema.pattern, "u")).filter((s) => fits(schema, s)), { seed: sources.seed, numRuns: 1 });
    return sampled;
  }
  const text = "cc conformance base value";
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : text.length;
  return text.padEnd(min, "x").slice(0, Math.max(min, Math.min(max, text.length)));
}

function fits(schema: SchemaNode, value: string): boolean {
  const length = [...value].length;
  return length >= (schema.minLength ?? 0) && length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
}

function distinct(bases: BaseRequest[]): BaseRequest[] {
  const seen = new Set<string>();
  return bases.filter((base) => {
    const key = JSON.stringify([base.pathParams, base.query, base.body]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
