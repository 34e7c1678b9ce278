import type { CheckContext } from "./context.js";
import { documentedResponse } from "./checks/exchangeHelpers.js";
import type { CoverageRow } from "./types.js";

/** Operation × documented status: which were observed, and which undocumented ones came back. */
export function coverageOf(ctx: CheckContext): CoverageRow[] {
  return ctx.operations.map((operation) => {
    const statuses = new Set(ctx.transport.exchanges.filter((e) => e.operationId === operation.operationId).map((e) => e.response.status));
    const documented = Object.keys(operation.responses);
    const observed = documented.filter((code) => [...statuses].some((s) => String(s) === code || (code.endsWith("XX") && String(s)[0] === code[0])));
    const undocumented = [...statuses].filter((s) => !documentedResponse(operation, s)).map(String);
    return { operationId: operation.operationId, ref: operation.ref, method: operation.method.toUpperCase(), path: operation.path, documented, observed, undocumented };
  });
}
