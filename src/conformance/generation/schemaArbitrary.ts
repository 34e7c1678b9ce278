import fc from "fast-check";
import { resolvePointer } from "../../contracts/examples.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";

/**
 * A fast-check arbitrary for the values a JSON Schema (as the contracts write it, OpenAPI 3.1 =
 * JSON Schema 2020-12) accepts. It covers the subset the four specs use: type (also as a list),
 * properties, required, additionalProperties, propertyNames, minProperties, items, minItems,
 * maxItems, enum, const, minLength, maxLength, pattern, minimum, maximum, format (uuid, date-time,
 * uri, uri-reference), oneOf, anyOf, allOf and local $ref. `if`/`then` and `not` are not
 * generated for: the caller validates each value with Ajv and counts those that miss.
 * An assertion keyword outside this list throws, so a contract that grows one fails loudly here.
 */
export type SchemaArbitraryOptions = {
  spec: OpenApiDocument;
  /** Strings worth trying for a property or parameter of this name (ids of seeded resources). */
  knownValues?: (name: string | undefined) => readonly string[];
};

type Schema = Record<string, any>;

const ANNOTATIONS = new Set([
  "description", "title", "examples", "example", "default", "deprecated", "readOnly", "writeOnly", "$comment",
  "discriminator", "externalDocs", "xml", "summary",
]);
const HANDLED = new Set([
  "type", "properties", "required", "additionalProperties", "propertyNames", "minProperties", "items", "minItems", "maxItems",
  "enum", "const", "minLength", "maxLength", "pattern", "minimum", "maximum", "format", "oneOf", "anyOf", "allOf", "$ref",
  // Not generated for (see above); the value is validated afterwards.
  "if", "then", "else", "not",
]);

/** Strings that break naive storage and encoding: NUL, lone surrogates, RTL, astral planes, SQL and format strings. */
export const NASTY_STRINGS = [
  "\u0000", "a\u0000b", "\ud800", "x\udfffy", "\udc00\ud800", "\ufeff", "\u202eevil", "𝕌𝕟𝕚𝕔𝕠𝕕𝕖", "👩‍👩‍👧‍👦", "Ω≈ç√∫",
  "'; drop table projects; --", "%s%n%x", "${jndi:ldap://x}", "{{7*7}}", "\\", "\"", "<script>alert(1)</script>", "\r\n\r\n",
  " ", "null", "NaN", "-0", "1e999", "\u0085\u2028\u2029", "ｆｕｌｌｗｉｄｔｈ", "e\u0301", "\u{10ffff}",
] as const;

/** Local addresses that refuse connections at once (TCP port 9, discard), so generated URLs never reach the network. */
const LOCAL_URLS = ["http://127.0.0.1:9", "http://127.0.0.1:9/agent", "https://localhost:9/a?b=c#d", "http://[::1]:9/"] as const;

export function arbitraryFor(schema: unknown, options: SchemaArbitraryOptions, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 12) return fc.constant(null);
  const resolved = normalise(options.spec, schema);
  if (resolved.variants) return fc.oneof(...resolved.variants.map((v) => arbitraryFor(v, options, name, depth + 1)));
  const s = resolved.schema;
  for (const key of Object.keys(s)) {
    if (!HANDLED.has(key) && !ANNOTATIONS.has(key) && !key.startsWith("x-")) throw new Error(`schemaArbitrary: keyword "${key}" is not supported (${JSON.stringify(s).slice(0, 200)})`);
  }
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : inferTypes(s);
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => arbitraryOfType(type, s, options, name, depth)));
}

function inferTypes(s: Schema): string[] {
  if (s.properties || s.additionalProperties !== undefined || s.required) return ["object"];
  if (s.items) return ["array"];
  if (s.pattern || s.format || s.minLength !== undefined) return ["string"];
  return [];
}

function arbitraryOfType(type: string, s: Schema, options: SchemaArbitraryOptions, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = s.minimum ?? -1_000_000_000;
      const max = s.maximum ?? 1_000_000_000;
      return fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max: Math.min(max, min + 1000) }) }, { weight: 1, arbitrary: fc.integer({ min, max }) }, fc.constantFrom(min, max));
    }
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: s.minimum ?? -1e12, max: s.maximum ?? 1e12 });
    case "string":
      return stringArbitrary(s, options, name);
    case "array":
      return fc.array(arbitraryFor(s.items ?? {}, options, name, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? Number.POSITIVE_INFINITY, (s.minItems ?? 0) + 3),
      });
    case "object":
      return objectArbitrary(s, options, depth);
    default:
      throw new Error(`schemaArbitrary: unknown type ${type}`);
  }
}

