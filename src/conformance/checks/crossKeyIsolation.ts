import type { Check } from "../check.js";
import type { Finding } from "../types.js";

/**
 * A resource made with one key is a 404 for another account's key (apis.md: Merge "404 not_found
 * on resources that exist in the other environment"; Vern "a key sees only its migrations").
 */
export const crossKeyIsolation: Check = {
  name: "cross_key_isolation",
  description: "Another key's resources are 404, not visible",
  source: "apis.md §1–§3 (per-key scoping); RFC 9110 §15.5.5",
  phase: "probe",
  skipReason: (ctx) =>
    !ctx.operations.some((o) => o.secured) ? "the API has no authentication"
    : !ctx.options.secondaryKey ? "no second key given (--secondary-key-env)"
    : ctx.owned.length === 0 ? "the run made no resource to look for" : undefined,
  async run(ctx) {
    const findings: Finding[] = [];
    for (const resource of ctx.owned) {
      const answer = await ctx.send({ sentBy: this.name, ...resource.read, auth: "secondary" });
      if (answer.status === 404) continue;
      const operation = ctx.operation(resource.read.operationId);
      findings.push(ctx.finding({
        check: this.name, operationId: operation.operationId, what: resource.label.replace(/\s+/g, "-"),
        title: `${resource.label}, made with the primary key, answered ${answer.status} to the secondary key`,
        expected: "404: another account's resource does not exist for this key", received: `${answer.status}: ${answer.text.slice(0, 300)}`,
        source: this.source, basis: ctx.basisOf(operation, 404), exchange: answer.exchange,
      }));
    }
    return findings;
  },
};
