import type { Check } from "../check.js";
import type { Finding } from "../types.js";
import { unknownIdFor } from "./idGenerators.js";

/**
 * An operation whose path names a resource answers 404 when the id is well-formed but unknown,
 * one path parameter at a time (RFC 9110 §15.5.5; the contracts' 404 responses).
 */
export const notFound: Check = {
  name: "not_found",
  description: "Unknown (well-formed) ids get 404 with the error body",
  source: "RFC 9110 §15.5.5 (404); the operations' documented 404 responses",
  phase: "probe",
  async run(ctx) {
    const findings: Finding[] = [];
    for (const operation of ctx.operations) {
      if (!operation.responses["404"]) continue;
      if (ctx.options.readOnly && operation.method !== "get") continue;
      const probe = ctx.probes[operation.operationId];
      const pathParameters = operation.parameters.filter((p) => p.in === "path");
      if (pathParameters.length === 0) continue;
      // Parameters other than the one made unknown must name real resources, or the 404 proves nothing.
      if (pathParameters.length > 1 && !probe?.pathParams) continue;
      for (const parameter of pathParameters) {
        const unknown = unknownIdFor(ctx, parameter.schemaPointer);
        if (!unknown) continue;
        const known = probe?.pathParams?.[parameter.name];
        const body = known !== undefined ? replaceValue(probe?.body, known, unknown) : probe?.body;
        const query = known !== undefined ? (replaceValue(probe?.query, known, unknown) as Record<string, string> | undefined) : probe?.query;
        if (operation.requestBody?.required && body === undefined) continue;
        const answer = await ctx.send({
          sentBy: this.name,
          operationId: operation.operationId,
          pathParams: { ...probe?.pathParams, [parameter.name]: unknown },
          query,
          body,
        });
        if (answer.status === 404) continue;
        findings.push(ctx.finding({
          check: this.name, operationId: operation.operationId, what: `unknown-${parameter.name}`,
          title: `${operation.operationId} answered ${answer.status} for an unknown ${parameter.name}`,
          expected: "404 with the API's error body", received: `${answer.status}: ${answer.text.slice(0, 300)}`,
          source: this.source, basis: ctx.basisOf(operation, 404), exchange: answer.exchange,
        }));
      }
    }
    return findings;
  },
};

/** The body or query with top-level fields that repeated the path's id changed to the unknown one (Wexa repeats ids, and requires the copies to agree). */
function replaceValue(body: unknown, from: string, to: string): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === from ? to : v]));
}
