import type { Check } from "../check.js";
import type { Finding } from "../types.js";
import { documentedResponse, exchangesWithOperation } from "./exchangeHelpers.js";

/** Every answer's status is one the contract documents for that operation (OpenAPI 3.1 §4.8.16). */
export const statusCodeConformance: Check = {
  name: "status_code_conformance",
  description: "Every response status is documented for its operation",
  source: "OpenAPI 3.1 §4.8.16 (Responses Object); the operation's `responses`",
  phase: "passive",
  async run(ctx) {
    const seen = new Map<string, Finding>();
    for (const { exchange, operation } of exchangesWithOperation(ctx)) {
      const status = exchange.response.status;
      if (documentedResponse(operation, status)) continue;
      const key = `${operation.operationId}/${status}`;
      if (seen.has(key)) continue;
      seen.set(
        key,
        ctx.finding({
          check: this.name,
          operationId: operation.operationId,
          what: `undocumented-${status}`,
          title: `${operation.method.toUpperCase()} ${operation.path} answered ${status}, which the contract does not document`,
          expected: `one of ${Object.keys(operation.responses).join(", ")}`,
          received: `${status}: ${exchange.response.body.slice(0, 300)}`,
          source: this.source,
          basis: "documented",
          exchange,
        }),
      );
    }
    return [...seen.values()];
  },
};
