import fc from "fast-check";
import { typesOf, type SchemaNode } from "../checks/schemaShapes.js";

/** What rule of the schema a generated value breaks (a finding's cause names it). */
export type InvalidKind =
  | "wrong-type"
  | "null"
  | "enum"
  | "pattern"
  | "format"
  | "too-short"
  | "too-long"
  | "oversize"
  | "below-minimum"
  | "above-maximum"
  | "too-few-items"
  | "too-many-items"
  | "empty";

export type InvalidValue = { kind: InvalidKind; value: unknown; /** How a person would say it, e.g. `a number where a string is required`. */ what: string };

/** One value of each JSON type, as it would be sent in place of a value of another type. */
const OF_TYPE: ReadonlyArray<[string, unknown]> = [
  ["string", "cc-wrong-type"],
  ["integer", 7],
  ["number", 1.5],
  ["boolean", true],
  ["array", ["cc-wrong-type"]],
  ["object", { cc: "wrong-type" }],
];

/** Formats the contracts use, each with a string that is not of that format. */
const NOT_OF_FORMAT: Record<string, string> = {
  uuid: "cc-not-a-uuid",
  "date-time": "not-a-date-time",
  date: "not-a-date",
  uri: "not a uri",
  "uri-reference": "http://[not a uri",
  email: "not-an-email",
  hostname: "not a hostname!",
};

/** Strings that are not of a format but come close to it: the mistakes a client makes. */
const NEAR_FORMAT: Record<string, string[]> = {
  "date-time": ["2026-01-01T00:00:00", "2026-13-45T25:61:00Z", "2026-01-01 00:00:00Z", "1767225600"],
  date: ["2026-13-45", "01/01/2026", "2026-01-01T00:00:00Z"],
  uri: ["/only/a/path", "no-scheme.example.com"],
  email: ["@example.com", "cc@"],
};

/** Strings that miss most patterns: empty, space, punctuation, non-ASCII, control characters. */
const PATTERN_MISSES = ["", " ", "!!!", "cc invalid ✗", "\u0000", "-", "A".repeat(3), "0"];

/** How long an "oversize" string is: far past any bound the contracts set, well under a 1 MB body limit. */
const OVERSIZE = 20_000;

/**
 * Values the schema rejects, one per rule it states (JSON Schema 2020-12 validation vocabulary,
 * §6.1–6.4; OpenAPI 3.1 §4.8.24). `examples` above 1 adds seeded random values of each kind, so
 * a deeper run tries more than the canonical one. The caller keeps only those its validator
 * rejects in place: a value this function gets wrong (a oneOf it does not see) is never sent.
 */
