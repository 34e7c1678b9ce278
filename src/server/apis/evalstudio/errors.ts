import type { ApiError, FieldProblem } from "../../http/apiError.js";

/** EvalStudio's error body: `{"error": "<message>"}` [code], nothing else. */
export function evalstudioErrorBody(error: ApiError): { error: string } {
  return { error: error.message };
}

/** The vendor's own words for the validation failures it documents. */
export function describeEvalstudioValidation(operationId: string, problems: readonly FieldProblem[], status: 400 | 404): string | undefined {
  if (status === 404) return problems.some((p) => p.field === "path/projectId") ? "Project not found" : "Connector not found";
  const missing = (field: string) => problems.some((p) => p.field === `body/${field}` || (p.field === "body" && field === "*"));
  if (operationId === "createProject" && (missing("name") || missing("*"))) return "Name is required";
  if (operationId === "createConnector") {
    if (missing("*")) return "Name is required";
    for (const [field, label] of [["name", "Name"], ["type", "Type"], ["baseUrl", "Base URL"]] as const) {
      if (missing(field)) return `${label} is required`;
    }
  }
  if (operationId === "invokeConnector" && (missing("messages") || missing("*") || problems.some((p) => p.field.startsWith("body/messages")))) {
    return "Messages array is required";
  }
  return undefined;
}
