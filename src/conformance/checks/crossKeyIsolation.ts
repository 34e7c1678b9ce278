import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import type { Answer } from "../context.js";
import type { OwnedResource, Probe } from "../profile.js";
import type { Finding } from "../types.js";

/**
 * A resource made with one key is a 404 for another account's key (apis.md: Merge "404 not_found
 * on resources that exist in the other environment"; Vern "a key sees only its migrations"): it
 * cannot read it, change it, or find it in a list.
 */
export const crossKeyIsolation: Check = {
  name: "cross_key_isolation",
  description: "Another key's resources are 404: not readable, not writable (every write the API has), not listed; the owner sees them unchanged",
  source: "apis.md §1–§3 (per-key scoping); RFC 9110 §15.5.5",
  phase: "probe",
  skipReason: (ctx) =>
    !ctx.operations.some((o) => o.secured) ? "the API has no authentication"
    : !ctx.options.secondaryKey ? "no second key given (--secondary-key-env)"
    : ctx.owned.length === 0 ? "the run made no resource to look for" : undefined,
  async run(ctx) {
    const findings: Finding[] = [];
    for (const resource of ctx.owned) {
      findings.push(...(await probeRead(ctx, this, resource)));
      if (ctx.options.readOnly || !resource.writes?.length) continue;
      const before = resource.unchanged ? await ctx.send({ sentBy: this.name, ...resource.read }) : undefined;
      for (const write of resource.writes) findings.push(...(await probeWrite(ctx, this, resource, write)));
      if (before?.status === 200) findings.push(...(await expectUnchanged(ctx, this, resource, before)));
    }
    findings.push(...(await probeLists(ctx, this)));
    return findings;
  },
};

async function probeRead(ctx: CheckContext, check: Check, resource: OwnedResource): Promise<Finding[]> {
  const answer = await ctx.send({ sentBy: check.name, ...resource.read, auth: "secondary" });
  if (answer.status === 404) return [];
  const operation = ctx.operation(resource.read.operationId);
  return [ctx.finding({
    check: check.name, operationId: operation.operationId, what: slug(resource.label),
    title: `${resource.label}, made with the primary key, answered ${answer.status} to the secondary key`,
    expected: "404: another account's resource does not exist for this key", received: `${answer.status}: ${answer.text}`,
    source: check.source, basis: ctx.basisOf(operation, 404), exchange: answer.exchange,
  })];
}

/** A write with the other key gets the documented 404: not a success, and not another status that admits the resource exists. */
async function probeWrite(ctx: CheckContext, check: Check, resource: OwnedResource, write: Probe): Promise<Finding[]> {
  const answer = await ctx.send({ sentBy: check.name, ...write, auth: "secondary" });
  if (answer.status === 404) return [];
  const operation = ctx.operation(write.operationId);
  const accepted = answer.status < 400;
  return [ctx.finding({
    check: check.name, operationId: operation.operationId, what: `write-${slug(resource.label)}`,
    title: `${resource.label}, made with the primary key, ${accepted ? "accepted" : `answered ${answer.status} to`} a ${operation.operationId} from the secondary key${accepted ? ` (${answer.status})` : ""}`,
    expected: "404: another account's resource does not exist for this key, so it cannot be changed", received: `${answer.status}: ${answer.text}`,
    source: check.source, basis: ctx.basisOf(operation, 404), exchange: answer.exchange,
  })];
}

/** After the other key's writes, the owner reads the resource as it was. */
async function expectUnchanged(ctx: CheckContext, check: Check, resource: OwnedResource, before: Answer): Promise<Finding[]> {
  const after = await ctx.send({ sentBy: check.name, ...resource.read });
  if (after.status === before.status && JSON.stringify(after.json) === JSON.stringify(before.json)) return [];
  const operation = ctx.operation(resource.read.operationId);
  return [ctx.finding({
    check: check.name, operationId: operation.operationId, what: `changed-${slug(resource.label)}`,
    title: `${resource.label}, made with the primary key, changed after the secondary key's writes (${(resource.writes ?? []).map((w) => w.operationId).join(", ")})`,
    expected: `the owner reads it as before: ${before.status} ${before.text}`, received: `${after.status}: ${after.text}`,
    source: check.source, basis: ctx.basisOf(operation, 404), exchange: after.exchange,
  })];
}

/** Every list the other key can read (no path parameters) must not mention the primary key's resources. */
async function probeLists(ctx: CheckContext, check: Check): Promise<Finding[]> {
  const ids = ctx.owned.flatMap((r) => (r.id ? [{ id: r.id, label: r.label }] : []));
  if (ids.length === 0) return [];
  const findings: Finding[] = [];
  const lists = ctx.operations.filter((o) => o.method === "get" && !o.parameters.some((p) => p.in === "path" || (p.in === "query" && p.required)));
  for (const operation of lists) {
    const answer = await ctx.send({ sentBy: check.name, operationId: operation.operationId, auth: "secondary" });
    const leaked = ids.find(({ id }) => answer.text.includes(id));
    if (!leaked) continue;
    findings.push(ctx.finding({
      check: check.name, operationId: operation.operationId, what: `listed-${slug(leaked.label)}`,
      title: `${operation.operationId} with the secondary key lists ${leaked.label} made with the primary key`,
      expected: "lists show only the calling key's resources", received: `${answer.status}: the answer contains ${leaked.id}`,
      source: check.source, exchange: answer.exchange,
    }));
  }
  return findings;
}

function slug(label: string): string {
  return label.replace(/\s+/g, "-");
}
