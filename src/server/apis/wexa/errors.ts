import { badRequest, type ApiError, type FieldProblem } from "../../http/apiError.js";

type WexaError = { status: "error"; message: string; errors?: Array<{ field: string; message: string }> };

/** Wexa's error body (inferred, mirroring W4's `{status, message}`); the failing fields on a 400 only. */
export function wexaErrorBody(error: ApiError): WexaError {
  const body: WexaError = { status: "error", message: error.message };
  if (error.status === 400 && error.problems.length > 0) {
    body.errors = error.problems.map((p) => ({ field: contractFieldName(p.field), message: p.message }));
  }
  return body;
}

/** The contract's field names: body fields bare (`data_loader_config.batch_size`), parameters prefixed (`query.projectID`). */
function contractFieldName(field: string): string {
  return field.replace(/^body\//, "").replace(/\//g, ".");
}

const RESOURCE_OF_PATH_PARAMETER: Readonly<Record<string, string>> = {
  "path/projectID": "Project",
  "path/connector_id": "Connector",
  "path/execution_id": "Execution",
  "path/agentflow_id": "Agentflow",
};

/** The contract's wording: a path id that is not well-formed names no resource; 400s say where the problem is. */
export function describeWexaValidation(_operationId: string, problems: readonly FieldProblem[], status: 400 | 404): string {
  if (status === 404) {
    const resource = problems.map((p) => RESOURCE_OF_PATH_PARAMETER[p.field]).find(Boolean);
    return `${resource ?? "Resource"} not found`;
  }
  return problems.some((p) => p.field === "body" || p.field.startsWith("body/")) ? "Invalid request body" : "Invalid parameter";
}

/**
 * A 400 when a value repeated in two places differs, e.g. W5's path and query `projectID`
 * (the contract: "they must be equal"). `field` names the copy that disagrees.
 */
export function requireSame(field: string, value: string, expected: string, expectedWhere: string): void {
  if (value !== expected) throw badRequest(field.startsWith("body/") ? "Invalid request body" : "Invalid parameter", [{ field, message: `must equal ${expectedWhere}` }]);
}
