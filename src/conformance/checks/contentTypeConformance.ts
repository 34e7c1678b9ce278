import type { Check } from "../check.js";
import type { Finding } from "../types.js";
import { documentedResponse, exchangesWithOperation } from "./exchangeHelpers.js";

/** A body comes with the documented media type (RFC 9110 §8.3); a documented bodiless answer has none. */
export const contentTypeConformance: Check = {
  name: "content_type_conformance",
  description: "Response Content-Type is the documented media type",
  source: "RFC 9110 §8.3 (Content-Type); OpenAPI 3.1 §4.8.17 `content`",
  phase: "passive",
  async run(ctx) {
    const seen = new Map<string, Finding>();
    for (const { exchange, operation } of exchangesWithOperation(ctx)) {
      const documented = documentedResponse(operation, exchange.response.status);
      if (!documented || documented.contentTypes.length === 0) continue;
      const received = (exchange.response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (documented.contentTypes.some((t) => mediaTypeMatches(t, received))) continue;
      const key = `${operation.operationId}/${exchange.response.status}`;
      if (seen.has(key)) continue;
      seen.set(key, ctx.finding({
        check: this.name, operationId: operation.operationId, what: `${exchange.response.status}-${received || "none"}`,
        title: `${operation.operationId} ${exchange.response.status} answered Content-Type "${received || "(none)"}"`,
        expected: documented.contentTypes.join(" or "), received: received || "(no Content-Type header)",
        source: this.source, basis: ctx.basisOf(operation, exchange.response.status), exchange,
      }));
    }
    return [...seen.values()];
  },
};

/** Whether a received media type (lower case, no parameters) is the documented one, or within a documented range. */
export function mediaTypeMatches(documented: string, received: string): boolean {
  const d = documented.toLowerCase();
  if (d === received || d === "*/*") return true;
  if (d.endsWith("/*")) return received.startsWith(d.slice(0, -1));
  return false;
}
