import { formatAjvErrors } from "../../contracts/schemaValidator.js";
import type { Check } from "../check.js";
import type { Finding } from "../types.js";
import { documentedResponse, exchangesWithOperation, parseBody } from "./exchangeHelpers.js";

/** Where the first error points: its instance path, down to the missing or unknown property when it names one. */
function failingPath(error: { instancePath: string; params: Record<string, unknown> }): string {
  const property = error.params.missingProperty ?? error.params.additionalProperty;
  return typeof property === "string" ? `${error.instancePath}/${property.replace(/~/g, "~0").replace(/\//g, "~1")}` : error.instancePath;
}

/** Every answer's body is valid against the schema documented for its status (JSON Schema 2020-12, Ajv). */
export const responseSchemaConformance: Check = {
  name: "response_schema_conformance",
  description: "Every response body validates against the schema of its status",
  source: "OpenAPI 3.1 §4.8.17 (Response Object) and §4.8.24 (Schema Object, JSON Schema 2020-12)",
  phase: "passive",
  async run(ctx) {
    const seen = new Map<string, Finding>();
    for (const { exchange, operation } of exchangesWithOperation(ctx)) {
      const documented = documentedResponse(operation, exchange.response.status);
      if (!documented) continue; // status_code_conformance reports it
      const key = (what: string) => `${operation.operationId}/${exchange.response.status}/${what}`;
      if (!documented.schemaPointer) {
        if (exchange.response.body.trim() !== "" && !seen.has(key("unexpected-body"))) {
          seen.set(key("unexpected-body"), ctx.finding({
            check: this.name, operationId: operation.operationId, what: `${exchange.response.status}-unexpected-body`,
            title: `${operation.operationId} ${exchange.response.status} carries a body the contract does not document`,
            expected: "no body", received: exchange.response.body.slice(0, 300), source: this.source,
            basis: ctx.basisOf(operation, exchange.response.status), exchange,
          }));
        }
        continue;
      }
      const parsed = parseBody(exchange);
      const errors = parsed.ok ? ctx.validator.validate(documented.schemaPointer, parsed.value) : [];
      if (parsed.ok && errors.length === 0) continue;
      const problem = parsed.ok ? formatAjvErrors(errors) : "the body is not JSON";
      const what = `${exchange.response.status}-${parsed.ok ? errors[0]!.instancePath + ":" + errors[0]!.keyword : "not-json"}`;
      if (seen.has(key(what))) continue;
      seen.set(key(what), ctx.finding({
        check: this.name, operationId: operation.operationId, what,
        title: `${operation.operationId} ${exchange.response.status} body does not match its schema: ${problem.slice(0, 160)}`,
        expected: `a body valid against ${documented.schemaPointer}`, received: `${problem}\n${exchange.response.body.slice(0, 500)}`,
        source: this.source, basis: ctx.basisOf(operation, exchange.response.status, parsed.ok ? failingPath(errors[0]!) : undefined), exchange,
      }));
    }
    return [...seen.values()];
  },
};
