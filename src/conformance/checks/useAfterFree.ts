import { CheckSkipped, type Check } from "../check.js";
import type { CheckContext } from "../context.js";
import type { DisposableResource } from "../profile.js";
import type { Finding } from "../types.js";

/** A deleted resource is gone: reading or deleting it again is a 404, and no list shows it (RFC 9110 §9.3.5). */
export function useAfterFree(disposable: NonNullable<import("../profile.js").ApiProfile["disposable"]> | undefined): Check {
  return {
    name: "use_after_free",
    description: "After a delete, the resource answers 404 and is no longer listed",
    source: "RFC 9110 §9.3.5 (DELETE) and §15.5.5 (404)",
    phase: "probe",
    skipReason: (ctx) => (!disposable ? "the API has no resource the suite may delete" : ctx.options.readOnly ? "read-only run" : undefined),
    async run(ctx) {
      const findings: Finding[] = [];
      const resources = await disposable!(ctx);
      if (resources.length === 0) throw new CheckSkipped("nothing the suite may delete here (--destructive allows deleting an existing resource)");
      for (const resource of resources) {
        const removed = await ctx.send({ sentBy: this.name, ...resource.remove });
        if (removed.status >= 300) {
          findings.push(ctx.finding({
            check: this.name, operationId: resource.remove.operationId, what: `delete-${resource.label}`,
            title: `deleting ${resource.label} answered ${removed.status}`, expected: "a 2xx", received: `${removed.status}: ${removed.text.slice(0, 300)}`,
            source: this.source, exchange: removed.exchange,
          }));
          continue;
        }
        for (const [what, probe] of [["read", resource.read], ["delete-again", resource.remove]] as const) {
          const answer = await ctx.send({ sentBy: this.name, ...probe });
          if (answer.status === 404) continue;
          findings.push(ctx.finding({
            check: this.name, operationId: probe.operationId, what: `${what}-${resource.label}`,
            title: `${resource.label} answered ${answer.status} to a ${what === "read" ? "read" : "second delete"} after it was deleted`,
            expected: "404", received: `${answer.status}: ${answer.text.slice(0, 300)}`,
            source: this.source, basis: ctx.basisOf(ctx.operation(probe.operationId), 404), exchange: answer.exchange,
          }));
        }
        if (resource.listedIn) findings.push(...(await stillListed(ctx, this.name, this.source, resource.label, resource.listedIn)));
      }
      return findings;
    },
  };
}

/** A list that showed the resource before the delete shows it no longer (a list that forgot a soft delete's filter does). */
async function stillListed(ctx: CheckContext, check: string, source: string, label: string, listedIn: NonNullable<DisposableResource["listedIn"]>): Promise<Finding[]> {
  const answer = await ctx.send({ sentBy: check, ...listedIn.list });
  if (answer.status !== 200 || !answer.text.includes(listedIn.id)) return [];
  return [ctx.finding({
    check, operationId: listedIn.list.operationId, what: `listed-${label.replace(/\s+/g, "-")}`,
    title: `${label} is still listed by ${listedIn.list.operationId} after it was deleted`,
    expected: `a list without ${listedIn.id}`, received: `${answer.status}: the answer contains ${listedIn.id}`,
    source, exchange: answer.exchange,
  })];
}
