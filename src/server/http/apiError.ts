/**
 * A problem with one field of a request (path in JSON-pointer style, e.g. `body/name`), with the
 * JSON Schema keyword that failed when the contract's schema found it (so an API can reword it
 * without matching the validator's English).
 */
export type FieldProblem = { field: string; message: string; keyword?: string };

/**
 * A domain error: a status and a human-readable message, plus optional field problems and extra
 * members that an API's error body may carry (Vern's `run_id` on a 409). Each API's error
 * middleware turns it into that API's documented error body; nothing else writes error bodies.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * A method the contract does not have on a path it does have (RFC 9110 §15.5.6): a 405 whose
 * Allow header lists the path's methods. Prism's mock answers such a request 405 as well.
 */
export class MethodNotAllowed extends ApiError {
  constructor(method: string, path: string, readonly allowed: readonly string[]) {
    super(405, `${method} is not allowed on ${path}; it answers ${allowed.join(", ")}.`);
  }
}

export const badRequest = (message: string, problems: FieldProblem[] = []) => new ApiError(400, message, problems);
export const unauthorized = (message: string) => new ApiError(401, message);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new ApiError(409, message, [], extra);
export const tooManyRequests = (message: string) => new ApiError(429, message);

/** The opaque error every unexpected failure becomes: it never echoes input. */
export const internalError = () => new ApiError(500, "Internal server error");
