import type { OperationSpec } from "../../contracts/operationTable.js";
import type { CaseKind, CaseLocation } from "./negativeCases.js";

/**
 * The statuses the contract documents for a request it rejects as invalid: 400 (RFC 9110
 * §15.5.1) or 422 (§15.5.21) where the operation lists them; for a path parameter also 404 (a
 * malformed id names no resource, §15.5.5); for a wrong Content-Type also 415 (§15.5.16). A
 * contract that documents only a `4XX` range accepts any client error but the ones that mean
 * something else (401, 403, 429). Empty: the contract documents no status for this; no case is sent.
 */
export function invalidInputStatuses(operation: OperationSpec, location: CaseLocation, kind: CaseKind): string[] {
  const wanted = ["400", "422", ...(location === "path" ? ["404"] : []), ...(kind === "wrong-content-type" ? ["415"] : [])];
  const documented = wanted.filter((status) => operation.responses[status]);
  if (documented.length > 0) return documented;
  return operation.responses["4XX"] ? ["4XX"] : [];
}

export function statusMatches(status: number, statuses: string[]): boolean {
  if (statuses.includes(String(status))) return true;
  return statuses.includes("4XX") && status >= 400 && status < 500 && ![401, 403, 429].includes(status);
}
