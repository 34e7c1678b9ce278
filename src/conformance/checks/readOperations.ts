import type { Check } from "../check.js";
import type { Finding } from "../types.js";

/**
 * Every read operation answers a valid request with a documented 2xx, so each one's answer passes
 * through the passive checks (status, schema, content type, secrets) at least once.
 */
export const readOperations: Check = {
  name: "read_operations",
  description: "Every read operation answers a valid request with its documented success",
  source: "OpenAPI 3.1 §4.8.16: the operation's 2xx response",
  phase: "probe",
  async run(ctx) {
    const findings: Finding[] = [];
    for (const operation of ctx.operations) {
      if (operation.method !== "get") continue;
      const probe = ctx.probes[operation.operationId];
      if (!probe && operation.parameters.some((p) => p.in === "path")) continue;
      const answer = await ctx.send({ sentBy: this.name, operationId: operation.operationId, pathParams: probe?.pathParams, query: probe?.query });
      const successes = Object.keys(operation.responses).filter((s) => s.startsWith("2"));
      if (successes.includes(String(answer.status))) continue;
      findings.push(ctx.finding({
        check: this.name, operationId: operation.operationId, what: `status-${answer.status}`,
        title: `${operation.operationId} answered ${answer.status} to a valid request`,
        expected: successes.join(" or "), received: `${answer.status}: ${answer.text.slice(0, 300)}`,
        source: this.source, basis: ctx.basisOf(operation, successes[0]), exchange: answer.exchange,
      }));
    }
    return findings;
  },
};