export function invalidValuesFor(schema: SchemaNode, valid: unknown, options: { seed: number; examples: number }): InvalidValue[] {
  const out: InvalidValue[] = [];
  const types = new Set(typesOf(schema));
  const extra = Math.max(0, options.examples - 1);
  const sample = <T>(arbitrary: fc.Arbitrary<T>, salt: number): T[] => (extra > 0 ? fc.sample(arbitrary, { seed: options.seed + salt, numRuns: extra }) : []);

  if (types.size > 0) {
    for (const [type, value] of OF_TYPE) {
      if (types.has(type) || (type === "integer" && types.has("number"))) continue;
      out.push({ kind: "wrong-type", value, what: `${article(type)} where ${[...types].join(" or ")} is required` });
    }
    if (!types.has("string")) for (const value of sample(fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }), 1)) out.push({ kind: "wrong-type", value, what: "a string where a string is not allowed" });
    if (!types.has("null")) out.push({ kind: "null", value: null, what: "null where the schema is not nullable" });
  }
  if (Array.isArray(schema.enum)) {
    const strings = schema.enum.every((v: unknown) => typeof v === "string");
    out.push({ kind: "enum", value: strings ? "cc-not-in-enum" : 987_654_321, what: "a value outside its enum" });
    if (strings) for (const value of sample(fc.string({ minLength: 1, maxLength: 16 }), 2)) out.push({ kind: "enum", value, what: "a value outside its enum" });
  }
  if (schema.const !== undefined) out.push({ kind: "enum", value: typeof schema.const === "string" ? "cc-not-the-const" : 987_654_321, what: "a value other than its const" });
  if (typeof schema.pattern === "string") {
    const regex = new RegExp(schema.pattern, "u");
    const misses = [...PATTERN_MISSES, ...sample(fc.string({ maxLength: 24, unit: "grapheme" }), 3)].filter((s) => !regex.test(s));
    for (const value of misses.slice(0, 1 + extra)) out.push({ kind: "pattern", value, what: `a string that does not match ${schema.pattern}` });
  }
  if (typeof schema.format === "string" && NOT_OF_FORMAT[schema.format]) out.push({ kind: "format", value: NOT_OF_FORMAT[schema.format], what: `a string that is not a ${schema.format}` });
  if (typeof schema.minLength === "number" && schema.minLength > 0) out.push({ kind: "too-short", value: fill(valid, schema.minLength - 1), what: `a string of ${schema.minLength - 1} characters (minLength ${schema.minLength})` });
  if (typeof schema.maxLength === "number") {
    out.push({ kind: "too-long", value: fill(valid, schema.maxLength + 1), what: `a string of ${schema.maxLength + 1} characters (maxLength ${schema.maxLength})` });
    for (const n of sample(fc.integer({ min: schema.maxLength + 2, max: schema.maxLength * 4 + 8 }), 4)) out.push({ kind: "too-long", value: fill(valid, n), what: `a string of ${n} characters (maxLength ${schema.maxLength})` });
    if (schema.maxLength < OVERSIZE) out.push({ kind: "oversize", value: fill(valid, OVERSIZE), what: `a string of ${OVERSIZE} characters (maxLength ${schema.maxLength})` });
  }
  const numeric = types.has("integer") || types.has("number");
  if (numeric && typeof schema.minimum === "number") out.push({ kind: "below-minimum", value: schema.minimum - 1, what: `${schema.minimum - 1} (minimum ${schema.minimum})` });
  if (numeric && typeof schema.exclusiveMinimum === "number") out.push({ kind: "below-minimum", value: schema.exclusiveMinimum, what: `${schema.exclusiveMinimum} (exclusiveMinimum)` });
  if (numeric && typeof schema.maximum === "number") {
    out.push({ kind: "above-maximum", value: schema.maximum + 1, what: `${schema.maximum + 1} (maximum ${schema.maximum})` });
    for (const n of sample(fc.integer({ min: schema.maximum + 2, max: schema.maximum + 1_000_000 }), 5)) out.push({ kind: "above-maximum", value: n, what: `${n} (maximum ${schema.maximum})` });
  }
  if (numeric && typeof schema.exclusiveMaximum === "number") out.push({ kind: "above-maximum", value: schema.exclusiveMaximum, what: `${schema.exclusiveMaximum} (exclusiveMaximum)` });
  if (typeof schema.minItems === "number" && schema.minItems > 0) {
    const items = Array.isArray(valid) ? valid.slice(0, schema.minItems - 1) : [];
    out.push({ kind: "too-few-items", value: items, what: `${items.length} items (minItems ${schema.minItems})` });
  }
  if (typeof schema.maxItems === "number" && Array.isArray(valid) && valid.length > 0) {
    const items = Array.from({ length: schema.maxItems + 1 }, (_, i) => valid[i % valid.length]);
    out.push({ kind: "too-many-items", value: items, what: `${items.length} items (maxItems ${schema.maxItems})` });
  }
  out.push(...nearMisses(schema, types, valid));
  return out;
}

