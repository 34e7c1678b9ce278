import { randomBytes } from "node:crypto";
import { credentialHeaders } from "../../clients/index.js";
import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import type { Finding } from "../types.js";

/**
 * Every operation with a security requirement answers 401 without a credential, with a malformed
 * one and with an unknown one (RFC 9110 §15.5.2; the vendors' auth sections).
 */
export const authRequired: Check = {
  name: "auth_required",
  description: "Protected operations answer 401 to a missing, malformed or unknown credential (the key itself is accepted with its scheme in any case)",
  source: "RFC 9110 §15.5.2 (401), §11.1 (schemes are case-insensitive); each contract's securitySchemes; apis.md (Vern: 401 \"key missing, malformed or revoked\")",
  phase: "probe",
  skipReason: (ctx) => (ctx.operations.some((o) => o.secured) ? undefined : "the API has no authentication"),
  async run(ctx) {
    const findings: Finding[] = [];
    for (const operation of ctx.operations) {
      if (!operation.secured) continue;
      if (ctx.options.readOnly && operation.method !== "get") continue;
      const probe = ctx.probes[operation.operationId];
      for (const [variant, headers] of credentialVariants(ctx)) {
        const answer = await ctx.send({
          sentBy: this.name,
          operationId: operation.operationId,
          pathParams: probe?.pathParams ?? placeholderParams(operation.path),
          query: probe?.query,
          body: probe?.body,
          auth: { headers },
        });
        if (answer.status === 401) continue;
        findings.push(ctx.finding({
          check: this.name, operationId: operation.operationId, what: variant,
          title: `${operation.operationId} answered ${answer.status} to a request with ${variant}`,
          expected: "401 with the API's error body", received: `${answer.status}: ${answer.text.slice(0, 300)}`,
          source: this.source, basis: ctx.basisOf(operation, 401), exchange: answer.exchange,
        }));
      }
    }
    findings.push(...(await schemeInLowerCase(ctx, this)));
    return findings;
  },
};

/**
 * The scheme of an Authorization credential is case-insensitive (RFC 9110 §11.1): the key sent as
 * "bearer <key>" is the key. Sent once, to a read that needs no parameters.
 */
async function schemeInLowerCase(ctx: CheckContext, check: Check): Promise<Finding[]> {
  const headers = ctx.options.primaryKey ? credentialHeaders(ctx.api, ctx.options.primaryKey) : {};
  const authorization = headers.authorization;
  const scheme = authorization?.match(/^(\S+) /)?.[1];
  const operation = ctx.operations.find((o) => o.secured && o.method === "get" && !o.parameters.some((p) => p.in === "path" || (p.in === "query" && p.required)));
  if (!authorization || !scheme || scheme === scheme.toLowerCase() || !operation) return [];
  const lower = `${scheme.toLowerCase()}${authorization.slice(scheme.length)}`;
  const answer = await ctx.send({ sentBy: check.name, operationId: operation.operationId, auth: { headers: { ...headers, authorization: lower } } });
  if (answer.status !== 401) return [];
  return [ctx.finding({
    check: check.name, operationId: operation.operationId, what: "scheme-in-lower-case",
    title: `${operation.operationId} answered 401 to the key with its scheme in lower case ("${scheme.toLowerCase()} …")`,
    expected: `the answer to "${scheme} …": an authentication scheme is case-insensitive (RFC 9110 §11.1)`, received: `401: ${answer.text.slice(0, 300)}`,
    source: check.source, exchange: answer.exchange,
  })];
}

/**
 * No credential; the right key in the wrong form; a well-formed key nobody was issued; and, when
 * a key is given, near misses of it that a lenient lookup accepts: the key in another case (a
 * case-insensitive collation) and the key with characters appended (a prefix or truncating
 * comparison). A key is an opaque string compared exactly (RFC 9110 §11.6.2: credentials are
 * case-sensitive, unlike the scheme).
 */
function credentialVariants(ctx: CheckContext): Array<[string, Record<string, string>]> {
  const key = ctx.options.primaryKey ?? `cc-${randomBytes(12).toString("hex")}`;
  const unknown = lookalike(key);
  const malformed: Record<string, string> =
    ctx.api === "merge" ? { authorization: key } : { "x-api-key": `Bearer ${key}` };
  ctx.redactor.add(unknown, "<unknown key>");
  const variants: Array<[string, Record<string, string>]> = [
    ["no credential", {}],
    ["a malformed credential", malformed],
    ["an unknown credential", credentialHeaders(ctx.api, unknown)],
  ];
  if (!ctx.options.primaryKey) return variants;
  const otherCase = swapCase(key);
  const extended = `${key}${randomBytes(3).toString("hex")}`;
  // Both are the key, nearly: reports show them redacted like it.
  ctx.redactor.add(otherCase, "<the key in another case>");
  ctx.redactor.add(extended, "<the key, extended>");
  if (otherCase !== key) variants.push(["the key in another case", credentialHeaders(ctx.api, otherCase)]);
  variants.push(["the key with characters appended", credentialHeaders(ctx.api, extended)]);
  return variants;
}

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
}

/** A key of the same shape (prefix and length) that is not the real one. */
function lookalike(key: string): string {
  const cut = Math.max(key.lastIndexOf("_"), key.lastIndexOf("-")) + 1;
  const prefix = cut > 0 && cut < key.length - 8 ? key.slice(0, cut) : "";
  const tail = randomBytes(key.length).toString("hex").slice(0, Math.max(key.length - prefix.length, 16));
  return prefix + tail;
}

function placeholderParams(path: string): Record<string, string> {
  return Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name!, "00000000-0000-4000-8000-000000000000"]));
}
