import type { AuthFailure } from "../../http/authentication.js";
import type { components } from "../../../generated/merge.js";
import type { ApiError, FieldProblem } from "../../http/apiError.js";
import { INVALID_BODY_DETAIL, MISSING_IDENTIFIER_DETAIL } from "./connectorInputs.js";
import { contractProblems, onlyMissingIdentifiers } from "./fieldProblems.js";

type ErrorBody = components["schemas"]["Error"];

/** The contract's `code` for each status; `not_found` is the vendor's word, the others are spelled alike. */
function codeOf(status: number): ErrorBody["code"] {
  if (status === 401) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 405) return "method_not_allowed";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "internal_error";
  return "bad_request";
}

/** Merge's error body (`Error` = `{code, detail, errors?}`, an [ours] decision of the contract). */
export function mergeErrorBody(error: ApiError): ErrorBody {
  const errors = error.status === 400 ? contractProblems(error.problems) : [];
  return { code: codeOf(error.status), detail: error.message, ...(errors.length > 0 ? { errors } : {}) };
}

/** The contract's `detail` for a request the router refused before a handler ran. */
export function describeMergeValidation(_operationId: string, problems: readonly FieldProblem[], status: 400 | 404): string {
  // Only a uuid path parameter can be malformed: an id that is not a uuid names no tool pack.
  if (status === 404) return "Tool pack not found.";
  // Merge's only query parameters are the paging ones ("query" alone: text no parameter can hold).
  if (problems.some((p) => p.field === "query" || p.field.startsWith("query/"))) return "Invalid paging parameters.";
  return onlyMissingIdentifiers(problems) ? MISSING_IDENTIFIER_DETAIL : INVALID_BODY_DETAIL;
}

/** The 401 details of the contract's examples (Django REST framework's wording). */
export function describeMergeAuthFailure(failure: AuthFailure): string {
  switch (failure) {
    case "missing":
      return "Authentication credentials were not provided.";
    case "malformed":
      return 'The Authorization header must be "Bearer <key>".';
    case "unknown":
      return "Invalid token.";
  }
}
