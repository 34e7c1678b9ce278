import { resolveRef } from "../../contracts/examples.js";
import { formatAjvErrors } from "../../contracts/schemaValidator.js";
import type { Check } from "../check.js";
import type { Finding } from "../types.js";

/**
 * Opt-in: a bounded burst at one cheap read reaches the documented 429, whose body is the
 * documented one (Vern: exactly {"error": "Too many requests"}). Burns the key's quota for a minute.
 */
export const rateLimit: Check = {
  name: "rate_limit",
  description: "A bounded burst gets the documented 429 and body (opt-in: --rate-limit)",
  source: "apis.md §3 (Vern: about 100 requests a minute per key; 429 {\"error\": \"Too many requests\"}); RFC 6585 §4",
  phase: "probe",
  skipReason: (ctx) =>
    !ctx.options.rateLimit ? "not asked for (--rate-limit): it burns the key's quota"
    : !target(ctx) ? "no read operation documents a 429" : undefined,
  async run(ctx) {
    const operation = target(ctx)!;
    const probe = ctx.probes[operation.operationId];
    for (let i = 0; i < ctx.options.rateLimitBurst; i++) {
      const answer = await ctx.send({ sentBy: this.name, operationId: operation.operationId, pathParams: probe?.pathParams, query: probe?.query, retryOn429: false });
      if (answer.status !== 429) continue;
      // The documented 429 schema decides (Vern's fixes the message with a const; Merge's only the shape).
      const schemaPointer = operation.responses["429"]?.schemaPointer;
      const errors = schemaPointer ? ctx.validator.validate(schemaPointer, answer.json) : [];
      if (answer.json !== undefined && errors.length === 0) return [];
      return [ctx.finding({
        check: this.name, operationId: operation.operationId, what: "429-body",
        title: `${operation.operationId}'s 429 body is not the documented one`,
        expected: `a body valid against ${schemaPointer} (e.g. ${examples(ctx, operation.operationId)})`,
        received: `${answer.text.slice(0, 300)}${errors.length ? ` (${formatAjvErrors(errors)})` : ""}`,
        source: this.source, basis: ctx.basisOf(operation, 429), exchange: answer.exchange,
      })];
    }
    return [ctx.finding({
      check: this.name, operationId: operation.operationId, what: "no-429",
      title: `${ctx.options.rateLimitBurst} requests in a burst never got a 429`,
      expected: "a 429 once the documented limit is passed", received: `${ctx.options.rateLimitBurst} answers without 429`,
      source: this.source, severity: "warning", basis: ctx.basisOf(operation, 429),
    })] satisfies Finding[];
  },
};

function target(ctx: Parameters<Check["run"]>[0]) {
  return ctx.operations.find((o) => o.method === "get" && o.responses["429"] && !o.parameters.some((p) => p.in === "path"));
}

function examples(ctx: Parameters<Check["run"]>[0], operationId: string): string {
  return documentedExamples(ctx, operationId).map((e) => JSON.stringify(e)).join(" or ") || "no example";
}

function documentedExamples(ctx: Parameters<Check["run"]>[0], operationId: string): unknown[] {
  const operation = ctx.operation(operationId);
  const response = resolveRef(ctx.spec, operation.operation.responses?.["429"]) as { content?: Record<string, { examples?: Record<string, unknown> }> } | undefined;
  const media = response?.content?.["application/json"];
  return Object.values(media?.examples ?? {}).map((e) => (resolveRef(ctx.spec, e) as { value?: unknown })?.value);
}
