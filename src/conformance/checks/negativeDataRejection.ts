import type { OperationSpec } from "../../contracts/operationTable.js";
import type { Check } from "../check.js";
import type { CheckContext, Answer } from "../context.js";
import type { Finding } from "../types.js";
import { schemaAt, valueOfWrongType, flatten, type SchemaNode } from "./schemaShapes.js";

/** How many mutations of each kind one operation gets (enough to show the rule, few enough for real deployments). */
const PER_KIND = 3;

type Mutation = { what: string; body?: unknown; rawBody?: string; query?: Record<string, string> };

/**
 * Requests that break the contract (malformed JSON, a required field missing, a wrong type, a value
 * outside an enum, a query parameter of the wrong type) get a documented 4xx, never a 2xx or a 5xx.
 */
export const negativeDataRejection: Check = {
  name: "negative_data_rejection",
  description: "Requests that break the schema get a documented 4xx, never 2xx or 5xx",
  source: "OpenAPI 3.1 §4.8.13 (Request Body Object), §4.8.12 (Parameter Object); RFC 9110 §15.5.1 (400)",
  phase: "probe",
  skipReason: (ctx) => (ctx.options.readOnly ? "read-only run: invalid writes are still writes" : undefined),
  async run(ctx) {
    const findings: Finding[] = [];
    for (const operation of ctx.operations) {
      const probe = ctx.probes[operation.operationId];
      if (!probe && operation.parameters.some((p) => p.in === "path")) continue;
      for (const mutation of mutationsFor(ctx, operation, probe?.body)) {
        const answer = await ctx.send({
          sentBy: this.name,
          operationId: operation.operationId,
          pathParams: probe?.pathParams,
          query: { ...probe?.query, ...mutation.query },
          body: mutation.body,
          rawBody: mutation.rawBody,
        });
        const problem = judge(operation, answer);
        if (!problem) continue;
        findings.push(ctx.finding({
          check: this.name, operationId: operation.operationId, what: mutation.what.replace(/\s+/g, "-"),
          title: `${operation.operationId} answered ${answer.status} to a request with ${mutation.what}`,
          expected: `a documented 4xx (${documented4xx(operation).join(", ") || "none documented"}) with the error body`,
          received: `${answer.status}: ${answer.text.slice(0, 300)} (${problem})`,
          source: this.source, basis: ctx.basisOf(operation, 400), exchange: answer.exchange,
        }));
      }
    }
    return findings;
  },
};

function documented4xx(operation: OperationSpec): string[] {
  return Object.keys(operation.responses).filter((s) => /^4/.test(s) && s !== "401" && s !== "429");
}

function judge(operation: OperationSpec, answer: Answer): string | undefined {
  if (answer.status < 400) return "accepted";
  if (answer.status >= 500) return "server error";
  const codes = documented4xx(operation);
  if (!codes.includes(String(answer.status)) && !codes.includes("4XX")) return "not a documented status";
  return undefined;
}

function mutationsFor(ctx: CheckContext, operation: OperationSpec, validBody: unknown): Mutation[] {
  const mutations: Mutation[] = [...queryMutations(ctx, operation)];
  if (!operation.requestBody || validBody === undefined) return mutations;
  mutations.push({ what: "malformed JSON", rawBody: '{"unterminated": ' });
  const schema = schemaAt(ctx.spec, operation.requestBody.schemaPointer);
  if (Array.isArray(validBody)) {
    mutations.push({ what: "an object where an array is required", body: {} });
    const first = validBody[0];
    if (first && typeof first === "object") {
      const itemSchema = flatten(ctx.spec, schema.items);
      for (const m of objectMutations(ctx, itemSchema, first as Record<string, unknown>)) mutations.push({ what: `${m.what} in an item`, body: [m.body, ...validBody.slice(1)] });
    }
    return mutations;
  }
  if (validBody && typeof validBody === "object") mutations.push(...objectMutations(ctx, schema, validBody as Record<string, unknown>));
  return mutations;
}

function objectMutations(ctx: CheckContext, schema: SchemaNode, valid: Record<string, unknown>): Mutation[] {
  const out: Mutation[] = [];
  for (const field of (schema.required ?? []).slice(0, PER_KIND) as string[]) {
    const { [field]: _removed, ...rest } = valid;
    out.push({ what: `the required field "${field}" missing`, body: rest });
  }
  let wrongTypes = 0;
  let enums = 0;
  for (const [field, raw] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    const property = flatten(ctx.spec, raw);
    if (property.readOnly) continue;
    const wrong = valueOfWrongType(property);
    if (wrong !== undefined && wrongTypes < PER_KIND) {
      wrongTypes++;
      out.push({ what: `"${field}" of the wrong type`, body: { ...valid, [field]: wrong } });
    }
    if (Array.isArray(property.enum) && enums < PER_KIND) {
      enums++;
      out.push({ what: `"${field}" outside its enum`, body: { ...valid, [field]: "cc-not-in-enum" } });
    }
  }
  return out;
}

function queryMutations(ctx: CheckContext, operation: OperationSpec): Mutation[] {
  if (!operation.responses["400"]) return [];
  return operation.parameters
    .filter((p) => p.in === "query")
    .flatMap((p) => {
      const schema = schemaAt(ctx.spec, p.schemaPointer);
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (types.includes("integer") || types.includes("number")) return [{ what: `query ${p.name} not a number`, query: { [p.name]: "not-a-number" } }];
      if (Array.isArray(schema.enum)) return [{ what: `query ${p.name} outside its enum`, query: { [p.name]: "cc-not-in-enum" } }];
      return [];
    })
    .slice(0, PER_KIND);
}
