import type { OperationSpec } from "../../contracts/operationTable.js";
import type { CheckContext } from "../context.js";
import type { Exchange } from "../types.js";

/** The documented response of an operation for a status: exact code, then 4XX/5XX range, then default. */
export function documentedResponse(operation: OperationSpec, status: number) {
  return operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
}

/** Every exchange of the run that hit a known operation, with that operation. */
export function exchangesWithOperation(ctx: CheckContext): Array<{ exchange: Exchange; operation: OperationSpec }> {
  return ctx.transport.exchanges.flatMap((exchange) => {
    const operation = exchange.operationId ? ctx.operations.find((o) => o.operationId === exchange.operationId) : undefined;
    return operation ? [{ exchange, operation }] : [];
  });
}

export function parseBody(exchange: Exchange): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(exchange.response.body) };
  } catch {
    return { ok: false };
  }
}
