import type { OpenApiDocument } from "../contracts/loadSpec.js";
import type { ContractBasis } from "./types.js";

type Node = Record<string, unknown>;

/**
 * The basis a schema marks for one place of an instance: the `x-contract-source` of the deepest
 * schema on the way from the root to that place (a property's marking overrides its object's, an
 * object's its response's). "inferred" is this project's inference; "doc", "sdk" and "code" are
 * the vendor's. Undefined when no schema on the way is marked.
 */
export function markedBasis(spec: OpenApiDocument, schemaPointer: string, instancePath: string): ContractBasis | undefined {
  let node = deref(spec, pointerGet(spec, schemaPointer));
  let basis = markingOf(node);
  for (const segment of instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))) {
    node = child(spec, node, segment);
    if (!node) break;
    basis = markingOf(node) ?? basis;
  }
  return basis;
}

function markingOf(node: Node | undefined): ContractBasis | undefined {
  const source = node?.["x-contract-source"];
  if (typeof source !== "string") return undefined;
  return source.trim().startsWith("inferred") ? "inferred" : "documented";
}

/** The schema of one step down: a property (also inside allOf/oneOf/anyOf branches), an array item, or additionalProperties. */
function child(spec: OpenApiDocument, node: Node | undefined, segment: string): Node | undefined {
  if (!node) return undefined;
  const properties = node.properties as Record<string, unknown> | undefined;
  if (properties && segment in properties) return deref(spec, properties[segment]);
  if (/^\d+$/.test(segment) && node.items) return deref(spec, node.items);
  for (const key of ["allOf", "oneOf", "anyOf"] as const) {
    for (const branch of (node[key] as unknown[] | undefined) ?? []) {
      const found = child(spec, deref(spec, branch), segment);
      if (found) return found;
    }
  }
  if (node.additionalProperties && typeof node.additionalProperties === "object") return deref(spec, node.additionalProperties);
  return undefined;
}

function deref(spec: OpenApiDocument, node: unknown, depth = 0): Node | undefined {
  if (!node || typeof node !== "object") return undefined;
  const ref = (node as Node).$ref;
  if (typeof ref === "string" && ref.startsWith("#") && depth < 20) return deref(spec, pointerGet(spec, ref.slice(1)), depth + 1);
  return node as Node;
}

function pointerGet(spec: OpenApiDocument, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Node)[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), spec);
}
