import { resolveRef } from "../../contracts/examples.js";
import type { Check } from "../check.js";
import type { Finding } from "../types.js";
import { exchangesWithOperation } from "./exchangeHelpers.js";

/** Response headers the contract marks required are present (OpenAPI 3.1 §4.8.21). */
export const requiredResponseHeaders: Check = {
  name: "required_response_headers",
  description: "Response headers marked required are sent",
  source: "OpenAPI 3.1 §4.8.21 (Header Object, `required`)",
  phase: "passive",
  async run(ctx) {
    const seen = new Map<string, Finding>();
    for (const { exchange, operation } of exchangesWithOperation(ctx)) {
      const raw = operation.operation.responses?.[String(exchange.response.status)];
      const response = resolveRef(ctx.spec, raw) as { headers?: Record<string, unknown> } | undefined;
      for (const [name, header] of Object.entries(response?.headers ?? {})) {
        const resolved = resolveRef(ctx.spec, header) as { required?: boolean } | undefined;
        if (!resolved?.required || exchange.response.headers[name.toLowerCase()] !== undefined) continue;
        const key = `${operation.operationId}/${exchange.response.status}/${name}`;
        if (seen.has(key)) continue;
        seen.set(key, ctx.finding({
          check: this.name, operationId: operation.operationId, what: `${exchange.response.status}-${name}`,
          title: `${operation.operationId} ${exchange.response.status} lacks the required header ${name}`,
          expected: `header ${name}`, received: "absent", source: this.source, exchange,
        }));
      }
    }
    return [...seen.values()];
  },
};