function stringArbitrary(s: Schema, options: SchemaArbitraryOptions, name: string | undefined): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = s.maxLength ?? 40;
  const fits = (v: string) => [...v].length >= minLength && [...v].length <= (s.maxLength ?? Number.POSITIVE_INFINITY);
  let generated: fc.Arbitrary<string>;
  if (s.format === "uuid") generated = fc.uuid();
  else if (s.format === "date-time") generated = fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }).map((d) => d.toISOString());
  else if (s.format === "uri" || s.format === "uri-reference") generated = fc.constantFrom(...LOCAL_URLS);
  else if (s.format) throw new Error(`schemaArbitrary: format ${s.format} is not supported`);
  else if (s.pattern) generated = fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  else {
    generated = fc.oneof(
      { weight: 5, arbitrary: fc.string({ minLength, maxLength }) },
      { weight: 2, arbitrary: fc.string({ unit: "binary", minLength, maxLength }) },
      { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS).filter(fits) },
    );
  }
  const known = (options.knownValues?.(name) ?? []).filter((v) => fits(v) && matchesFormat(s, v));
  return known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: generated }) : generated;
}

const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

function matchesFormat(s: Schema, value: string): boolean {
  if (s.pattern && !new RegExp(s.pattern).test(value)) return false;
  if (s.format === "uuid") return UUID.test(value);
  return !s.format;
}

function objectArbitrary(s: Schema, options: SchemaArbitraryOptions, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries((s.properties ?? {}) as Record<string, Schema>).filter(([, p]) => !isReadOnly(options.spec, p));
  const required = new Set<string>(s.required ?? []);
  const model = Object.fromEntries(properties.map(([key, p]) => [key, arbitraryFor(p, options, key, depth + 1)]));
  const declared = fc.record(model, { requiredKeys: properties.map(([k]) => k).filter((k) => required.has(k)) });
  const extraSchema = s.additionalProperties;
  if (extraSchema === false || (extraSchema === undefined && properties.length > 0)) return declared;
  const minKeys = Math.max(0, (s.minProperties ?? 0) - properties.length);
  const keyArbitrary = s.propertyNames?.pattern ? fc.stringMatching(new RegExp(s.propertyNames.pattern)) : fc.string({ minLength: 1, maxLength: 12 });
  const valueArbitrary = extraSchema === true || extraSchema === undefined ? fc.jsonValue({ maxDepth: 2 }) : arbitraryFor(extraSchema, options, undefined, depth + 1);
  const extra = fc.dictionary(keyArbitrary.filter((k) => !(k in model) && k !== "__proto__"), valueArbitrary, { minKeys, maxKeys: minKeys + 3 });
  return fc.tuple(declared, extra).map(([d, e]) => ({ ...e, ...d }));
}

function isReadOnly(spec: OpenApiDocument, schema: Schema): boolean {
  return normalise(spec, schema).schema.readOnly === true;
}

/**
 * Resolves $refs and folds allOf into one schema; an anyOf or oneOf (at the top or inside an
 * allOf member) becomes a list of variants, each merged with the rest of the schema.
 */
function normalise(spec: OpenApiDocument, raw: unknown): { schema: Schema; variants?: Schema[] } {
  let schema = deref(spec, raw);
  let choices: Schema[] | undefined;
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    schema = rest;
    for (const member of allOf as unknown[]) {
      const m = normalise(spec, member);
      schema = merge(schema, m.schema);
      if (m.variants) choices = m.variants;
    }
  }
  const own = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(own)) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    schema = rest;
    choices = (own as unknown[]).map((c) => deref(spec, c));
  }
  if (!choices) return { schema };
  return { schema, variants: choices.map((choice) => merge(schema, choice)) };
}

function deref(spec: OpenApiDocument, raw: unknown): Schema {
  let node = raw as Schema;
  for (let i = 0; node && typeof node.$ref === "string" && i < 20; i++) {
    const { $ref, ...siblings } = node;
    node = { ...(resolvePointer(spec, $ref) as Schema), ...siblings };
  }
  return node ?? {};
}

function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === "properties") out.properties = { ...(out.properties ?? {}), ...value };
    else if (key === "required") out.required = [...new Set([...(out.required ?? []), ...value])];
    else out[key] = value;
  }
  return out;
}
