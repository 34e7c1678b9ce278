import type { OpenApiDocument } from "./loadSpec.js";
import { HTTP_METHODS, resolveRef } from "./examples.js";
import { pointerSegment } from "./schemaValidator.js";

export type HttpMethod = (typeof HTTP_METHODS)[number];

export type ParameterSpec = {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  /** JSON pointer (into the spec) of the parameter's schema. */
  schemaPointer: string;
};

/** One operation of a contract, as the server and the suite need it. */
export type OperationSpec = {
  operationId: string;
  ref: string;
  method: HttpMethod;
  /** The path as the contract writes it, e.g. `/tool-packs/{id}/`. */
  path: string;
  /** The same path in Express syntax, e.g. `/tool-packs/:id/`. */
  expressPath: string;
  parameters: ParameterSpec[];
  /** Pointer of the JSON request body schema, when the operation takes one. */
  requestBody?: { schemaPointer: string; required: boolean };
  /** Status code (or "default") → pointer of its JSON schema (undefined for a bodiless response). */
  responses: Record<string, { schemaPointer?: string; contentTypes: string[] }>;
  /** True when the operation has a security requirement with at least one scheme. */
  secured: boolean;
  operation: Record<string, any>;
};

/** Every operation of a contract, most specific paths first (static segments before parameters). */
export function operationTable(spec: OpenApiDocument): OperationSpec[] {
  const table: OperationSpec[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths ?? {})) {
    const pathParameters = (pathItem.parameters ?? []) as unknown[];
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as Record<string, any> | undefined;
      if (!operation) continue;
      const base = `/paths/${pointerSegment(path)}/${method}`;
      table.push({
        operationId: String(operation.operationId),
        ref: String(operation["x-operation-ref"] ?? ""),
        method,
        path,
        expressPath: path.replace(/\{([^}]+)\}/g, ":$1"),
        parameters: parameters(spec, pathParameters, `/paths/${pointerSegment(path)}/parameters`, operation.parameters ?? [], `${base}/parameters`),
        requestBody: requestBody(spec, operation.requestBody, `${base}/requestBody`),
        responses: responses(spec, operation.responses ?? {}, `${base}/responses`),
        secured: (operation.security ?? spec.security ?? []).some((r: object) => Object.keys(r).length > 0),
        operation,
      });
    }
  }
  return table.sort(bySpecificity);
}

function parameters(spec: OpenApiDocument, pathLevel: unknown[], pathBase: string, opLevel: unknown[], opBase: string): ParameterSpec[] {
  const byKey = new Map<string, ParameterSpec>();
  const add = (list: unknown[], base: string) =>
    list.forEach((raw, index) => {
      const ref = (raw as { $ref?: string }).$ref;
      const parameter = resolveRef(spec, raw) as Record<string, any>;
      const pointer = ref ? ref.slice(1) : `${base}/${index}`;
      byKey.set(`${parameter.in}:${parameter.name}`, {
        name: parameter.name,
        in: parameter.in,
        required: parameter.in === "path" || parameter.required === true,
        schemaPointer: `${pointer}/schema`,
      });
    });
  add(pathLevel, pathBase);
  add(opLevel, opBase);
  return [...byKey.values()];
}

function requestBody(spec: OpenApiDocument, raw: unknown, pointer: string): OperationSpec["requestBody"] {
  if (!raw) return undefined;
  const ref = (raw as { $ref?: string }).$ref;
  const body = resolveRef(spec, raw) as Record<string, any>;
  const base = ref ? ref.slice(1) : pointer;
  if (!body?.content?.["application/json"]) return undefined;
  return { schemaPointer: `${base}/content/application~1json/schema`, required: body.required === true };
}

function responses(spec: OpenApiDocument, raw: Record<string, unknown>, pointer: string): OperationSpec["responses"] {
  const out: OperationSpec["responses"] = {};
  for (const [status, value] of Object.entries(raw)) {
    const ref = (value as { $ref?: string }).$ref;
    const response = resolveRef(spec, value) as Record<string, any>;
    const base = ref ? ref.slice(1) : `${pointer}/${status}`;
    const contentTypes = Object.keys(response?.content ?? {});
    const json = contentTypes.find((t) => /json/.test(t));
    out[status] = {
      contentTypes,
      schemaPointer: json && response.content[json].schema ? `${base}/content/${pointerSegment(json)}/schema` : undefined,
    };
  }
  return out;
}

/** Static segments sort before parameters, segment by segment, so `/connectors/types` wins over `/connectors/{id}`. */
function bySpecificity(a: OperationSpec, b: OperationSpec): number {
  const sa = a.path.split("/");
  const sb = b.path.split("/");
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const pa = sa[i] === undefined ? 2 : sa[i]!.startsWith("{") ? 1 : 0;
    const pb = sb[i] === undefined ? 2 : sb[i]!.startsWith("{") ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}
