import type { Check } from "../check.js";
import { secretFieldsWithoutCanary } from "../generation/secretCanaries.js";

/**
 * Every field the contract marks `x-secret` carried a canary in at least one request of the run;
 * one that did not is reported in the run's notes: secret_non_disclosure could not look for it,
 * so the run cannot say it does not leak (a gap of the run, not a finding against the server).
 */
export const secretCanaryCoverage: Check = {
  name: "secret_canary_coverage",
  description: "Every secret-marked field of the contract had a canary planted",
  source: "x-secret (this project's OpenAPI extension, src/contracts/secretFields.ts)",
  phase: "passive",
  skipReason: (ctx) => (ctx.options.readOnly ? "read-only run: no secret is planted" : ctx.options.only.length > 0 ? "only some checks ran" : undefined),
  async run(ctx) {
    for (const field of secretFieldsWithoutCanary(ctx, ctx.transport.exchanges)) {
      ctx.notes.push(`No canary was planted in ${field.operationId} ${field.path.join(".")} (x-secret): the run cannot say that secret does not leak.`);
    }
    return [];
  },
};
