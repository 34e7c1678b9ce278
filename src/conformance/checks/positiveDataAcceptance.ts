import fc from "fast-check";
import type { OperationSpec } from "../../contracts/operationTable.js";
import type { Check } from "../check.js";
import type { Answer, CheckContext } from "../context.js";
import { secretFields } from "../../contracts/secretFields.js";
import { NAME_PREFIX } from "../context.js";
import { getAt, setAt } from "../generation/jsonPaths.js";
import { withCanaries } from "../generation/secretCanaries.js";
import { clip, textFieldsOf, type TextField } from "../generation/textFields.js";
import { validVariants, type ValidVariant } from "../generation/validVariants.js";
import type { Probe } from "../profile.js";
import type { Finding } from "../types.js";
import { schemaAt } from "./schemaShapes.js";

const SOURCE = "OpenAPI 3.1 §4.8.13 (Request Body Object), §4.8.16 (Responses Object); JSON Schema 2020-12 §6.3.1 (lengths count code points); RFC 8259 §8.1 (UTF-8)";

/** A 4xx the contract explains for a valid request (a name taken, a key that names nothing, a state that forbids it); 400 and 422 say the input was invalid, and it was not. */
const EXPLAINED = (status: number) => status >= 400 && status < 500 && status !== 400 && status !== 422 && status !== 401 && status !== 403;

type Outcome = { ok: true } | { ok: false; problem: string; answer: Answer; variant: ValidVariant };

/**
 * Valid requests generated from the contract (non-ASCII text, the length bounds, seeded random
 * text) are accepted: a documented 2xx, or a documented 4xx the contract explains, and what was
 * stored reads back equal, in the answer and in the API's read of it. A failing case is shrunk by
 * fast-check to the smallest text that still fails.
 */
export const positiveDataAcceptance: Check = {
  name: "positive_data_acceptance",
  description: "Valid requests with non-ASCII and boundary text are accepted and read back equal",
  source: SOURCE,
  phase: "probe",
  skipReason: (ctx) => (ctx.options.readOnly ? "read-only run: valid writes are writes" : undefined),
  async run(ctx) {
    const findings: Finding[] = [];
    let names = 0;
    const freshName = () => ctx.name(`v${(names++).toString(36)}`);
    for (const operation of ctx.operations) {
      const probe = ctx.probes[operation.operationId];
      if (!probe?.body || typeof probe.body !== "object" || !operation.requestBody || !writable(ctx, operation)) continue;
      const fields = textFieldsOf(ctx.spec, schemaAt(ctx.spec, operation.requestBody.schemaPointer), probe.body);
      const secrets = secretFields(ctx.spec).some((f) => f.operationId === operation.operationId);
      if (fields.length === 0 && !secrets) continue;
      const variants = validVariants(probe.body, fields, freshName);
      const generated = [...variants.fixed, ...(fields.length > 0 ? [spacedVariant(probe.body, fields, freshName)] : [])];
      // Every variant carries canaries in the secret fields (tryVariant plants them); an operation with no free text still sends its valid body once for them.
      const fixed = generated.length > 0 ? generated : [{ what: "the prepared valid body, with a canary in every secret field", body: probe.body, fields }];
      const random = fields.length > 0 ? variants.random : fc.constant(fixed[0]!);
      let failure: Outcome | undefined;
      const property = fc.asyncProperty(random, async (variant) => {
        const outcome = await tryVariant(ctx, operation, probe, variant);
        if (!outcome.ok) failure = outcome;
        return outcome.ok;
      });
      // fast-check counts the fixed examples within numRuns: they run first, then the seeded random ones.
      const result = await fc.check(property, { seed: ctx.options.seed, numRuns: fixed.length + ctx.options.examples - 1, examples: fixed.map((v) => [v] as [ValidVariant]) });
      if (!result.failed || !failure || failure.ok) continue;
      findings.push(ctx.finding({
        check: this.name,
        operationId: operation.operationId,
        what: failure.problem.split(":")[0]!.replace(/\s+/g, "-"),
        title: `${operation.operationId} did not accept a valid request: ${failure.problem}`,
        expected: "a documented 2xx (or a documented 4xx the contract explains), and the text stored exactly as sent",
        received: `${failure.answer.status} to ${failure.variant.what} (shrunk by fast-check, seed ${ctx.options.seed}): ${failure.answer.text.slice(0, 300)}`,
        source: SOURCE,
        exchange: failure.answer.exchange,
      }));
    }
    return findings;
  },
};

/**
 * Spaces are text like any other (JSON Schema 2020-12 §6.3: a string is its code points): every
 * free-text field with spaces inside it and at its end, so a server that trims or collapses them
 * stores another value. A run name keeps its prefix first, for cleanup.
 */
