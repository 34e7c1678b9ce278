import fc from "fast-check";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import { flatten, typesOf, type SchemaNode } from "../checks/schemaShapes.js";
import type { JsonPath } from "./jsonPaths.js";

/** Names of fields that hold the id, key or slug of another resource: not free text, whatever their schema says. */
const NAMES_AN_ID = /(^|_)(id|slug|key|url|uri|type|status)$|Id$|ID$|Key$|Url$/i;

/** A string field of a request body that takes any text: no enum, const, format or pattern, and not an id or a secret. */
export type TextField = { path: JsonPath; minLength: number; maxLength?: number };

/** The free-text fields present in a valid body, found by walking the body and its schema together. */
export function textFieldsOf(spec: OpenApiDocument, schema: SchemaNode, value: unknown, path: JsonPath = [], depth = 0): TextField[] {
  if (depth > 8) return [];
  if (typeof value === "string") {
    const free = typesOf(schema).includes("string") && !schema.enum && schema.const === undefined && !schema.format && !schema.pattern && !schema["x-secret"];
    const name = path.at(-1);
    return free && typeof name === "string" && !NAMES_AN_ID.test(name) ? [{ path, minLength: schema.minLength ?? 0, maxLength: schema.maxLength }] : [];
  }
  if (Array.isArray(value)) return value.length > 0 ? textFieldsOf(spec, flatten(spec, schema.items), value[0], [...path, 0], depth + 1) : [];
  if (!value || typeof value !== "object") return [];
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    key in properties ? textFieldsOf(spec, flatten(spec, properties[key]), child, [...path, key], depth + 1) : [],
  );
}

/**
 * Text that breaks naive handling while staying valid: emoji with joiners, combining marks,
 * right-to-left scripts, astral-plane characters (two UTF-16 units each), and plain ASCII for contrast.
 */
export const NON_ASCII_SAMPLES = [
  "👩‍👩‍👧‍👦 🚀 ✅",
  "e\u0301 a\u0308 n\u0303 Å",
  "مرحبا بالعالم שלום",
  "𝕌𝕟𝕚𝕔𝕠𝕕𝕖 𠜎𠜱 🀄",
  "Grüße, Ωmega — “quotes” ‘single’ … ½",
] as const;

/** Cuts to at most n code points (never between the two halves of an astral character). */
export function clip(text: string, n: number): string {
  const points = [...text];
  return points.length <= n ? text : points.slice(0, n).join("");
}

/** A string of exactly n code points, made of the sample repeated. */
export function ofLength(sample: string, n: number): string {
  const points = [...sample];
  return Array.from({ length: n }, (_, i) => points[i % points.length]).join("");
}

/** Seeded random text within a field's bounds, any Unicode (graphemes, so no lone surrogates). */
export function textArbitrary(field: TextField): fc.Arbitrary<string> {
  const max = Math.min(field.maxLength ?? 200, 2_000);
  return fc
    .oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }), fc.constantFrom(...NON_ASCII_SAMPLES))
    // Control characters and edge whitespace are valid JSON Schema strings, but a server may refuse NUL (PostgreSQL cannot store it) or trim: not what this probes.
    .filter((text) => !/[\u0000-\u001f\u007f]/u.test(text) && text.trim() === text && text.length > 0)
    .map((text) => (field.minLength > [...text].length ? ofLength(text, field.minLength) : clip(text, max)));
}
