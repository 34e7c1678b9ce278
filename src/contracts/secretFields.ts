import type { OpenApiDocument } from "./loadSpec.js";
import { resolvePointer, resolveRef } from "./examples.js";
import { operationTable } from "./operationTable.js";

/**
 * A request field the contract marks secret (`x-secret: true`). `path` is where it sits in the
 * request body; a `*` segment stands for every key of a map (EvalStudio's header values).
 */
export type SecretField = { operationId: string; path: string[] };

/** Every secret-marked field of every request body of a contract, found by walking the schemas. */
export function secretFields(spec: OpenApiDocument): SecretField[] {
  const found: SecretField[] = [];
  for (const operation of operationTable(spec)) {
    if (!operation.requestBody) continue;
    const schema = resolvePointer(spec, `#${operation.requestBody.schemaPointer}`);
    for (const path of walk(spec, schema, [], new Set())) found.push({ operationId: operation.operationId, path });
  }
  return found;
}

/**
 * Whether the contract answers some secret masked (a schema marked `x-masked: true`, as
 * EvalStudio's MaskedHeaders) rather than never returning it. Looked up in the schemas, where the
 * mark can stand, not in the text of the document, where a description could quote it.
 */
export function masksSecrets(spec: OpenApiDocument): boolean {
  const marked = (node: unknown): boolean =>
    Boolean(node) && typeof node === "object" && ((node as Record<string, unknown>)["x-masked"] === true || Object.values(node as object).some(marked));
  return marked(spec.components?.schemas) || marked(spec.paths);
}

function* walk(spec: OpenApiDocument, node: unknown, path: string[], seen: Set<unknown>): Generator<string[]> {
  const schema = resolveRef(spec, node) as Record<string, any> | undefined;
  if (!schema || typeof schema !== "object" || seen.has(schema)) return;
  if (schema["x-secret"] === true) {
    yield path;
    return;
  }
  const inner = new Set(seen).add(schema);
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) yield* walk(spec, child, [...path, name], inner);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") yield* walk(spec, schema.additionalProperties, [...path, "*"], inner);
  if (schema.items) yield* walk(spec, schema.items, [...path, "[]"], inner);
  for (const key of ["allOf", "anyOf", "oneOf"]) for (const sub of (schema[key] ?? []) as unknown[]) yield* walk(spec, sub, path, inner);
}