/**
 * Values one step from valid, each breaking one rule the way a client gets it wrong: a number or
 * a boolean written as a string, a fraction or a negative where an integer is bounded, an empty
 * string, object or array where the schema wants content, an enum value in another case or with
 * a space, a value close to its format. The caller keeps only those the contract rejects.
 */
function nearMisses(schema: SchemaNode, types: Set<string>, valid: unknown): InvalidValue[] {
  const out: InvalidValue[] = [];
  const numeric = types.has("integer") || types.has("number");
  if (numeric && !types.has("string")) out.push({ kind: "wrong-type", value: String(typeof valid === "number" ? valid : 1), what: "a number written as a string" });
  if (types.has("boolean") && !types.has("string")) out.push({ kind: "wrong-type", value: String(valid === false ? false : true), what: "a boolean written as a string" });
  if (types.has("integer") && !types.has("number")) out.push({ kind: "wrong-type", value: (typeof valid === "number" ? valid : 1) + 0.5, what: "a fraction where an integer is required" });
  if (numeric && typeof schema.minimum === "number") {
    for (const n of [0, -1]) if (n < schema.minimum) out.push({ kind: "below-minimum", value: n, what: `${n} (minimum ${schema.minimum})` });
  }
  const fixed = Array.isArray(schema.enum) || typeof schema.const === "string";
  if (types.has("string") && (typeof schema.minLength === "number" || schema.pattern || schema.format || fixed)) {
    out.push({ kind: "empty", value: "", what: "an empty string where the schema wants content" });
    out.push({ kind: "empty", value: "   ", what: "only spaces where the schema wants content" });
  }
  if (types.has("object") && Array.isArray(schema.required) && schema.required.length > 0) out.push({ kind: "empty", value: {}, what: "an empty object where properties are required" });
  if (types.has("array") && typeof schema.minItems === "number" && schema.minItems > 1) out.push({ kind: "empty", value: [], what: `an empty array (minItems ${schema.minItems})` });
  if (fixed && typeof valid === "string" && valid.length > 0) {
    const otherCase = valid === valid.toUpperCase() ? valid.toLowerCase() : valid.toUpperCase();
    out.push({ kind: "enum", value: otherCase, what: "an allowed value in another case" });
    out.push({ kind: "enum", value: ` ${valid}`, what: "an allowed value with a leading space" });
    out.push({ kind: "enum", value: `${valid}_`, what: "an allowed value with a character more" });
  }
  if (typeof schema.pattern === "string" && typeof valid === "string" && valid.length > 0) out.push({ kind: "pattern", value: `${valid} `, what: `a valid value with a trailing space (pattern ${schema.pattern})` });
  for (const value of NEAR_FORMAT[schema.format as string] ?? []) out.push({ kind: "format", value, what: `a string close to a ${schema.format}, but not one` });
  if (schema.format === "uuid") {
    // The valid id itself, misspelt: a server that reads it leniently finds the resource and answers 2xx.
    const id = typeof valid === "string" && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(valid) ? valid : "0f8fad5b-d9cb-469f-a165-70867728950e";
    const hex = id.replace(/-/g, "");
    const misspelt: Array<[string, string]> = [
      [hex, "without its dashes"], [`{${id}}`, "in braces"], [`${id}0`, "with a digit more"], [id.slice(0, -1), "a digit short"],
      [`${id.slice(0, -1)}g`, "with a digit that is not hex"], [[hex.slice(0, 9), hex.slice(9, 13), hex.slice(13, 17), hex.slice(17, 21), hex.slice(21)].join("-"), "with its dashes moved"],
    ];
    for (const [value, how] of misspelt) out.push({ kind: "format", value, what: `a uuid ${how}` });
  }
  return out;
}

/** A string of n characters built from the valid value (so a pattern on its characters still holds where it can). */
function fill(valid: unknown, n: number): string {
  const seed = typeof valid === "string" && valid.length > 0 ? valid : "a";
  return seed.repeat(Math.ceil(n / seed.length) + 1).slice(0, n);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