function spacedVariant(valid: unknown, fields: TextField[], freshName: () => string): ValidVariant {
  let body = valid;
  for (const field of fields) {
    const current = getAt(valid, field.path);
    const text = typeof current === "string" && current.startsWith(NAME_PREFIX) ? `${freshName()} two  spaces` : " two  spaces";
    const spaced = `${clip(text, (field.maxLength ?? Number.POSITIVE_INFINITY) - 2)}  `;
    if (spaced.length >= field.minLength) body = setAt(body, field.path, spaced);
  }
  return { what: "spaces inside and at the end of every free-text field", body, fields };
}

/** POST only where the contract gives a way to delete what it makes, or where it replaces what is there (an upsert): nothing is left behind. */
function writable(ctx: CheckContext, operation: OperationSpec): boolean {
  if (operation.method === "put" || operation.method === "patch") return true;
  if (operation.method !== "post") return false;
  return Boolean(itemOperation(ctx, operation, "delete") || ctx.operations.find((o) => o.method === "delete" && o.path === operation.path));
}

/** The operation on one item of the collection a POST adds to (`/packs/` → `/packs/{id}/`), with the name of its id parameter. */
function itemOperation(ctx: CheckContext, operation: OperationSpec, method: "get" | "delete"): { operation: OperationSpec; parameter: string } | undefined {
  const base = operation.path.replace(/\/+$/, "");
  for (const candidate of ctx.operations) {
    if (candidate.method !== method) continue;
    const match = new RegExp(`^${escape(base)}/\\{([^}]+)\\}/?$`).exec(candidate.path);
    if (match) return { operation: candidate, parameter: match[1]! };
  }
  return undefined;
}

async function tryVariant(ctx: CheckContext, operation: OperationSpec, probe: Probe, variant: ValidVariant): Promise<Outcome> {
  const body = withCanaries(ctx, operation.operationId, variant.body);
  const answer = await ctx.send({ sentBy: positiveDataAcceptance.name, operationId: operation.operationId, pathParams: probe.pathParams, query: probe.query, body, keepNames: true });
  if (answer.status === 429) return { ok: true };
  const documented = Boolean(operation.responses[String(answer.status)]);
  if (answer.status >= 500) return { ok: false, problem: `server error ${answer.status}`, answer, variant };
  if (answer.status >= 400) return documented && EXPLAINED(answer.status) ? { ok: true } : { ok: false, problem: `rejected with ${answer.status}${documented ? "" : " (undocumented)"}`, answer, variant };
  // What a create made is deleted at the end by the context, which tracks every 2xx of a creating operation.
  const echoed = mismatch(variant, answer.json);
  if (echoed) return { ok: false, problem: `answered with the text changed: ${echoed}`, answer, variant };
  const read = readBack(ctx, operation, probe, answer.json);
  if (!read) return { ok: true };
  const stored = await ctx.send({ sentBy: positiveDataAcceptance.name, operationId: read.operationId, pathParams: read.pathParams });
  if (stored.status !== 200) return { ok: true };
  const changed = mismatch(variant, stored.json);
  return changed ? { ok: false, problem: `stored the text changed: ${changed}`, answer: stored, variant } : { ok: true };
}

/** The read of what a write stored: the same path for PUT and PATCH, the item the answer names for a POST. */
function readBack(ctx: CheckContext, operation: OperationSpec, probe: Probe, json: unknown): { operationId: string; pathParams?: Record<string, string> } | undefined {
  if (operation.method !== "post") {
    const same = ctx.operations.find((o) => o.method === "get" && o.path === operation.path);
    return same ? { operationId: same.operationId, pathParams: probe.pathParams } : undefined;
  }
  const item = itemOperation(ctx, operation, "get");
  const id = item ? idIn(json, item.parameter) : undefined;
  return item && id !== undefined ? { operationId: item.operation.operationId, pathParams: { ...probe.pathParams, [item.parameter]: id } } : undefined;
}

function idIn(json: unknown, parameter: string): string | undefined {
  const record = json && typeof json === "object" ? (json as Record<string, unknown>) : {};
  const value = record[parameter] ?? record.id;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** The first text field the JSON holds at the same place with another value (absent fields are not compared). */
function mismatch(variant: ValidVariant, json: unknown): string | undefined {
  for (const field of variant.fields) {
    const sent = getAt(variant.body, field.path);
    const got = getAt(json, field.path);
    if (got !== undefined && typeof sent === "string" && got !== sent) return `${field.path.join(".")} sent ${JSON.stringify(sent).slice(0, 80)}, got ${JSON.stringify(got).slice(0, 80)}`;
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
