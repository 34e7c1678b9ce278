import type { OpenApiDocument } from "./loadSpec.js";
import { SpecSchemaValidator, formatAjvErrors, pointerSegment } from "./schemaValidator.js";

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;

export type ExampleProblem = { where: string; message: string };

export type MediaType = { schema?: unknown; example?: unknown; examples?: Record<string, { value?: unknown; $ref?: string }> };

/**
 * Every example of every request body, response body and parameter, validated against the schema
 * beside it. Returns one problem per invalid example (empty when all are valid).
 */
export function validateExamples(spec: OpenApiDocument): ExampleProblem[] {
  const validator = new SpecSchemaValidator(spec);
  const problems: ExampleProblem[] = [];
  for (const site of exampleSites(spec)) {
    for (const [name, value] of site.examples) {
      const errors = validator.validate(site.schemaPointer, value);
      if (errors.length > 0) problems.push({ where: `${site.where} example "${name}"`, message: formatAjvErrors(errors) });
    }
  }
  return problems;
}

type ExampleSite = { where: string; schemaPointer: string; examples: Array<[string, unknown]> };

function* exampleSites(spec: OpenApiDocument): Generator<ExampleSite> {
  for (const [path, pathItem] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as Record<string, any> | undefined;
      if (!operation) continue;
      const base = `/paths/${pointerSegment(path)}/${method}`;
      const label = `${method.toUpperCase()} ${path}`;
      yield* mediaSites(spec, operation.requestBody, `${base}/requestBody`, `${label} request`);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        yield* mediaSites(spec, response, `${base}/responses/${status}`, `${label} ${status}`);
      }
      for (const [index, parameter] of (operation.parameters ?? []).entries()) {
        const resolved = resolveRef(spec, parameter) as Record<string, any>;
        const pointer = parameter.$ref ? parameter.$ref.slice(1) : `${base}/parameters/${index}`;
        const examples = collectExamples(spec, resolved);
        if (resolved?.schema && examples.length > 0) {
          yield { where: `${label} parameter ${resolved.name}`, schemaPointer: `${pointer}/schema`, examples };
        }
      }
    }
  }
}

function* mediaSites(spec: OpenApiDocument, holder: unknown, pointer: string, label: string): Generator<ExampleSite> {
  let resolvedPointer = pointer;
  let resolved = holder as Record<string, any> | undefined;
  if (resolved?.$ref) {
    resolvedPointer = String(resolved.$ref).slice(1);
    resolved = resolveRef(spec, resolved) as Record<string, any>;
  }
  for (const [mediaTypeName, media] of Object.entries((resolved?.content ?? {}) as Record<string, MediaType>)) {
    if (!media.schema) continue;
    const examples = collectExamples(spec, media);
    const schemaPointer = `${resolvedPointer}/content/${pointerSegment(mediaTypeName)}/schema`;
    if (examples.length > 0) yield { where: `${label} ${mediaTypeName}`, schemaPointer, examples };
  }
}

export function collectExamples(spec: OpenApiDocument, media: MediaType | undefined): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  if (!media) return found;
  if (media.example !== undefined) found.push(["example", media.example]);
  for (const [name, example] of Object.entries(media.examples ?? {})) {
    const resolved = resolveRef(spec, example) as { value?: unknown; externalValue?: string };
    if (resolved && "value" in resolved) found.push([name, resolved.value]);
  }
  return found;
}

/** Follows a local `$ref` (one level at a time, until it is not a ref). */
export function resolveRef(spec: OpenApiDocument, node: unknown): unknown {
  let current = node as Record<string, unknown> | undefined;
  for (let depth = 0; current && typeof current.$ref === "string" && depth < 20; depth++) {
    current = resolvePointer(spec, current.$ref) as Record<string, unknown> | undefined;
  }
  return current;
}

export function resolvePointer(spec: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported: ${ref}`);
  return ref
    .slice(2)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], spec);
}
