import type { ErrorObject, ValidateFunction } from "ajv";
import type { OpenApiDocument } from "../../contracts/loadSpec.js";
import { SpecSchemaValidator } from "../../contracts/schemaValidator.js";
import { ApiError, badRequest, type FieldProblem } from "./apiError.js";
import type { OperationSpec } from "../../contracts/operationTable.js";

export type RawRequest = { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown; hasBody: boolean };
export type ValidRequest = { params: Record<string, any>; query: Record<string, any>; body: any };
export type RequestValidator = (request: RawRequest) => ValidRequest;

/**
 * Builds, per operation, one function that checks path and query parameters (with the type
 * coercion that query strings need) and the JSON body against the contract, applying schema
 * defaults. It throws the ApiError 400 that the API's error middleware turns into its own body.
 *
 * Each operation's Ajv functions are compiled on its first request, not when the server starts:
 * compiling every operation of the four contracts up front was the largest piece of the start-up
 * on the main thread, and of its memory, for operations a session may never call.
 */
export function createRequestValidators(spec: OpenApiDocument) {
  let ajv: { parameters: SpecSchemaValidator; body: SpecSchemaValidator } | undefined;
  const validatorsOfSpec = () =>
    (ajv ??= { parameters: new SpecSchemaValidator(spec, { coerceTypes: true, useDefaults: true }), body: new SpecSchemaValidator(spec, { useDefaults: true }) });

  return function requestValidatorFor(operation: OperationSpec): RequestValidator {
    let compiled: { checkParams: ValidateFunction; checkQuery: ValidateFunction; checkBody?: ValidateFunction } | undefined;
    const compile = () => {
      const { parameters, body } = validatorsOfSpec();
      return {
        checkParams: compileLocation(parameters, operation, "path"),
        checkQuery: compileLocation(parameters, operation, "query"),
        ...(operation.requestBody ? { checkBody: body.compile(operation.requestBody.schemaPointer) } : {}),
      };
    };
    return (request) => {
      refuseUnreadable(request);
      const { checkParams, checkQuery, checkBody } = (compiled ??= compile());
      const params = { ...request.params };
      const query = { ...request.query };
      // A path that names no well-formed id names no resource: 404, not 400 (RFC 9110 §15.5.5).
      const pathProblems = run(checkParams, params, "path");
      if (pathProblems.length > 0) throw new ApiError(404, "Not found", pathProblems);
      const problems = run(checkQuery, query, "query");
      let body = request.body;
      if (operation.requestBody) {
        if (!request.hasBody) {
          if (operation.requestBody.required) problems.push({ field: "body", message: "a JSON request body is required" });
        } else if (checkBody) {
          body = structuredClone(body);
          problems.push(...run(checkBody, body, "body"));
        }
      }
      if (problems.length > 0) throw badRequest(summarise(problems), problems);
      return { params, query, body };
    };
  };
}

/**
 * How deep a JSON body may nest. No schema of the four contracts comes near it; a body nested
 * deeper (100,000 brackets parse fine) overflowed the stack of structuredClone below: a 500.
 */
const MAX_BODY_DEPTH = 100;

/**
 * Text PostgreSQL cannot store (U+0000) or JSON cannot carry (a lone UTF-16 surrogate) is refused
 * up front, in any key or value: 404 in the path (it names nothing), 400 elsewhere. Otherwise it
 * reaches the database and fails there as a 500.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refuseUnreadable(request: RawRequest): void {
  if (problemIn(request.params)) throw new ApiError(404, "Not found", [{ field: "path", message: "is not a valid id" }]);
  for (const [location, value] of [["query", request.query], ["body", request.body]] as const) {
    const problem = problemIn(value);
    if (problem === "unstorable") {
      throw badRequest(`Invalid request: the ${location} holds a NUL character or an unpaired surrogate`, [{ field: location, message: "holds text that cannot be stored (U+0000 or an unpaired surrogate)" }]);
    }
    if (problem === "too deep") {
      throw badRequest(`Invalid request: the ${location} is nested deeper than ${MAX_BODY_DEPTH} levels`, [{ field: location, message: `is nested deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
  }
}

/** One walk, without recursion, for text that cannot be stored or nesting deeper than MAX_BODY_DEPTH. */
function problemIn(value: unknown): "unstorable" | "too deep" | undefined {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node === "string") {
      if (UNSTORABLE.test(node)) return "unstorable";
      continue;
    }
    if (!node || typeof node !== "object") continue;
    if (depth >= MAX_BODY_DEPTH) return "too deep";
    for (const [key, inner] of Object.entries(node)) {
      if (UNSTORABLE.test(key)) return "unstorable";
      pending.push([inner, depth + 1]);
    }
  }
  return undefined;
}

function compileLocation(ajv: SpecSchemaValidator, operation: OperationSpec, location: "path" | "query"): ValidateFunction {
  const parameters = operation.parameters.filter((p) => p.in === location);
  return ajv.compileSchema({
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.name, SpecSchemaValidator.ref(p.schemaPointer)])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  });
}

function run(validate: ValidateFunction, value: unknown, location: string): FieldProblem[] {
  if (validate(value)) return [];
  return dedupe((validate.errors ?? []).map((e) => toProblem(e, location)));
}

/** Ajv errors as field problems, without echoing the offending values. */
function toProblem(error: ErrorObject, location: string): FieldProblem {
  const missing = error.keyword === "required" ? `/${String(error.params.missingProperty)}` : "";
  const extra = error.keyword === "additionalProperties" ? `/${String(error.params.additionalProperty)}` : "";
  const field = `${location}${error.instancePath}${missing}${extra}`;
  const message =
    error.keyword === "required" ? "is required"
    : error.keyword === "additionalProperties" ? "is not an accepted field"
    : error.keyword === "enum" ? `must be one of: ${(error.params.allowedValues as unknown[]).join(", ")}`
    : (error.message ?? "is invalid");
  return { field, message, keyword: error.keyword };
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function summarise(problems: FieldProblem[]): string {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  return `Invalid request: ${first.field.replace(/^body\//, "").replace(/\//g, ".")} ${first.message}${more}`;
}
