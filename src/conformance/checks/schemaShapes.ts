import { resolvePointer, resolveRef } from "../../contracts/examples.js";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";

export type SchemaNode = Record<string, any>;

/** A schema with its $refs followed and its allOf parts merged (enough to see properties, required, types). */
export function flatten(spec: OpenApiDocument, node: unknown): SchemaNode {
  const schema = (resolveRef(spec, node) ?? {}) as SchemaNode;
  if (!Array.isArray(schema.allOf)) return schema;
  const parts = schema.allOf.map((s: unknown) => flatten(spec, s));
  return parts.reduce(
    (merged: SchemaNode, part: SchemaNode) => ({
      ...merged,
      ...part,
      properties: { ...merged.properties, ...part.properties },
      required: [...(merged.required ?? []), ...(part.required ?? [])],
    }),
    { ...schema, allOf: undefined },
  );
}

export function schemaAt(spec: OpenApiDocument, pointer: string): SchemaNode {
  return flatten(spec, resolvePointer(spec, `#${pointer}`));
}

/** The JSON type names a schema allows. */
export function typesOf(schema: SchemaNode): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === "string") return [schema.type];
  if (schema.const !== undefined) return [typeof schema.const === "object" ? "object" : typeof schema.const];
  return [];
}

/** A value of none of the allowed types, or undefined when every type is allowed. */
export function valueOfWrongType(schema: SchemaNode): unknown {
  const allowed = new Set(typesOf(schema));
  if (allowed.size === 0) return undefined;
  const candidates: Array<[string, unknown]> = [
    ["integer", 12345],
    ["string", "not-a-valid-value"],
    ["boolean", true],
    ["array", ["unexpected"]],
    ["object", { unexpected: true }],
  ];
  for (const [type, value] of candidates) {
    if (allowed.has(type) || (type === "integer" && allowed.has("number"))) continue;
    if (type === "string" && allowed.has("string")) continue;
    return value;
  }
  return undefined;
}
